"""/userinfo: Bearer access tokens, expiry, termination."""

from __future__ import annotations

import json

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import termination
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.sessions import IdpSession

from .conftest import Registered, client, exchange, get_code


def access_token(provider: OidcProvider, session: IdpSession, site: Registered, **kw: str) -> str:
    code, verifier = get_code(provider, session, site, **kw)
    return str(json.loads(exchange(provider, site, code, verifier).data)["access_token"])


def test_bearer_token_returns_the_subscribers_claims(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    token = access_token(provider, session, site)
    response = client(provider).get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    claims = json.loads(response.data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert claims["sub"] == session.subscriber_id and claims["name"] == "Sally Smith"
    assert claims["ohp_roles"] == ["Billing"] and "sid" not in claims


def test_token_in_a_post_body_is_accepted(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    token = access_token(provider, session, site)
    response = client(provider).post("/userinfo", data={"access_token": token})
    assert response.status_code == 200


def test_scope_limits_the_claims(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    token = access_token(provider, session, site, scope="openid email")
    claims = json.loads(
        client(provider).get("/userinfo", headers={"Authorization": f"Bearer {token}"}).data
    )
    assert "email" in claims and "name" not in claims


def test_missing_token_is_a_bearer_challenge(provider: OidcProvider) -> None:
    response = client(provider).get("/userinfo")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="userinfo"'


def test_unknown_token_is_invalid_token(provider: OidcProvider) -> None:
    response = client(provider).get("/userinfo", headers={"Authorization": "Bearer nope"})
    assert (
        response.status_code == 401
        and 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    )


def test_token_in_the_query_string_is_not_accepted(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    token = access_token(provider, session, site)
    assert client(provider).get(f"/userinfo?access_token={token}").status_code == 401


def test_expired_token_is_refused(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock
) -> None:
    token = access_token(provider, session, site)
    clock.advance(301)
    response = client(provider).get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_terminated_subscribers_token_stops_working(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    token = access_token(provider, session, site)
    termination.terminate(ctx, Actor.support("ops"), session.subscriber_id)
    response = client(provider).get("/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
