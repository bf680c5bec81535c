"""``/token``: exchange an authorization code for an ID token and an access token.

Every refusal is an RFC 6749 5.2 JSON error; nothing a client sends produces a 500. Tokens are
issued only to an authenticated client, for an unexpired unused code bound to that client,
redirect URI and PKCE verifier, while the subscriber is active and the sign-in session lives.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from .. import audit
from ..context import Context
from ..sites import Site
from ..store import Tx
from .claims import released_claims
from .clients import ClientRefused, authenticate_client
from .codes import CodeGrant, redeem
from .keys import KeyCache
from .replies import json_reply, oauth_error
from .tokens import ACCESS_TOKEN_TTL, AccessGrant, audit_issue, id_token, issue_access_token

__all__ = ["token_endpoint"]

_PARAMETERS = ("grant_type", "code", "redirect_uri", "code_verifier")


def token_endpoint(ctx: Context, issuer: str, keys: KeyCache, request: Request) -> Response:
    if request.method != "POST":
        return oauth_error(
            "invalid_request", "the token endpoint takes POST", 405, {"Allow": "POST"}
        )
    client = authenticate_client(ctx, request)
    if isinstance(client, ClientRefused):
        return _client_refused(client)
    form = request.form
    for name in _PARAMETERS:
        if len(form.getlist(name)) != 1:
            return oauth_error("invalid_request", f"{name} is required, once")
    if form["grant_type"] != "authorization_code":
        return oauth_error("unsupported_grant_type", "only authorization_code is supported")
    return _exchange(ctx, issuer, keys, client, request)


def _client_refused(refused: ClientRefused) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="token"'} if refused.status == 401 else {}
    return oauth_error(refused.error, refused.description, refused.status, headers)


def _exchange(
    ctx: Context, issuer: str, keys: KeyCache, client: Site, request: Request
) -> Response:
    form, now, client_id = request.form, ctx.now(), client.client_id or ""
    with ctx.store.write() as tx:
        used = redeem(tx, now, form["code"], client_id, form["redirect_uri"], form["code_verifier"])
        grant = used.grant
        refusal = used.refusal or _still_allowed(tx, grant)
        if refusal or grant is None:
            _audit_refusal(tx, now, client_id, used.subscriber_id, refusal, used.replay)
            return oauth_error("invalid_grant", refusal)
        access = AccessGrant(client_id, grant.subscriber_id, grant.sid, grant.scope)
        access_token = issue_access_token(tx, now, used.code_hash, access)
        audit_issue(tx, now, access)
    identity = released_claims(ctx, grant.subscriber_id, grant.scope)
    identity.update(sid=grant.sid, auth_time=int(grant.auth_time))
    signed = id_token(keys.signing_key(), issuer, client_id, identity, now, grant.nonce)
    body = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_TTL,
        "id_token": signed,
        "scope": grant.scope,
    }
    return json_reply(body)


def _still_allowed(tx: Tx, grant: CodeGrant | None) -> str:
    """Why tokens may no longer be issued for a valid code (termination, sign-out)."""
    if grant is None:
        return ""
    status = tx.scalar("SELECT status FROM subscribers WHERE id = ?", (grant.subscriber_id,))
    if status != "active":
        return "the subscriber's access has ended"
    ended = tx.scalar("SELECT ended_at FROM idp_sessions WHERE sid = ?", (grant.sid,))
    if ended is not None:
        return "the sign-in session has ended"
    return ""


def _audit_refusal(
    tx: Tx, now: float, client_id: str, subscriber_id: str, reason: str, replay: bool
) -> None:
    if replay:
        return  # codes.redeem audited the replay and the revocation
    target = subscriber_id or "unknown"
    audit.record(tx, now, f"site:{client_id}", "oidc.tokens.refuse", target, "", reason=reason)
