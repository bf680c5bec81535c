"""``X-OHP-Assertion``: a short-lived signed JWT of the identity claims.

An upstream that cannot trust its network path verifies it against ``/.ohp/jwks.json``
instead of trusting bare headers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from .errors import ConfigError
from .identity import Subscriber

__all__ = ["AssertionSigner"]

LIFETIME = 60  # seconds; re-signed at most every LIFETIME / 2 per session


class AssertionSigner:
    """Signs identity assertions with an EC P-256 (ES256) or Ed25519 (EdDSA) private key."""

    def __init__(self, key_spec: str, site_id: str) -> None:
        pem = key_spec.encode() if "-----BEGIN" in key_spec else _read(key_spec)
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise ConfigError("assertion_key", f"not a PEM private key: {exc}") from None
        if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
            self.alg = "ES256"
        elif isinstance(key, ed25519.Ed25519PrivateKey):
            self.alg = "EdDSA"
        else:
            raise ConfigError("assertion_key", "must be an EC P-256 or Ed25519 private key")
        self._key = key
        self.site_id = site_id
        jwk = json.loads(jwt.algorithms.get_default_algorithms()[self.alg].to_jwk(key.public_key()))
        self.kid = jwk.get("x", "")[:16]
        self.jwks: dict[str, Any] = {
            "keys": [{**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}]
        }

    def sign(self, subscriber: Subscriber, now: float) -> tuple[str, float]:
        """A token valid for LIFETIME seconds, and its expiry."""
        exp = int(now) + LIFETIME
        claims = {
            "iss": self.site_id,
            "aud": self.site_id,
            "iat": int(now),
            "exp": exp,
            **subscriber.to_json(),
            "sub": subscriber.subscriber_id,
        }
        token = jwt.encode(claims, self._key, algorithm=self.alg, headers={"kid": self.kid})
        return token, float(exp)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError("assertion_key", f"cannot read {path!r}: {exc.strerror}") from None
