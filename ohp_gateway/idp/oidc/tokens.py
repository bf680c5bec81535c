"""What the provider issues: signed ID tokens and logout tokens, opaque access tokens.

ID tokens follow OpenID Connect Core 1.0 section 2; logout tokens follow Back-Channel
Logout 1.0 section 2.4 (``events``, ``sid``, ``sub``, never a ``nonce``; typed
``logout+jwt``). Access tokens are 256 random bits, stored as SHA-256 digests, good only for
``/userinfo``, and revoked when the code that produced them is replayed (RFC 6749 4.1.2).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

import attrs
import jwt

from .. import audit
from ..context import Context
from ..store import Tx
from .keys import ALG, ID_TOKEN_TTL, SigningKey

__all__ = [
    "ACCESS_TOKEN_TTL",
    "LOGOUT_EVENT",
    "AccessGrant",
    "digest",
    "find_access_token",
    "id_token",
    "issue_access_token",
    "logout_token",
    "revoke_for_code",
]

ACCESS_TOKEN_TTL = 300  # seconds: only /userinfo accepts it, right after sign-in
LOGOUT_TOKEN_TTL = 120  # Back-Channel Logout 1.0 2.4: short; each retry signs a new one
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def digest(value: str) -> str:
    """Stored form of a code or token: 256 random bits need no slow hash."""
    return hashlib.sha256(value.encode()).hexdigest()


def _sign(key: SigningKey, claims: Mapping[str, Any], typ: str) -> str:
    return jwt.encode(
        dict(claims), key.private_key, algorithm=ALG, headers={"kid": key.kid, "typ": typ}
    )


def id_token(
    key: SigningKey,
    issuer: str,
    client_id: str,
    identity: Mapping[str, object],
    now: float,
    nonce: str | None,
) -> str:
    """An ID token for ``client_id``; ``identity`` holds sub, sid, auth_time and the claims."""
    claims: dict[str, Any] = {
        **identity,
        "iss": issuer,
        "aud": client_id,
        "azp": client_id,
        "iat": int(now),
        "exp": int(now) + ID_TOKEN_TTL,
    }
    if nonce:
        claims["nonce"] = nonce
    return _sign(key, claims, "JWT")


def logout_token(
    key: SigningKey, issuer: str, client_id: str, subscriber_id: str, sid: str, now: float
) -> str:
    claims = {
        "iss": issuer,
        "aud": client_id,
        "iat": int(now),
        "exp": int(now) + LOGOUT_TOKEN_TTL,
        "jti": secrets.token_urlsafe(16),
        "sub": subscriber_id,
        "sid": sid,
        "events": {LOGOUT_EVENT: {}},
    }
    return _sign(key, claims, "logout+jwt")


@attrs.frozen
class AccessGrant:
    """What an access token stands for."""

    client_id: str
    subscriber_id: str
    sid: str
    scope: str


def issue_access_token(tx: Tx, now: float, code_hash: str, grant: AccessGrant) -> str:
    token = secrets.token_urlsafe(32)
    tx.execute(
        "INSERT INTO access_tokens (token_hash, code_hash, client_id, subscriber_id, sid, scope,"
        " issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            digest(token),
            code_hash,
            grant.client_id,
            grant.subscriber_id,
            grant.sid,
            grant.scope,
            now,
            now + ACCESS_TOKEN_TTL,
        ),
    )
    return token


def revoke_for_code(tx: Tx, now: float, code_hash: str) -> int:
    """Revoke every access token the code produced; returns how many were live."""
    cursor_count = tx.scalar(
        "SELECT count(*) FROM access_tokens WHERE code_hash = ? AND revoked_at IS NULL",
        (code_hash,),
    )
    tx.execute(
        "UPDATE access_tokens SET revoked_at = ? WHERE code_hash = ? AND revoked_at IS NULL",
        (now, code_hash),
    )
    return int(cursor_count)


def find_access_token(ctx: Context, token: str) -> AccessGrant | None:
    """The grant of a live access token whose subscriber is still active, else None."""
    with ctx.store.read() as tx:
        row = tx.one(
            "SELECT t.* FROM access_tokens t JOIN subscribers s ON s.id = t.subscriber_id"
            " WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?"
            " AND s.status = 'active'",
            (digest(token), ctx.now()),
        )
    if row is None:
        return None
    return AccessGrant(row["client_id"], row["subscriber_id"], row["sid"], row["scope"])


def audit_issue(tx: Tx, now: float, grant: AccessGrant) -> None:
    audit.record(
        tx,
        now,
        f"site:{grant.client_id}",
        "oidc.tokens.issue",
        grant.subscriber_id,
        "",
        client_id=grant.client_id,
        scope=grant.scope,
    )
