"""``make_subscriber`` and ``make_config``: valid defaults, validated overrides."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ohp_gateway import ConfigError, Subscriber
from ohp_gateway.clock import FakeClock
from ohp_gateway.testing import make_config, make_subscriber

# EIN prefixes the IRS never assigns ("How EINs are Assigned and Valid EIN Prefixes").
INVALID_EIN_PREFIXES = {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70"}
INVALID_EIN_PREFIXES |= {"78", "79", "89", "96", "97"}


def test_default_subscriber_is_a_plausible_clinic_staff_member() -> None:
    subscriber = make_subscriber()
    assert isinstance(subscriber, Subscriber)
    assert subscriber.roles == ("Billing",)
    assert subscriber.organization_name == "Valley Clinic"
    assert subscriber.email.endswith(".example")
    (tax_id,) = subscriber.tax_ids
    assert tax_id[2] == "-" and tax_id[:2] not in INVALID_EIN_PREFIXES


def test_default_sign_in_time_is_the_given_clock() -> None:
    clock = FakeClock(1_000_000.0)
    assert make_subscriber(clock=clock).auth_time == 1_000_000.0


def test_default_sign_in_time_without_a_clock_is_the_wall_clock() -> None:
    before = time.time()
    assert before <= make_subscriber().auth_time <= time.time()


def test_each_subscriber_gets_its_own_session_id() -> None:
    assert make_subscriber().session_id != make_subscriber().session_id


def test_overrides_replace_defaults_and_a_lone_string_is_one_item() -> None:
    subscriber = make_subscriber(roles="Eligibility", tax_ids=["91-7654321", "123-45-6789"])
    assert subscriber.roles == ("Eligibility",)
    assert subscriber.tax_ids == ("91-7654321", "123-45-6789")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"tax_ids": ["12-345"]}, r"tax_ids\[0\]: '12-345' is not a Tax ID", id="tax"),
        pytest.param({"email": "jane"}, r"email: 'jane' is not an e-mail", id="email"),
        pytest.param({"roles": ["A,B"]}, r"roles\[0\]: .* contains a comma", id="role-comma"),
        pytest.param({"name": ""}, r"name: must not be empty", id="empty-name"),
        pytest.param({"auth_time": -1}, r"auth_time: -1 is not a unix time", id="auth-time"),
    ],
)
def test_invalid_overrides_are_refused_naming_the_field(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make_subscriber(**overrides)


def test_unknown_override_is_a_type_error_naming_it_with_a_suggestion() -> None:
    with pytest.raises(TypeError, match=r"'role' \(did you mean 'roles'\?\).*'zzz'"):
        make_subscriber(role="Billing", zzz=1)


def test_test_config_has_fresh_keys_and_plain_http_cookies() -> None:
    first, second = make_config(), make_config()
    assert first.site_id == "test-site"
    assert first.secure_cookies is False
    assert first.cookie_name == "ohp_session"
    assert first.keyring.serialize() != second.keyring.serialize()


def test_test_config_takes_overrides_and_validates_them() -> None:
    config = make_config(rules=[{"path": "/admin/", "roles_any": ["Administrator"]}])
    assert config.rules[0].path == "/admin/"
    with pytest.raises(ConfigError, match="idle_timeout"):
        make_config(idle_timout=5)
