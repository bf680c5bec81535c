"""/authorize: code flow only, PKCE S256, exact redirect URIs, prompt and max_age."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import audit, sessions
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.sessions import IdpSession

from .conftest import (
    ISSUER,
    REDIRECT,
    Registered,
    authorize_args,
    client,
    pkce,
    query_of,
    register_site,
)


def authorize(
    provider: OidcProvider, session: IdpSession | None, site: Registered, **overrides: str | None
):  # type: ignore[no-untyped-def]
    _, challenge = pkce()
    args = authorize_args(site, challenge, **overrides)
    return client(provider, session).get("/authorize", query_string=args)


def next_of(location: str) -> str:
    assert location.startswith("/login?")
    return parse_qs(urlsplit(location).query)["next"][0]


def test_signed_in_subscriber_gets_a_code_with_state_and_issuer(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    response = authorize(provider, session, site)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    params = query_of(location)
    assert params["state"] == "st-123" and params["iss"] == ISSUER and len(params["code"]) >= 43
    assert response.headers["Cache-Control"] == "no-store"
    assert sessions.visits(ctx, session.sid) == ["portal"]
    (entry,) = audit.entries(ctx.store, action="oidc.authorize")
    assert entry.detail == {"client_id": "portal", "scope": "openid profile email"}


def test_post_authorization_request_is_accepted(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    _, challenge = pkce()
    response = client(provider, session).post("/authorize", data=authorize_args(site, challenge))
    assert response.status_code == 302 and "code" in query_of(response.headers["Location"])


def test_without_a_session_the_browser_goes_to_sign_in_and_back(
    provider: OidcProvider, site: Registered
) -> None:
    response = authorize(provider, None, site)
    assert response.status_code == 302
    back = next_of(response.headers["Location"])
    assert back.startswith("/authorize?") and query_of(back)["state"] == "st-123"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"client_id": "nobody"}, id="unknown-client"),
        pytest.param({"redirect_uri": "https://evil.example/cb"}, id="unregistered-redirect"),
        pytest.param({"redirect_uri": REDIRECT + "/"}, id="redirect-trailing-slash"),
        pytest.param({"redirect_uri": REDIRECT + "?x=1"}, id="redirect-extra-query"),
        pytest.param({"redirect_uri": REDIRECT.upper()}, id="redirect-case"),
        pytest.param({"redirect_uri": None}, id="redirect-missing"),
        pytest.param({"client_id": None}, id="client-missing"),
    ],
)
def test_unknown_client_or_redirect_shows_a_page_and_never_redirects(
    provider: OidcProvider, session: IdpSession, site: Registered, overrides: dict[str, str | None]
) -> None:
    response = authorize(provider, session, site, **overrides)
    assert response.status_code == 400 and "Location" not in response.headers
    assert response.mimetype == "text/html" and "<script" not in response.text


def test_error_page_escapes_the_site_name(
    provider: OidcProvider, session: IdpSession, ctx: Context
) -> None:
    site = register_site(ctx, client_id="<b>x</b>")
    response = authorize(provider, session, site, redirect_uri="https://evil.example/")
    assert "<b>x</b>" not in response.text and "&lt;b&gt;" in response.text


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        pytest.param({"code_challenge": None}, "invalid_request", id="pkce-missing"),
        pytest.param({"code_challenge_method": "plain"}, "invalid_request", id="pkce-plain"),
        pytest.param({"code_challenge_method": None}, "invalid_request", id="pkce-no-method"),
        pytest.param({"code_challenge": "short"}, "invalid_request", id="pkce-malformed"),
        pytest.param({"response_type": "token"}, "unsupported_response_type", id="implicit"),
        pytest.param({"response_type": "code id_token"}, "unsupported_response_type", id="hybrid"),
        pytest.param({"response_type": None}, "unsupported_response_type", id="no-type"),
        pytest.param({"scope": "profile email"}, "invalid_scope", id="no-openid"),
        pytest.param({"prompt": "none login"}, "invalid_request", id="prompt-none-and-login"),
        pytest.param({"prompt": "bogus"}, "invalid_request", id="prompt-unknown"),
        pytest.param({"max_age": "-1"}, "invalid_request", id="max-age-negative"),
        pytest.param({"max_age": "soon"}, "invalid_request", id="max-age-text"),
        pytest.param({"request": "eyJ"}, "request_not_supported", id="request-object"),
        pytest.param({"request_uri": "https://x"}, "request_uri_not_supported", id="request-uri"),
        pytest.param({"response_mode": "fragment"}, "invalid_request", id="fragment-mode"),
    ],
)
def test_bad_requests_from_a_known_site_redirect_back_with_an_error(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    overrides: dict[str, str | None],
    error: str,
) -> None:
    response = authorize(provider, session, site, **overrides)
    assert response.status_code == 302
    params = query_of(response.headers["Location"])
    assert params["error"] == error and params["state"] == "st-123" and "code" not in params
    assert response.headers["Location"].startswith(REDIRECT + "?")


def test_repeated_parameter_is_refused(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    _, challenge = pkce()
    args = [*authorize_args(site, challenge).items(), ("nonce", "second")]
    response = client(provider, session).get("/authorize", query_string=args)
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_prompt_none_without_session_is_login_required(
    provider: OidcProvider, site: Registered
) -> None:
    response = authorize(provider, None, site, prompt="none")
    params = query_of(response.headers["Location"])
    assert params["error"] == "login_required" and params["state"] == "st-123"


def test_prompt_none_with_session_issues_a_code(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    response = authorize(provider, session, site, prompt="none")
    assert "code" in query_of(response.headers["Location"])


def test_prompt_login_forces_a_new_sign_in_and_then_completes(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context, clock: FakeClock
) -> None:
    response = authorize(provider, session, site, prompt="login")
    back = next_of(response.headers["Location"])
    assert "prompt" not in query_of(back) and "ohp_reauth" in query_of(back)
    # Coming back with the old session is not enough ...
    again = client(provider, session).get(back)
    assert again.headers["Location"].startswith("/login?")
    # ... a session started by the sign-in page is.
    clock.advance(1)
    fresh = sessions.start(ctx, session.subscriber_id, "test")[0]
    done = client(provider, fresh).get(back)
    assert "code" in query_of(done.headers["Location"])


def test_max_age_accepts_a_recent_sign_in(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock
) -> None:
    clock.advance(100)
    response = authorize(provider, session, site, max_age="300")
    assert "code" in query_of(response.headers["Location"])


def test_max_age_forces_sign_in_when_authentication_is_older(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock, ctx: Context
) -> None:
    clock.advance(600)
    response = authorize(provider, session, site, max_age="300")
    back = next_of(response.headers["Location"])
    assert "max_age" not in query_of(back)
    clock.advance(1)
    fresh = sessions.start(ctx, session.subscriber_id, "test")[0]
    assert "code" in query_of(client(provider, fresh).get(back).headers["Location"])


def test_max_age_with_prompt_none_is_login_required(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock
) -> None:
    clock.advance(600)
    response = authorize(provider, session, site, max_age="300", prompt="none")
    assert query_of(response.headers["Location"])["error"] == "login_required"


def test_registered_redirect_with_its_own_query_keeps_it(
    provider: OidcProvider, session: IdpSession, ctx: Context
) -> None:
    uri = "https://other.example/cb?tenant=7"
    site = register_site(ctx, client_id="other", redirect_uris=(uri,))
    response = authorize(provider, session, site, redirect_uri=uri)
    params = query_of(response.headers["Location"])
    assert params["tenant"] == "7" and "code" in params
