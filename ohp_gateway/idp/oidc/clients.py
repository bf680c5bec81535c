"""Client authentication at the token endpoint: ``client_secret_basic`` and
``client_secret_post`` (RFC 6749 2.3.1; OpenID Connect Core 1.0 9).

With Basic, the client id and secret are form-urlencoded before base64 (RFC 6749 2.3.1), so
they are decoded here. A client must use exactly one method.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

import attrs
from werkzeug.wrappers import Request

from ..context import Context
from ..sites import Site, check_client_secret

__all__ = ["ClientRefused", "authenticate_client"]


@attrs.frozen
class ClientRefused:
    """Why a client was not authenticated, as an RFC 6749 5.2 error."""

    error: str
    description: str
    status: int = 401
    basic: bool = False


def authenticate_client(ctx: Context, request: Request) -> Site | ClientRefused:
    credentials = _credentials(request)
    if isinstance(credentials, ClientRefused):
        return credentials
    client_id, secret, basic = credentials
    site = check_client_secret(ctx, client_id, secret) if client_id and secret else None
    if site is None:
        return ClientRefused("invalid_client", "client authentication failed", 401, basic)
    return site


def _credentials(request: Request) -> tuple[str, str, bool] | ClientRefused:
    form = request.form
    header = request.headers.get("Authorization")
    if header is None:
        if "client_secret" not in form:
            return ClientRefused("invalid_client", "client authentication is required")
        if len(form.getlist("client_id")) != 1 or len(form.getlist("client_secret")) != 1:
            return ClientRefused("invalid_request", "client_id and client_secret once each", 400)
        return form["client_id"], form["client_secret"], False
    auth = request.authorization
    if auth is None or auth.type != "basic":
        return ClientRefused("invalid_client", "only HTTP Basic client authentication", 401, True)
    if "client_secret" in form:
        return ClientRefused("invalid_request", "use one client authentication method", 400)
    client_id = unquote_plus(auth.username or "")
    if form.get("client_id", client_id) != client_id:
        return ClientRefused("invalid_request", "client_id differs from the authenticated one", 400)
    return client_id, unquote_plus(auth.password or ""), True
