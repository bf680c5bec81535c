"""Signing keys of the OpenID Connect provider: RS256, 2048-bit, kept in the store.

The newest unretired key signs. :func:`rotate_signing_key` retires it and adds a new one; the
retired public key stays in ``/jwks`` until every ID token it signed has expired (token
lifetime plus the clock skew relying parties allow), so rotation never breaks a sign-in in
flight. Private keys are stored as PKCS#8 PEM, encrypted with ``signing_key_secret`` when one
is configured (``OHP_IDP_SIGNING_KEY_SECRET``), otherwise in clear (the database file must
then be protected like a key file).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

import attrs
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .. import audit
from ..context import Actor, Context
from ..store import Row, Tx

__all__ = [
    "ALG",
    "ID_TOKEN_TTL",
    "KeyCache",
    "KeyUnavailable",
    "SigningKey",
    "active_key",
    "ensure_signing_key",
    "published_jwks",
    "rotate_signing_key",
]

ALG = "RS256"
KEY_SIZE = 2048  # NIST SP 800-57 part 1: 2048-bit RSA is acceptable through 2030
ID_TOKEN_TTL = 300  # seconds; the token is used once, at the relying party's callback
#: Relying parties accept tokens a little past ``exp`` (our gateway allows 30 s, PyJWT users
#: often 60 s); a retired key stays published for the token lifetime plus this margin.
CLOCK_SKEW = 120


class KeyUnavailable(Exception):
    """A stored key cannot be loaded (encrypted with a secret that is not configured)."""


@attrs.frozen
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey = attrs.field(repr=False)


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256): a stable ``kid`` derived from the public key."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _encryption(secret: str | None) -> serialization.KeySerializationEncryption:
    if secret:
        return serialization.BestAvailableEncryption(secret.encode())
    return serialization.NoEncryption()


def _insert_new_key(tx: Tx, now: float, secret: str | None) -> str:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    kid = _thumbprint(jwk)
    public = {**jwk, "kid": kid, "alg": ALG, "use": "sig"}
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(secret)
    )
    tx.execute(
        "INSERT INTO signing_keys (kid, alg, private_pem, encrypted, public_jwk, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (kid, ALG, pem, int(bool(secret)), json.dumps(public), now),
    )
    return kid


def ensure_signing_key(ctx: Context, secret: str | None = None) -> None:
    """Create the first signing key if there is none (idempotent, safe across processes)."""
    with ctx.store.write() as tx:
        if tx.scalar("SELECT 1 FROM signing_keys WHERE retired_at IS NULL") is None:
            kid = _insert_new_key(tx, ctx.now(), secret)
            audit.record(tx, ctx.now(), "system:idp", "oidc.key.create", f"key:{kid}", "")


def rotate_signing_key(ctx: Context, actor: Actor | None = None, secret: str | None = None) -> str:
    """Retire the signing key(s) and start signing with a new one; returns the new ``kid``.

    Retired public keys stay published for ``ID_TOKEN_TTL + CLOCK_SKEW`` seconds."""
    who = actor or Actor.system()
    now = ctx.now()
    with ctx.store.write() as tx:
        tx.execute(
            "UPDATE signing_keys SET retired_at = ?, publish_until = ? WHERE retired_at IS NULL",
            (now, now + ID_TOKEN_TTL + CLOCK_SKEW),
        )
        kid = _insert_new_key(tx, now, secret)
        audit.record(tx, now, who.label, "oidc.key.rotate", f"key:{kid}", who.source)
    return kid


def _load_private(row: Row, secret: str | None) -> rsa.RSAPrivateKey:
    if row["encrypted"] and not secret:
        raise KeyUnavailable(
            f"signing key {row['kid']} is encrypted: set OHP_IDP_SIGNING_KEY_SECRET"
        )
    password = secret.encode() if row["encrypted"] and secret else None
    key = serialization.load_pem_private_key(bytes(row["private_pem"]), password)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyUnavailable(f"signing key {row['kid']} is not an RSA key")
    return key


def active_key(ctx: Context, secret: str | None = None) -> SigningKey:
    """The key that signs now (the newest unretired one); created on first use."""
    ensure_signing_key(ctx, secret)
    with ctx.store.read() as tx:
        row = tx.one(
            "SELECT * FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1"
        )
    if row is None:  # another process rotated between the two transactions: rare, retry
        return active_key(ctx, secret)
    return SigningKey(str(row["kid"]), _load_private(row, secret))


def published_jwks(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """The JWK Set: the signing key first, then retired keys still within their window."""
    with ctx.store.read() as tx:
        rows = tx.all(
            "SELECT public_jwk FROM signing_keys WHERE retired_at IS NULL OR publish_until > ?"
            " ORDER BY retired_at IS NOT NULL, created_at DESC",
            (ctx.now(),),
        )
    return {"keys": [json.loads(r["public_jwk"]) for r in rows]}


class KeyCache:
    """The signing key and JWK Set, re-read from the store at most every ``ttl`` seconds
    (another process may rotate) and at once after a rotation through this cache."""

    def __init__(self, ctx: Context, secret: str | None, ttl: float = 60.0) -> None:
        self._ctx = ctx
        self._secret = secret
        self._ttl = ttl
        self._lock = threading.Lock()
        self._loaded_at = -float("inf")
        self._signing: SigningKey | None = None
        self._jwks: dict[str, list[dict[str, Any]]] = {"keys": []}

    def _refresh(self) -> tuple[SigningKey, dict[str, list[dict[str, Any]]]]:
        with self._lock:
            now = self._ctx.now()
            if self._signing is None or now - self._loaded_at >= self._ttl:
                self._signing = active_key(self._ctx, self._secret)
                self._jwks = published_jwks(self._ctx)
                self._loaded_at = now
            return self._signing, self._jwks

    def signing_key(self) -> SigningKey:
        return self._refresh()[0]

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return self._refresh()[1]

    def rotate(self, actor: Actor | None = None) -> str:
        kid = rotate_signing_key(self._ctx, actor, self._secret)
        with self._lock:
            self._signing = None
        return kid
