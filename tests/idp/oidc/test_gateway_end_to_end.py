"""Our own gateway against the provider, both over real HTTP on 127.0.0.1: sign-in through
/.ohp/login -> IdP -> /.ohp/callback gives the right identity headers; signing out at one
site, or termination at the IdP, ends the sessions at every site by back-channel logout."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

import attrs
import pytest
import requests

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.idp import termination
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.oidc import OidcProvider
from ohp_gateway.keys import Keyring
from ohp_gateway.wsgi import GatewayMiddleware

from ..conftest import PASSWORD
from .conftest import register_site
from .servers import Swappable, real_idp, serve, sign_in_through_pages

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


@attrs.frozen
class Site:
    url: str
    cookie: str


def echo_identity(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The protected application: shows the identity headers the gateway gave it."""
    seen = {
        k: environ.get(f"HTTP_X_OHP_{k.upper()}") for k in ("subscriber_id", "tax_ids", "roles")
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen).encode()]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(time.time())  # the gateway checks token times against real time


@pytest.fixture
def world(ctx: Context) -> Iterator[tuple[str, OidcProvider, Site, Site]]:
    """The IdP and two gateway-protected sites, each registered as a client."""
    with ExitStack() as stack:
        issuer, provider = stack.enter_context(real_idp(ctx))
        sites = [stack.enter_context(_site(ctx, issuer, name)) for name in ("site_a", "site_b")]
        yield issuer, provider, sites[0], sites[1]


@contextmanager
def _site(ctx: Context, issuer: str, name: str) -> Iterator[Site]:
    holder = Swappable()
    with serve(holder) as url:
        holder.app = GatewayMiddleware(echo_identity, _config(ctx, issuer, name, url))
        yield Site(url, name)


def _config(ctx: Context, issuer: str, name: str, url: str) -> GatewayConfig:
    client = register_site(
        ctx,
        client_id=name,
        redirect_uris=(f"{url}/.ohp/callback",),
        post_logout=(f"{url}/bye",),
        backchannel=f"{url}/.ohp/backchannel-logout",
    )
    return GatewayConfig(
        site_id=name,
        keys=Keyring.generate("k1"),
        issuer=issuer,
        client_id=client.client_id,
        client_secret=client.secret,
        secure_cookies=False,
        cookie_name=name,
    )


def sign_in(browser: requests.Session, issuer: str, site: Site, member: str) -> None:
    start = browser.get(f"{site.url}/.ohp/login?return_to=/claims", allow_redirects=False)
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{issuer}/authorize?")
    if browser.cookies.get("ohp_idp"):
        callback = browser.get(authorize, allow_redirects=False).headers["Location"]
    else:
        callback = sign_in_through_pages(browser, issuer, authorize, member, PASSWORD)
    assert callback.startswith(f"{site.url}/.ohp/callback?")
    done = browser.get(callback, allow_redirects=False, timeout=10)
    assert done.status_code == 302 and done.headers["Location"] == "/claims", done.text


def claims_at(browser: requests.Session, site: Site) -> dict[str, str] | None:
    response = browser.get(f"{site.url}/claims", allow_redirects=False, timeout=10)
    return response.json() if response.status_code == 200 else None  # type: ignore[no-any-return]


def test_gateway_signs_in_through_the_idp_and_gets_the_identity_headers(
    world: tuple[str, OidcProvider, Site, Site], member: str
) -> None:
    issuer, _, site_a, _ = world
    browser = requests.Session()
    assert claims_at(browser, site_a) is None
    sign_in(browser, issuer, site_a, member)
    assert claims_at(browser, site_a) == {
        "subscriber_id": member,
        "tax_ids": "91-1234567",
        "roles": "Billing",
    }


def test_logout_at_one_site_ends_the_session_at_every_site(
    world: tuple[str, OidcProvider, Site, Site], member: str
) -> None:
    issuer, provider, site_a, site_b = world
    browser = requests.Session()
    sign_in(browser, issuer, site_a, member)
    sign_in(browser, issuer, site_b, member)  # single sign-on: no second password
    assert claims_at(browser, site_b) is not None
    logout = browser.get(f"{site_a.url}/.ohp/logout?return_to=/bye", allow_redirects=False)
    at_idp = browser.get(logout.headers["Location"], allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302 and at_idp.headers["Location"] == f"{site_a.url}/bye"
    assert claims_at(browser, site_b) is None  # ended by back-channel logout
    assert provider.delivery_failures() == []


def test_termination_at_the_idp_ends_the_session_at_the_site(
    world: tuple[str, OidcProvider, Site, Site], member: str, ctx: Context
) -> None:
    issuer, provider, site_a, _ = world
    browser = requests.Session()
    sign_in(browser, issuer, site_a, member)
    termination.terminate(ctx, Actor.support("ops"), member)
    provider.process_logout_events()
    assert claims_at(browser, site_a) is None
    again = browser.get(f"{site_a.url}/.ohp/login?return_to=/claims", allow_redirects=False)
    at_idp = browser.get(again.headers["Location"], allow_redirects=False, timeout=10)
    assert "/login" in at_idp.headers["Location"]  # the IdP session is gone too
