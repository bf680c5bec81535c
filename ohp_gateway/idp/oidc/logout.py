"""``/logout``: RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).

The site names itself with ``client_id`` or an ``id_token_hint`` (a token we issued; expired
ones are accepted, section 2). A ``post_logout_redirect_uri`` is followed only when it is
registered for that site, with ``state`` echoed; otherwise a signed-out page is shown. The
IdP session ends (with back-channel logouts to every site it visited) and its cookie is
cleared in either case: the person at this browser asked to sign out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import jwt
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from ..context import Context
from ..sessions import IdpSession
from ..sites import Site, find_client
from .keys import ALG, KeyCache
from .replies import page, redirect_with

__all__ = ["Logout", "SignOut"]

SignOut = Callable[[IdpSession, str], None]


@attrs.frozen
class Logout:
    ctx: Context
    issuer: str
    keys: KeyCache
    session_cookie: str
    sign_out: SignOut

    def handle(self, request: Request, session: IdpSession | None) -> Response:
        values = request.form if request.method == "POST" else request.args
        target = _target(self, values)
        if session is not None:
            self.sign_out(session, "logout")
        if isinstance(target, str):
            response = redirect_with(target, {"state": values.get("state")})
        elif target is None:
            response = page(200, "Signed out", "You are signed out of the community.")
        else:
            response = page(400, "Signed out", target.message)
        self._clear_cookie(request, response)
        return response

    def _clear_cookie(self, request: Request, response: Response) -> None:
        secure = self.session_cookie.startswith(("__Host-", "__Secure-")) or request.is_secure
        response.set_cookie(
            self.session_cookie,
            "",
            max_age=0,
            path="/",
            secure=secure,
            httponly=True,
            samesite="Lax",
        )


@attrs.frozen
class _Refusal:
    message: str


def _target(logout: Logout, values: MultiDict[str, str]) -> str | _Refusal | None:
    """The registered post-logout URI to follow, None for none asked, or why not."""
    uri = values.get("post_logout_redirect_uri")
    client = _client(logout, values)
    if isinstance(client, _Refusal):
        return client
    if uri is None:
        return None
    if client is None:
        return _Refusal(
            "You are signed out. The site did not identify itself, so we cannot "
            "send you back to it."
        )
    if uri not in client.post_logout_redirect_uris:
        return _Refusal(
            f"You are signed out. {client.name!r} asked to return to an address it "
            "has not registered, so we did not follow it."
        )
    return uri


def _client(logout: Logout, values: MultiDict[str, str]) -> Site | _Refusal | None:
    client_id = values.get("client_id")
    hint = values.get("id_token_hint")
    if hint:
        audience = _hint_audience(logout, hint)
        if audience is None or (client_id is not None and client_id != audience):
            return _Refusal("You are signed out. The site's sign-out request was not valid.")
        client_id = audience
    if client_id is None:
        return None
    return find_client(logout.ctx, client_id) or _Refusal(
        "You are signed out. The site that sent you here is not registered."
    )


def _hint_audience(logout: Logout, token: str) -> str | None:
    """The client an ID token we issued was for (signature and issuer checked, not expiry)."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        jwk = next(k for k in logout.keys.jwks()["keys"] if k["kid"] == kid)
        claims: dict[str, Any] = jwt.decode(
            token,
            jwt.PyJWK(jwk).key,
            algorithms=[ALG],
            issuer=logout.issuer,
            options={"verify_exp": False, "verify_aud": False},
        )
    except (jwt.PyJWTError, StopIteration):
        return None
    audience = claims.get("aud")
    return audience if isinstance(audience, str) else None
