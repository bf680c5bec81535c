from __future__ import annotations

import base64

import pytest

from ohp_gateway.idp import totp

# RFC 6238 appendix B, SHA-1 seed "12345678901234567890"; 6-digit codes are the low digits.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("at", "code"),
    [
        pytest.param(59, "287082", id="59"),
        pytest.param(1111111109, "081804", id="1111111109"),
        pytest.param(1234567890, "005924", id="1234567890"),
        pytest.param(20000000000, "353130", id="20000000000"),
    ],
)
def test_codes_match_rfc_6238_vectors(at: int, code: str) -> None:
    assert totp.now_code(RFC_SECRET, at) == code


def test_code_from_adjacent_step_is_accepted_within_window() -> None:
    code = totp.now_code(RFC_SECRET, 1000)
    assert totp.match_step(RFC_SECRET, code, 1030, window=1) == 1000 // 30
    assert totp.match_step(RFC_SECRET, code, 1100, window=1) is None


def test_provisioning_uri_names_issuer_and_secret() -> None:
    uri = totp.provisioning_uri("ABC", "ohp1", "Community")
    assert uri.startswith("otpauth://totp/Community%3Aohp1?") and "secret=ABC" in uri
