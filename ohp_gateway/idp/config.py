"""Tunable numbers of the identity provider, with their precedents."""

from __future__ import annotations

import attrs


@attrs.frozen
class Argon2Params:
    """Argon2id cost. Default is OWASP Password Storage: m=19456 KiB, t=2, p=1 (~40 ms)."""

    memory_kib: int = 19456
    iterations: int = 2
    lanes: int = 1


#: A cheap parameter set for test suites only; never use it for real accounts.
TEST_ARGON2 = Argon2Params(memory_kib=64, iterations=1, lanes=1)

DEFAULT_ROLES = (
    "Billing",
    "Claims",
    "Eligibility",
    "Referrals",
    "Authorizations",
    "Clinical",
    "Provider",
    "Front Office",
    "Practice Management",
    "Credentialing",
    "Care Management",
    "Pharmacy",
)


@attrs.frozen
class IdpConfig:
    """Policy numbers. Defaults follow the community FAQ and NIST SP 800-63B."""

    argon2: Argon2Params = Argon2Params()
    #: FAQ: "If you are still unable to log in after 10 minutes" -> 5 failures lock 10 min.
    lockout_threshold: int = 5
    lockout_seconds: float = 600.0
    #: Activation codes: single use, 72 h, a few attempts (NIST 800-63B 5.1.1: limit attempts).
    activation_ttl: float = 72 * 3600.0
    activation_attempts: int = 5
    #: Reset tokens: 30 minutes, single use (OWASP Forgot Password cheat sheet).
    reset_ttl: float = 30 * 60.0
    #: NIST SP 800-63B rev 4: at least 15 characters for single-factor passwords.
    password_min_length: int = 15
    password_max_length: int = 256
    organization_agreement_version: str = "2024-01"
    subscriber_agreement_version: str = "2024-01"
    roles: tuple[str, ...] = DEFAULT_ROLES
    totp_issuer: str = "OneHealthPort community"
    #: Accept TOTP codes from one step before and after (RFC 6238 section 5.2).
    totp_window: int = 1
    #: Seals TOTP seeds at rest (AES-256-GCM, HKDF-derived); from ``OHP_IDP_SECRET_KEY``.
    secret_key: str | None = attrs.field(default=None, repr=False)
    #: The IdP's public base URL (``https://idp.example``). When set, the password reset
    #: e-mail carries a ready link to ``{public_url}/reset?token=...`` besides the token.
    public_url: str | None = None
