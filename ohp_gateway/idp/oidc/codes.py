"""Authorization codes: single use, 60 seconds, stored as digests, bound to the client, the
redirect URI and the PKCE code challenge (RFC 6749 4.1.2, RFC 7636 4.6).

Redemption runs inside the caller's write transaction so that the access token it issues and
the code's ``used_at`` commit together: a replay that comes later always finds, and revokes,
what the first redemption issued (RFC 6749 4.1.2: "SHOULD revoke ... all tokens previously
issued based on that authorization code").
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

import attrs

from .. import audit
from ..context import Context
from ..store import Row, Tx
from .tokens import digest, revoke_for_code

__all__ = ["CODE_TTL", "CodeGrant", "Redemption", "issue_code", "pkce_s256", "redeem"]

CODE_TTL = 60.0  # RFC 6749 4.1.2: "A maximum authorization code lifetime of 10 minutes is
# RECOMMENDED"; the redirect is immediate, so one minute is plenty.
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 4.1


@attrs.frozen
class CodeGrant:
    """What a code was issued for."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    scope: str
    sid: str
    subscriber_id: str
    auth_time: float


@attrs.frozen
class Redemption:
    """The outcome of presenting a code: the grant, or why it was refused."""

    grant: CodeGrant | None
    code_hash: str
    refusal: str = ""
    replay: bool = False
    subscriber_id: str = ""


def pkce_s256(verifier: str) -> str:
    """The S256 code challenge of a verifier (RFC 7636 4.2)."""
    sha = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(sha).rstrip(b"=").decode()


def issue_code(ctx: Context, grant: CodeGrant, source: str) -> str:
    """A new code for ``grant``; the authorization is audited with it."""
    code = secrets.token_urlsafe(32)
    now = ctx.now()
    with ctx.store.write() as tx:
        tx.execute(
            "INSERT INTO authorization_codes (code_hash, client_id, redirect_uri,"
            " code_challenge, nonce, scope, sid, subscriber_id, auth_time, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                digest(code),
                *attrs.astuple(grant),
                now + CODE_TTL,
            ),
        )
        audit.record(
            tx,
            now,
            f"subscriber:{grant.subscriber_id}",
            "oidc.authorize",
            grant.subscriber_id,
            source,
            client_id=grant.client_id,
            scope=grant.scope,
        )
    return code


def redeem(
    tx: Tx, now: float, code: str, client_id: str, redirect_uri: str, verifier: str
) -> Redemption:
    """Use a code. Any presentation burns it; a second one revokes what the first issued."""
    code_hash = digest(code)
    row = tx.one("SELECT * FROM authorization_codes WHERE code_hash = ?", (code_hash,))
    if row is None:
        return Redemption(None, code_hash, "the code is unknown")
    if row["used_at"] is not None:
        return _replayed(tx, now, row, client_id)
    tx.execute("UPDATE authorization_codes SET used_at = ? WHERE code_hash = ?", (now, code_hash))
    refusal = _mismatch(row, now, client_id, redirect_uri, verifier)
    if refusal:
        return Redemption(None, code_hash, refusal, subscriber_id=str(row["subscriber_id"]))
    return Redemption(_grant(row), code_hash)


def _mismatch(row: Row, now: float, client_id: str, redirect_uri: str, verifier: str) -> str:
    if row["expires_at"] <= now:
        return "the code has expired"
    if row["client_id"] != client_id:
        return "the code was issued to another client"
    if row["redirect_uri"] != redirect_uri:
        return "redirect_uri does not match the authorization request"
    if not _VERIFIER.fullmatch(verifier):
        return "code_verifier is missing or malformed (RFC 7636: 43-128 unreserved characters)"
    if not secrets.compare_digest(pkce_s256(verifier), str(row["code_challenge"])):
        return "code_verifier does not match the code_challenge"
    return ""


def _replayed(tx: Tx, now: float, row: Row, client_id: str) -> Redemption:
    revoked = revoke_for_code(tx, now, str(row["code_hash"]))
    audit.record(
        tx,
        now,
        f"site:{client_id}",
        "oidc.code.replay",
        str(row["subscriber_id"]),
        "",
        client_id=row["client_id"],
        presented_by=client_id,
        revoked=revoked,
    )
    subscriber_id = str(row["subscriber_id"])
    return Redemption(None, str(row["code_hash"]), "the code was already used", True, subscriber_id)


def _grant(row: Row) -> CodeGrant:
    return CodeGrant(
        client_id=row["client_id"],
        redirect_uri=row["redirect_uri"],
        code_challenge=row["code_challenge"],
        nonce=row["nonce"],
        scope=row["scope"],
        sid=row["sid"],
        subscriber_id=row["subscriber_id"],
        auth_time=float(row["auth_time"]),
    )
