"""TOTP (RFC 6238, SHA-1, 30 s, 6 digits): what authenticator apps implement."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6


def new_secret() -> str:
    """A 160-bit secret in base32 (RFC 4226 recommends 160 bits)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def code_at(secret: str, step: int) -> str:
    """The code for one time step (RFC 4226 dynamic truncation)."""
    key = base64.b32decode(secret, casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"


def now_code(secret: str, now: float) -> str:
    return code_at(secret, int(now // STEP))


def match_step(secret: str, code: str, now: float, window: int) -> int | None:
    """The time step ``code`` belongs to within ``window`` steps of now, else None."""
    current = int(now // STEP)
    candidate = code.strip().replace(" ", "")
    if not (candidate.isascii() and candidate.isdigit()):
        return None  # compare_digest refuses non-ASCII text; such a code is wrong anyway
    for step in range(current - window, current + window + 1):
        if hmac.compare_digest(code_at(secret, step), candidate):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """``otpauth://`` URI for a QR code (Google Authenticator key URI format)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret, "issuer": issuer, "digits": DIGITS, "period": STEP})
    return f"otpauth://totp/{label}?{query}"
