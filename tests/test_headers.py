from __future__ import annotations

from urllib.parse import unquote

import pytest
from core_support import build_subscriber
from hypothesis import given
from hypothesis import strategies as st

from ohp_gateway.headers import IdentityHeaders, encode_value, is_identity_header


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        pytest.param("X-OHP-Roles", True, id="canonical"),
        pytest.param("x-ohp-roles", True, id="lower"),
        pytest.param("X-Ohp-Subscriber-Id", True, id="mixed-case"),
        pytest.param("X_OHP_Roles", True, id="underscores"),
        pytest.param("X-OHP_Roles", True, id="mixed-separators"),
        pytest.param("x_ohp-anything-new", True, id="unknown-suffix"),
        pytest.param("X-OHPRoles", False, id="no-separator-after-prefix"),
        pytest.param("X-Forwarded-For", False, id="other"),
        pytest.param("Cookie", False, id="cookie"),
    ],
)
def test_identity_header_test_reads_underscore_as_hyphen(name: str, stripped: bool) -> None:
    assert is_identity_header(name, "x-ohp-") is stripped


def test_headers_for_a_subscriber() -> None:
    headers = dict(IdentityHeaders().build(build_subscriber(name="José Núñez")))
    assert headers["X-OHP-Subscriber-Id"] == "S1000001"
    assert headers["X-OHP-Subscriber-Name"] == "Jos%C3%A9 N%C3%BA%C3%B1ez"
    assert headers["X-OHP-Tax-Ids"] == "91-1234567,91-7654321"
    assert headers["X-OHP-Roles"] == "Billing,Eligibility"
    assert headers["X-OHP-Organization-Name"] == "Valley Clinic"


def test_custom_prefix() -> None:
    names = [n for n, _ in IdentityHeaders("X-Site-").build(build_subscriber())]
    assert all(n.startswith("X-Site-") for n in names)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_encoded_values_are_printable_ascii_and_round_trip(value: str) -> None:
    encoded = encode_value(value)
    assert encoded.isascii() and all(0x20 <= ord(c) < 0x7F for c in encoded)
    assert unquote(encoded) == value


def test_percent_is_encoded_so_decoding_is_exact() -> None:
    assert encode_value("100% sure") == "100%25 sure"
    assert unquote(encode_value("100% sure")) == "100% sure"
