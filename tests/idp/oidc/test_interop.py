"""Interoperability: an independent OpenID Connect client (Authlib, from PyPI) signs in
through the real sign-in page over HTTP and validates the ID token against ``/jwks``."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.oidc import OidcProvider

from ..conftest import PASSWORD
from .conftest import REDIRECT, register_site
from .servers import real_idp, sign_in_through_pages


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(time.time())  # the client library checks exp/iat against real time


@pytest.fixture
def idp(ctx: Context) -> Iterator[tuple[str, OidcProvider]]:
    with real_idp(ctx) as served:
        yield served


def validate(issuer: str, client_id: str, token: dict[str, Any], nonce: str) -> CodeIDToken:
    jwks = requests.get(f"{issuer}/jwks", timeout=10).json()
    decoded = jose_jwt.decode(token["id_token"], KeySet.import_key_set(jwks), algorithms=["RS256"])
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options={"iss": {"essential": True, "value": issuer}},
        params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]},
    )
    claims.validate(leeway=5)
    return claims


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_authlib_signs_in_with_pkce_and_validates_the_id_token(
    ctx: Context, idp: tuple[str, OidcProvider], member: str, auth_method: str
) -> None:
    issuer, _ = idp
    site = register_site(ctx)
    meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    client = OAuth2Session(
        site.client_id,
        site.secret,
        scope="openid profile email",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        token_endpoint_auth_method=auth_method,
    )
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    url, _state = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    browser = requests.Session()
    callback = sign_in_through_pages(browser, issuer, url, member, PASSWORD)
    token = client.fetch_token(
        meta["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    claims = validate(issuer, site.client_id, token, nonce)
    assert claims["sub"] == member and claims["ohp_roles"] == ["Billing"]
    assert claims["ohp_tax_ids"] == ["91-1234567"] and claims["sid"]
    userinfo = client.get(meta["userinfo_endpoint"], timeout=10).json()
    assert userinfo["sub"] == member and userinfo["email"] == "sally.smith@evergreen.example"


def test_authlib_sees_a_refused_plain_pkce_as_an_error(
    ctx: Context, idp: tuple[str, OidcProvider], member: str
) -> None:
    issuer, _ = idp
    site = register_site(ctx)
    client = OAuth2Session(
        site.client_id,
        site.secret,
        scope="openid",
        redirect_uri=REDIRECT,
        code_challenge_method="plain",
    )
    url, _ = client.create_authorization_url(
        f"{issuer}/authorize", code_verifier=secrets.token_urlsafe(48), nonce="n"
    )
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302 and "error=invalid_request" in response.headers["Location"]
