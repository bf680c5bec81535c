"""/token: client authentication, single-use 60 s codes bound to client, redirect URI and
verifier; replay revokes; terminated subscribers get nothing; errors are RFC 6749 JSON."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import audit, sessions, termination
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.sessions import IdpSession

from .conftest import (
    ISSUER,
    REDIRECT,
    Registered,
    basic,
    client,
    exchange,
    get_code,
    register_site,
)


def verify(provider: OidcProvider, token: str, audience: str = "portal") -> dict[str, Any]:
    jwks = jwt.PyJWKSet.from_dict(provider.keys.jwks())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwks.keys if k.key_id == kid)
    claims: dict[str, Any] = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        audience=audience,
        issuer=ISSUER,
        options={"verify_iat": False, "verify_exp": False},
    )
    return claims


def error_of(response: Any) -> str:
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return str(json.loads(response.data)["error"])


def test_code_exchange_returns_a_signed_id_token_with_the_community_claims(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock
) -> None:
    code, verifier = get_code(provider, session, site)
    response = exchange(provider, site, code, verifier)
    assert response.status_code == 200, response.text
    body = json.loads(response.data)
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    assert response.headers["Cache-Control"] == "no-store"
    claims = verify(provider, body["id_token"])
    assert claims["sub"] == session.subscriber_id and claims["sid"] == session.sid
    assert claims["nonce"] == "n-456" and claims["azp"] == "portal"
    assert claims["auth_time"] == int(session.auth_time)
    assert claims["exp"] - claims["iat"] == 300 and claims["iat"] == int(clock.now())
    assert claims["name"] == "Sally Smith" and claims["email"] == "sally.smith@evergreen.example"
    assert claims["ohp_tax_ids"] == ["91-1234567"] and claims["ohp_roles"] == ["Billing"]
    assert claims["ohp_org_name"] == "Evergreen Clinic" and claims["ohp_org_id"]
    assert jwt.get_unverified_header(body["id_token"])["alg"] == "RS256"


def test_openid_scope_alone_leaves_out_name_and_email(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    code, verifier = get_code(provider, session, site, scope="openid")
    claims = verify(provider, json.loads(exchange(provider, site, code, verifier).data)["id_token"])
    assert "email" not in claims and "name" not in claims and claims["ohp_roles"] == ["Billing"]


def test_client_secret_post_is_accepted(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    code, verifier = get_code(provider, session, site)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": site.client_id,
        "client_secret": site.secret,
    }
    response = client(provider).post("/token", data=form)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("headers", "form", "status", "error"),
    [
        pytest.param({}, {}, 401, "invalid_client", id="no-authentication"),
        pytest.param(basic("portal", "wrong"), {}, 401, "invalid_client", id="wrong-secret"),
        pytest.param(basic("nobody", "x"), {}, 401, "invalid_client", id="unknown-client"),
        pytest.param({"Authorization": "Bearer x"}, {}, 401, "invalid_client", id="not-basic"),
        pytest.param(
            {}, {"client_id": "portal", "client_secret": "wrong"}, 401, "invalid_client", id="post"
        ),
        pytest.param("basic", {"client_secret": "x"}, 400, "invalid_request", id="two-methods"),
        pytest.param("basic", {"client_id": "other"}, 400, "invalid_request", id="id-differs"),
    ],
)
def test_client_authentication_failures(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    headers: dict[str, str] | str,
    form: dict[str, str],
    status: int,
    error: str,
) -> None:
    code, verifier = get_code(provider, session, site)
    if headers == "basic":
        headers = basic(site.client_id, site.secret)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        **form,
    }
    response = client(provider).post("/token", data=data, headers=headers)
    assert (response.status_code, error_of(response)) == (status, error)
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_verifier_is_refused_and_burns_the_code(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    code, verifier = get_code(provider, session, site)
    other = "x" * 43
    assert error_of(exchange(provider, site, code, other)) == "invalid_grant"
    assert error_of(exchange(provider, site, code, verifier)) == "invalid_grant"


def test_missing_verifier_is_refused(
    provider: OidcProvider, session: IdpSession, site: Registered
) -> None:
    code, _ = get_code(provider, session, site)
    response = exchange(provider, site, code, "")
    assert error_of(response) == "invalid_grant"


def test_redirect_uri_must_match_the_authorization_request(
    provider: OidcProvider, session: IdpSession, ctx: Context
) -> None:
    second = "https://portal.example/other-callback"
    site = register_site(ctx, redirect_uris=(REDIRECT, second))
    code, verifier = get_code(provider, session, site)
    response = exchange(provider, site, code, verifier, redirect_uri=second)
    assert error_of(response) == "invalid_grant"
    assert "redirect_uri" in json.loads(response.data)["error_description"]


def test_code_is_bound_to_the_client_it_was_issued_to(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    other = register_site(ctx, client_id="other")
    code, verifier = get_code(provider, session, site)
    assert error_of(exchange(provider, other, code, verifier)) == "invalid_grant"


def test_code_expires_after_60_seconds(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock
) -> None:
    code, verifier = get_code(provider, session, site)
    clock.advance(60)
    assert error_of(exchange(provider, site, code, verifier)) == "invalid_grant"


def test_code_is_still_good_at_59_seconds(
    provider: OidcProvider, session: IdpSession, site: Registered, clock: FakeClock
) -> None:
    code, verifier = get_code(provider, session, site)
    clock.advance(59)
    assert exchange(provider, site, code, verifier).status_code == 200


def test_replayed_code_revokes_the_access_token_and_is_audited(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    code, verifier = get_code(provider, session, site)
    access = json.loads(exchange(provider, site, code, verifier).data)["access_token"]
    bearer = {"Authorization": f"Bearer {access}"}
    assert client(provider).get("/userinfo", headers=bearer).status_code == 200
    assert error_of(exchange(provider, site, code, verifier)) == "invalid_grant"
    assert client(provider).get("/userinfo", headers=bearer).status_code == 401
    (entry,) = audit.entries(ctx.store, action="oidc.code.replay")
    assert entry.detail["revoked"] == 1 and entry.target == session.subscriber_id
    assert code not in json.dumps([e.detail for e in audit.entries(ctx.store, limit=1000)])


def test_terminated_subscriber_gets_no_tokens(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    code, verifier = get_code(provider, session, site)
    termination.terminate(ctx, Actor.support("ops"), session.subscriber_id)
    response = exchange(provider, site, code, verifier)
    assert error_of(response) == "invalid_grant"
    assert "ended" in json.loads(response.data)["error_description"]


def test_signed_out_session_gets_no_tokens(
    provider: OidcProvider, session: IdpSession, site: Registered, ctx: Context
) -> None:
    code, verifier = get_code(provider, session, site)
    sessions.end(ctx, session.sid, "logout")
    assert error_of(exchange(provider, site, code, verifier)) == "invalid_grant"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        pytest.param({"grant_type": "password"}, "unsupported_grant_type", id="password-grant"),
        pytest.param({"grant_type": "refresh_token"}, "unsupported_grant_type", id="refresh"),
        pytest.param({"code": None}, "invalid_request", id="no-code"),
        pytest.param({"grant_type": None}, "invalid_request", id="no-grant-type"),
        pytest.param({"code": "made-up"}, "invalid_grant", id="unknown-code"),
    ],
)
def test_malformed_token_requests(
    provider: OidcProvider,
    session: IdpSession,
    site: Registered,
    form: dict[str, str | None],
    error: str,
) -> None:
    code, verifier = get_code(provider, session, site)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        **form,
    }
    clean = {k: v for k, v in data.items() if v is not None}
    response = client(provider).post("/token", data=clean, headers=basic("portal", site.secret))
    assert response.status_code == 400 and error_of(response) == error


def test_get_on_the_token_endpoint_is_a_json_405(provider: OidcProvider) -> None:
    response = client(provider).get("/token")
    assert response.status_code == 405 and error_of(response) == "invalid_request"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(
            [
                "grant_type",
                "code",
                "redirect_uri",
                "code_verifier",
                "client_id",
                "client_secret",
                "x",
            ]
        ),
        st.text(max_size=80),
        max_size=6,
    ),
    authorization=st.one_of(st.none(), st.text(max_size=60)),
)
def test_nothing_a_client_sends_produces_a_500(
    provider: OidcProvider, site: Registered, form: dict[str, str], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    try:
        response = client(provider).post("/token", data=form, headers=headers)
    except ValueError:  # header values the HTTP client itself refuses to send
        return
    assert response.status_code in (400, 401) and error_of(response)
