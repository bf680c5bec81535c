from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs
import pytest
from werkzeug.test import Client, TestResponse
from werkzeug.wrappers import Request, Response

from ohp_gateway.idp import sessions, sites
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.sessions import IdpSession

from ..conftest import Org, add_member

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ISSUER = "https://idp.example"
COOKIE = "__Host-ohp_idp"
REDIRECT = "https://portal.example/.ohp/callback"
POST_LOGOUT = "https://portal.example/bye"


@attrs.frozen
class Registered:
    client_id: str
    secret: str = attrs.field(repr=False)


def register_site(
    ctx: Context,
    client_id: str = "portal",
    backchannel: str | None = "https://portal.example/.ohp/backchannel-logout",
    redirect_uris: tuple[str, ...] = (REDIRECT,),
    post_logout: tuple[str, ...] = (POST_LOGOUT,),
) -> Registered:
    form = sites.SiteForm(
        name=f"Site {client_id}",
        url="https://portal.example/",
        helpdesk_phone="206-555-0199",
        helpdesk_email="helpdesk@portal.example",
        roles=("Billing",),
        client_id=client_id,
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout,
        backchannel_logout_uri=backchannel,
    )
    added = sites.add_site(ctx, Actor.support("ops"), form)
    assert added.client_secret is not None
    return Registered(client_id, added.client_secret)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def login_url(next_url: str) -> str:
    return "/login?" + urlencode({"next": next_url})


def wsgi_app(provider: OidcProvider, session: IdpSession | None = None) -> WSGIApplication:
    """The provider behind a minimal app, as the web app wires it (404 for other paths)."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = provider.handle(request, session, login_url) or Response("not found", 404)
        return response(environ, start_response)

    return app


def client(provider: OidcProvider, session: IdpSession | None = None) -> Client:
    return Client(wsgi_app(provider, session))


def authorize_args(site: Registered, challenge: str, **overrides: str | None) -> dict[str, str]:
    args: dict[str, str | None] = {
        "response_type": "code",
        "client_id": site.client_id,
        "redirect_uri": REDIRECT,
        "scope": "openid profile email",
        "state": "st-123",
        "nonce": "n-456",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }
    return {k: v for k, v in args.items() if v is not None}


def get_code(
    provider: OidcProvider, session: IdpSession, site: Registered, **overrides: str | None
) -> tuple[str, str]:
    """Run /authorize with a live session; returns (code, verifier)."""
    verifier, challenge = pkce()
    response = client(provider, session).get(
        "/authorize", query_string=authorize_args(site, challenge, **overrides)
    )
    assert response.status_code == 302, response.text
    return query_of(response.headers["Location"])["code"], verifier


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def exchange(
    provider: OidcProvider, site: Registered, code: str, verifier: str, **form: str
) -> TestResponse:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        **form,
    }
    return client(provider).post("/token", data=data, headers=basic(site.client_id, site.secret))


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.fixture
def provider(ctx: Context) -> OidcProvider:
    return OidcProvider(ctx, ISSUER, session_cookie=COOKIE)


@pytest.fixture
def site(ctx: Context) -> Registered:
    return register_site(ctx)


@pytest.fixture
def member(ctx: Context, org: Org) -> str:
    return add_member(ctx, org)


@pytest.fixture
def session(ctx: Context, member: str) -> IdpSession:
    return sessions.start(ctx, member, "test")[0]
