"""One-time codes and tokens: from ``secrets``, stored as SHA-256 digests.

They carry 60-256 random bits, so a fast hash is enough: nothing is left to brute-force
offline that the attempt limit does not already bound online.
"""

from __future__ import annotations

import hashlib
import secrets

# Crockford-style alphabet without 0/O, 1/I/L: activation codes are read out and typed.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def digest(value: str) -> str:
    """The stored form of a code or token (codes compare case-insensitively)."""
    normalised = value.strip().replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def activation_code() -> str:
    """``XXXX-XXXX-XXXX``: 12 symbols of 30 (~59 bits), attempts limited."""
    symbols = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(symbols[i : i + 4] for i in range(0, 12, 4))


def reset_token() -> str:
    """A 256-bit URL-safe token for an e-mailed reset link."""
    return secrets.token_urlsafe(32)


def recovery_code() -> str:
    """A second-factor recovery code, ``XXXXX-XXXXX`` (~49 bits)."""
    symbols = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{symbols[:5]}-{symbols[5:]}"


def subscriber_id() -> str:
    """A new Subscriber ID: ``ohp`` and 8 digits. It never changes afterwards."""
    return f"ohp{secrets.randbelow(10**8):08d}"
