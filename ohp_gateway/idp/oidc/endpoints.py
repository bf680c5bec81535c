"""Routing of the session-aware endpoints, and the last line of defence: an unexpected
exception becomes a logged RFC 6749 ``server_error``, never a traceback to the client."""

from __future__ import annotations

import logging
from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from ..context import Context
from ..sessions import IdpSession
from .authorize import authorize
from .exchange import token_endpoint
from .keys import KeyCache
from .logout import Logout, SignOut
from .replies import oauth_error, page
from .userinfo import userinfo_endpoint

__all__ = ["Endpoints"]

log = logging.getLogger(__name__)

LoginUrl = Callable[[str], str]


class Endpoints:
    def __init__(
        self, ctx: Context, issuer: str, keys: KeyCache, session_cookie: str, sign_out: SignOut
    ) -> None:
        self.ctx = ctx
        self.issuer = issuer
        self.keys = keys
        self.logout = Logout(ctx, issuer, keys, session_cookie, sign_out)

    def handle(
        self, request: Request, session: IdpSession | None, login_url: LoginUrl
    ) -> Response | None:
        path = request.path
        if path not in ("/authorize", "/token", "/userinfo", "/logout"):
            return None
        try:
            return self._route(path, request, session, login_url)
        except Exception:
            log.exception("OpenID Connect endpoint %s failed", path)
            if path == "/authorize" or path == "/logout":
                return page(500, "Something went wrong", "Please try again in a moment.")
            return oauth_error("server_error", "the provider could not complete the request", 500)

    def _route(
        self, path: str, request: Request, session: IdpSession | None, login_url: LoginUrl
    ) -> Response:
        if path == "/authorize":
            return authorize(self.ctx, self.issuer, request, session, login_url)
        if path == "/token":
            return token_endpoint(self.ctx, self.issuer, self.keys, request)
        if path == "/userinfo":
            return userinfo_endpoint(self.ctx, request)
        return self.logout.handle(request, session)
