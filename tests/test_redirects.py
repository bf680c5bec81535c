from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ohp_gateway.redirects import InvalidReturnTo, validate_return_to


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("/", id="root"),
        pytest.param("/claims/123?tab=2#top", id="query-and-fragment"),
        pytest.param("/files/my%20report.pdf", id="encoded-space"),
        pytest.param("/@evil.example", id="at-sign-is-a-path"),
        pytest.param("/a/b//c", id="inner-double-slash"),
    ],
)
def test_relative_paths_are_accepted(value: str) -> None:
    assert validate_return_to(value) == value


def test_missing_return_to_defaults_to_root() -> None:
    assert validate_return_to(None) == "/"
    assert validate_return_to("") == "/"


OFF_SITE = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "evil.example",
    "/\t/evil.example",
    "/\r\nSet-Cookie: x=1",
    "/%0d%0aSet-Cookie:x=1",
    "/%09/evil.example",
    "/%2f%2fevil.example",
    "/%2F/evil.example",
    "/%5cevil.example",
    "/%5Cevil.example",
    "%2f%2fevil.example",
    "/%252f%252fevil.example",
    "/ /evil.example",
    "/x\x00",
]


@pytest.mark.parametrize("value", [pytest.param(v, id=repr(v)) for v in OFF_SITE])
def test_off_site_forms_are_rejected(value: str) -> None:
    with pytest.raises(InvalidReturnTo):
        validate_return_to(value)


@given(st.sampled_from(["//evil.example/x", "/\\evil.example", "/\t/evil.example"]))
def test_percent_encoded_variants_of_off_site_forms_are_rejected(value: str) -> None:
    for encoded in (quote(value, safe=""), "/" + quote(value[1:], safe="")):
        if encoded.startswith("/"):
            with pytest.raises(InvalidReturnTo):
                validate_return_to(encoded)


@given(st.text(max_size=60))
def test_accepted_values_are_always_same_site_paths(value: str) -> None:
    try:
        accepted = validate_return_to(value)
    except InvalidReturnTo:
        return
    assert accepted.startswith("/") and not accepted.startswith("//")
    assert not any(c in accepted for c in "\\\r\n\t\x00")


def test_overlong_value_is_rejected() -> None:
    with pytest.raises(InvalidReturnTo, match="longer than"):
        validate_return_to("/" + "a" * 3000)
