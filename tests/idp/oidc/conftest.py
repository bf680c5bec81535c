from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs
import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from ohp_gateway.idp import sessions, sites
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.idp.sessions import IdpSession

from ..conftest import Org, add_member

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


class Browser:
    """Drives the provider like the web app does: a session (or none) per request."""

    def __init__(self, provider: OidcProvider, session: IdpSession | None = None) -> None:
        self.provider = provider
        self.session = session

    def get(self, path: str, **args: str) -> Response:
        target = f"{path}?{urlencode(args)}" if args else path
        return self.call(Client(_app(self)).get(target))

    def call(self, response: object) -> Response:
        assert isinstance(response, Response)
        return response


def _app(browser: Browser):  # type: ignore[no-untyped-def]
    def app(environ, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        response = browser.provider.handle(request, browser.session, login_url)
        if response is None:
            response = Response("not found", 404)
        return response(environ, start_response)

    return app


def wsgi_app(provider: OidcProvider, session: IdpSession | None = None):  # type: ignore[no-untyped-def]
    return _app(Browser(provider, session))


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
