"""The ASGI adapter: pure pass-through of lifespan, streaming, scope copies, exceptions."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ohp_gateway import current_subscriber
from ohp_gateway.asgi import GatewayMiddleware
from ohp_gateway.asgi.types import Message, Receive, Scope, Send
from ohp_gateway.clock import FakeClock

from .support import JANE, START, config, http_scope


def _wrap(app: Any, clock: FakeClock | None = None) -> tuple[GatewayMiddleware, bytes]:
    middleware = GatewayMiddleware(app, config(), clock or FakeClock(START))
    name, value = middleware.gateway.seal(JANE)
    return middleware, f"{name}={value}".encode()


async def _nothing() -> Message:
    return {"type": "http.request", "body": b""}


@pytest.mark.parametrize("kind", ["lifespan", "custom.protocol"])
def test_non_http_scopes_pass_through_untouched(kind: str) -> None:
    seen: list[tuple[Scope, Receive, Send]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((scope, receive, send))

    async def send(message: Message) -> None:
        pass

    scope = {"type": kind, "headers": [(b"x-ohp-roles", b"Billing")]}
    middleware, _ = _wrap(app)
    asyncio.run(middleware(scope, _nothing, send))
    assert seen == [(scope, _nothing, send)]
    assert seen[0][0] is scope


def test_scope_is_copied_and_the_servers_scope_is_left_alone() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def send(message: Message) -> None:
        pass

    middleware, cookie = _wrap(app)
    headers = [(b"cookie", cookie), (b"x-ohp-roles", b"Admin")]
    scope = http_scope("/", headers)
    asyncio.run(middleware(scope, _nothing, send))
    assert scope["headers"] == [(b"cookie", cookie), (b"x-ohp-roles", b"Admin")]
    assert "ohp.subscriber" not in scope
    assert seen[0] is not scope
    assert current_subscriber(seen[0]) == JANE
    assert (b"x-ohp-roles", b"Billing") in seen[0]["headers"]


def test_streamed_body_is_forwarded_chunk_by_chunk() -> None:
    delivered: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for chunk in (b"one", b"two"):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            # Not buffered: the chunk is at the server before the app produces the next.
            assert delivered[-1]["body"] == chunk
        await send({"type": "http.response.body", "body": b""})

    async def send(message: Message) -> None:
        delivered.append(message)

    clock = FakeClock(START)
    middleware, cookie = _wrap(app, clock)
    clock.advance(120)  # due a refresh: the send wrapper is in place
    asyncio.run(middleware(http_scope("/", [(b"cookie", cookie)]), _nothing, send))
    assert [m["type"] for m in delivered] == ["http.response.start"] + ["http.response.body"] * 3
    assert [k for k, _ in delivered[0]["headers"]] == [b"set-cookie"]


def test_exception_from_the_app_propagates_unchanged() -> None:
    error = RuntimeError("boom")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise error

    async def send(message: Message) -> None:
        pass

    middleware, cookie = _wrap(app)
    with pytest.raises(RuntimeError) as caught:
        asyncio.run(middleware(http_scope("/", [(b"cookie", cookie)]), _nothing, send))
    assert caught.value is error


def test_gateway_reply_for_head_has_no_body_but_a_content_length() -> None:
    delivered: list[Message] = []

    async def send(message: Message) -> None:
        delivered.append(message)

    middleware, _ = _wrap(None)
    asyncio.run(middleware(http_scope("/.ohp/health", [], method="HEAD"), _nothing, send))
    start, body = delivered
    assert start["status"] == 200
    assert int(dict(start["headers"])[b"content-length"]) > 0
    assert body == {"type": "http.response.body", "body": b""}


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")
def test_works_with_starlette_add_middleware() -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def home(request: Request) -> PlainTextResponse:
        subscriber = current_subscriber(request.scope)
        return PlainTextResponse(subscriber.name if subscriber else "anonymous")

    app = Starlette(routes=[Route("/", home)])
    app.add_middleware(GatewayMiddleware, config=config(), clock=FakeClock(START))
    middleware = GatewayMiddleware(home, config(), FakeClock(START))
    name, value = middleware.gateway.seal(JANE)
    with TestClient(app, base_url="https://site.example") as client:
        client.cookies.set(name, value)
        assert client.get("/").text == "Jane Doe"
        client.cookies.clear()
        assert client.get("/", follow_redirects=False).status_code == 302
