"""The names ``ohp_gateway.testing`` exports, pinned."""

from __future__ import annotations

import pytest

import ohp_gateway.testing as testing
from ohp_gateway.clock import FakeClock


def test_exported_names_are_pinned() -> None:
    assert sorted(testing.__all__) == [
        "FakeClock",
        "login",
        "logout",
        "make_config",
        "make_subscriber",
        "session_cookie",
    ]


@pytest.mark.parametrize("name", testing.__all__)
def test_every_exported_name_resolves_and_is_listed(name: str) -> None:
    assert getattr(testing, name) is not None
    assert name in dir(testing)


def test_fake_clock_is_the_core_one() -> None:
    assert testing.FakeClock is FakeClock


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'make_admin'"):
        testing.make_admin  # noqa: B018
