"""Sign-in and back-channel logout through both middlewares (the body and the network)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
from provider import Provider
from werkzeug.test import Client

from ohp_gateway.asgi import GatewayMiddleware as ASGIMiddleware
from ohp_gateway.config import GatewayConfig
from ohp_gateway.keys import Keyring
from ohp_gateway.wsgi import GatewayMiddleware as WSGIMiddleware


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    op = Provider()
    yield op
    op.close()


def config(provider: Provider) -> GatewayConfig:
    return GatewayConfig(
        site_id="site-a",
        keys=Keyring.generate("k1"),
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        secure_cookies=False,
    )


def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ.get("HTTP_X_OHP_SUBSCRIBER_ID", "anonymous").encode()]


async def asgi_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    who = dict(scope["headers"]).get(b"x-ohp-subscriber-id", b"anonymous")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": who})


class Browser:
    """The same steps for either adapter: GET with cookies kept, POST a form."""

    def __init__(self, kind: str, provider: Provider) -> None:
        self.kind = kind
        if kind == "wsgi":
            self.wsgi = Client(WSGIMiddleware(wsgi_app, config(provider)))
        else:
            transport = httpx.ASGITransport(app=ASGIMiddleware(asgi_app, config(provider)))
            self.asgi = httpx.AsyncClient(transport=transport, base_url="http://portal.example")

    def get(self, target: str) -> tuple[int, str, bytes]:
        if self.kind == "wsgi":
            r = self.wsgi.get(target, base_url="http://portal.example")
            return r.status_code, r.headers.get("Location", ""), r.get_data()
        r2 = asyncio.run(self.asgi.get(target))
        return r2.status_code, r2.headers.get("location", ""), r2.content

    def post(self, target: str, form: dict[str, str]) -> int:
        if self.kind == "wsgi":
            return self.wsgi.post(target, data=form).status_code
        return asyncio.run(self.asgi.post(target, data=form)).status_code


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_sign_in_then_back_channel_logout(kind: str, provider: Provider) -> None:
    browser = Browser(kind, provider)
    status, location, _ = browser.get("/.ohp/login?return_to=/home")
    assert status == 302 and location.startswith(provider.issuer)
    at_idp = requests.get(location, allow_redirects=False, timeout=10)
    callback = at_idp.headers["Location"].removeprefix("http://portal.example")
    status, location, _ = browser.get(callback)
    assert (status, location) == (302, "/home")
    assert browser.get("/home")[2] == b"S1000001"
    token = provider.logout_token(iat=int(time.time()))
    assert browser.post("/.ohp/backchannel-logout", {"logout_token": token}) == 200
    status, location, _ = browser.get("/home")
    assert status == 302 and location.startswith("/.ohp/login")


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_back_channel_logout_without_token_is_400(kind: str, provider: Provider) -> None:
    assert Browser(kind, provider).post("/.ohp/backchannel-logout", {"x": "1"}) == 400
