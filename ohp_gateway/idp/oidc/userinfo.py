"""``/userinfo`` (OpenID Connect Core 1.0 5.3): the claims of a live access token.

The token comes as a Bearer header (RFC 6750 2.1) or, with POST, as the form field
``access_token`` (2.2); never in the query string (2.3 is discouraged: it ends up in logs).
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from ..context import Context
from .claims import released_claims
from .replies import json_reply
from .tokens import find_access_token

__all__ = ["userinfo_endpoint"]


def userinfo_endpoint(ctx: Context, request: Request) -> Response:
    if request.method not in ("GET", "POST"):
        return _challenge("invalid_request", "use GET or POST", 405)
    token = _bearer(request)
    if token is None:
        return _challenge(None, "", 401)
    grant = find_access_token(ctx, token)
    if grant is None:
        return _challenge("invalid_token", "the access token is unknown, expired or revoked", 401)
    return json_reply(released_claims(ctx, grant.subscriber_id, grant.scope))


def _bearer(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if request.method == "POST" and not header:
        return request.form.get("access_token") or None
    return None


def _challenge(error: str | None, description: str, status: int) -> Response:
    """RFC 6750 3: the ``WWW-Authenticate`` challenge, and the same error as JSON."""
    challenge = 'Bearer realm="userinfo"'
    if error:
        challenge += f', error="{error}", error_description="{description}"'
    body = {"error": error or "invalid_request", "error_description": description or "no token"}
    return json_reply(body, status, {"WWW-Authenticate": challenge})
