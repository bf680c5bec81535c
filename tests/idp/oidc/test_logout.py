"""/logout: RP-initiated logout with registered post-logout URIs only."""

from __future__ import annotations

import json

import pytest

from ohp_gateway.idp import sessions
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.sessions import IdpSession

from .conftest import COOKIE, POST_LOGOUT, Registered, client, exchange, get_code, query_of


def live(ctx: Context, session: IdpSession) -> bool:
    with ctx.store.read() as tx:
        return tx.scalar("SELECT ended_at FROM idp_sessions WHERE sid = ?", (session.sid,)) is None


def cleared_cookie(response: object) -> str:
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie"]  # type: ignore[attr-defined]
    (cookie,) = [c for c in cookies if c.startswith(f"{COOKIE}=")]
    return str(cookie)


def test_registered_post_logout_uri_is_followed_with_state(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    args = {"client_id": site.client_id, "post_logout_redirect_uri": POST_LOGOUT, "state": "s1"}
    response = client(provider, session).get("/logout", query_string=args)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(POST_LOGOUT + "?")
    assert query_of(response.headers["Location"]) == {"state": "s1"}
    assert not live(ctx, session)
    cookie = cleared_cookie(response)
    for attribute in ("Max-Age=0", "Path=/", "Secure", "HttpOnly", "SameSite=Lax"):
        assert attribute in cookie


def test_id_token_hint_identifies_the_site(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    code, verifier = get_code(provider, session, site)
    hint = json.loads(exchange(provider, site, code, verifier).data)["id_token"]
    args = {"id_token_hint": hint, "post_logout_redirect_uri": POST_LOGOUT}
    response = client(provider, session).get("/logout", query_string=args)
    assert response.status_code == 302 and response.headers["Location"] == POST_LOGOUT


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(
            {"client_id": "portal", "post_logout_redirect_uri": "https://evil.example/"},
            id="unregistered-uri",
        ),
        pytest.param({"post_logout_redirect_uri": POST_LOGOUT}, id="site-not-named"),
        pytest.param(
            {"client_id": "nobody", "post_logout_redirect_uri": POST_LOGOUT}, id="unknown-client"
        ),
        pytest.param(
            {"id_token_hint": "not.a.token", "post_logout_redirect_uri": POST_LOGOUT},
            id="forged-hint",
        ),
    ],
)
def test_unregistered_or_unidentified_redirects_are_not_followed_but_sign_out_happens(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    ctx: Context,
    args: dict[str, str],
) -> None:
    response = client(provider, session).get("/logout", query_string=args)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "signed out" in response.text and not live(ctx, session)
    assert "Max-Age=0" in cleared_cookie(response)


def test_logout_without_a_redirect_shows_the_signed_out_page(
    provider: OidcProvider, session: IdpSession, ctx: Context
) -> None:
    response = client(provider, session).get("/logout")
    assert response.status_code == 200 and "signed out" in response.text
    assert not live(ctx, session)


def test_logout_without_a_session_still_returns_to_the_site(
    provider: OidcProvider, site: Registered
) -> None:
    args = {"client_id": site.client_id, "post_logout_redirect_uri": POST_LOGOUT}
    response = client(provider, None).get("/logout", query_string=args)
    assert response.status_code == 302 and response.headers["Location"] == POST_LOGOUT


def test_logout_by_post_form(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    form = {"client_id": site.client_id, "post_logout_redirect_uri": POST_LOGOUT}
    response = client(provider, session).post("/logout", data=form)
    assert response.status_code == 302 and not live(ctx, session)
    assert sessions.resume(ctx, "nothing") is None
