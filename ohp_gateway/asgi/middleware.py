"""``GatewayMiddleware`` for ASGI: one line in front of FastAPI, Starlette, Django or any app.

Pure ASGI, no ``BaseHTTPMiddleware``: ``lifespan`` and unknown scope types pass through
untouched; ``http`` and ``websocket`` are checked. The scope is copied before its headers
change, and ``send`` is wrapped only to add ``Set-Cookie``, so a streamed body is never
buffered. A WebSocket handshake is judged like a GET; once accepted, the connection is closed
with code 1008 (policy violation) when the session reaches its absolute expiry.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

from .. import SUBSCRIBER_KEY
from ..clock import Clock
from ..config import GatewayConfig
from ..gateway import MAX_BODY, Gateway
from ..outcome import Forward, Headers, Reply, Request
from .scope import RawHeaders, request_from_scope, request_path, strip_identity_headers
from .types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["GatewayMiddleware"]

Sleep = Callable[[float], Awaitable[object]]

POLICY_VIOLATION = 1008  # RFC 6455 7.4.1: the close code for "not allowed"
# Longest single wait before re-reading the clock, so a wall-clock jump is noticed soon.
MAX_NAP = 60.0


_NAMES: dict[str, bytes] = {}


def _encode(headers: Headers) -> RawHeaders:
    """ASGI form of the engine's headers (names are few: their bytes are kept)."""
    names = _NAMES
    out = []
    for name, value in headers:
        encoded = names.get(name)
        if encoded is None:
            encoded = names[name] = name.lower().encode("latin-1")
        out.append((encoded, value.encode("latin-1")))
    return out


class GatewayMiddleware:
    """Wrap an ASGI app: ``app = GatewayMiddleware(app, config)``.

    Also ``app.add_middleware(GatewayMiddleware, config=...)`` in Starlette and FastAPI.
    ``config`` is a :class:`~ohp_gateway.GatewayConfig`, a path to a TOML file, or None to
    read ``OHP_GATEWAY_*`` from the environment. ``clock`` is any object with ``now()``;
    ``sleep`` is how a WebSocket waits for its session's absolute expiry.
    """

    def __init__(
        self,
        app: ASGIApp,
        config: GatewayConfig | str | os.PathLike[str] | None = None,
        clock: Clock | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.app = app
        if isinstance(config, os.PathLike):
            config = os.fspath(config)
        self.gateway = Gateway(config, clock)
        self.sleep = sleep
        self._prefix = self.gateway.strip_prefix
        # With Redis, even a remembered outcome's revocation check waits on the network.
        self._local = self.gateway.lookup_is_local

    async def _handle(self, kind: str, request: Request, receive: Receive) -> Forward | Reply:
        if kind == "http" and self.gateway.needs_body(request):
            request = request._replace(body=await _read_body(receive))
        if self.gateway.may_block(request):  # OpenID Connect or Redis: keep the loop free
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, self.gateway.handle, request)
        return self.gateway.handle(request)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self.app(scope, receive, send)
            return
        headers, cookie = strip_identity_headers(scope.get("headers", ()), self._prefix)
        outcome: Forward | Reply | None = None
        if kind == "http" and self._local:  # an identical recent request: no Request needed
            outcome = self.gateway.lookup(scope.get("method", "GET"), request_path(scope), cookie)
        if outcome is None:
            outcome = await self._handle(kind, request_from_scope(scope, headers), receive)
        if isinstance(outcome, Reply):
            if kind == "http":
                await _send_reply(send, outcome, head=scope.get("method") == "HEAD")
            else:
                await _deny_websocket(scope, receive, send, outcome)
            return
        headers += outcome.raw_headers
        scope = {**scope, "headers": headers, SUBSCRIBER_KEY: outcome.subscriber}
        cookies = (
            [(b"set-cookie", c.encode("latin-1")) for c in outcome.set_cookies]
            if outcome.set_cookies
            else []
        )
        if kind == "websocket":
            await self._websocket(scope, receive, send, outcome, cookies)
        elif cookies:
            await self.app(scope, receive, _with_cookies(send, cookies))
        else:
            await self.app(scope, receive, send)

    async def _websocket(
        self, scope: Scope, receive: Receive, send: Send, outcome: Forward, cookies: RawHeaders
    ) -> None:
        deadline = outcome.session.absolute_expires_at if outcome.session else None
        guard = _SocketGuard(receive, send, cookies, deadline, self.gateway.clock, self.sleep)
        try:
            await self.app(scope, guard.receive, guard.send)
        finally:
            guard.stop()


async def _read_body(receive: Receive) -> bytes:
    """The request body for an endpoint that needs one, at most ``MAX_BODY`` bytes."""
    body = b""
    while len(body) <= MAX_BODY:
        message = await receive()
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    return body[:MAX_BODY]


def _with_cookies(send: Send, cookies: RawHeaders) -> Send:
    """``send`` that adds the engine's ``Set-Cookie`` headers to ``http.response.start``."""

    async def send_with_cookies(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *cookies]}
        await send(message)

    return send_with_cookies


async def _send_reply(
    send: Send, reply: Reply, *, head: bool = False, prefix: str = "http"
) -> None:
    headers = _encode(reply.headers)
    headers.append((b"content-length", str(len(reply.body)).encode()))
    await send({"type": f"{prefix}.response.start", "status": reply.status, "headers": headers})
    await send({"type": f"{prefix}.response.body", "body": b"" if head else reply.body})


async def _deny_websocket(scope: Scope, receive: Receive, send: Send, reply: Reply) -> None:
    """Refuse a handshake: an HTTP answer when the server can send one, else close 1008."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return  # the client left before the handshake finished
    if "websocket.http.response" in scope.get("extensions", {}):
        await _send_reply(send, reply, prefix="websocket.http")
    else:
        await send({"type": "websocket.close", "code": POLICY_VIOLATION})


class _SocketGuard:
    """Wraps an accepted WebSocket's ``receive``/``send`` to end it at the session's expiry.

    When the deadline passes, the server is told to close with 1008, and the app's pending or
    next ``receive()`` returns ``websocket.disconnect`` with that code, as if the client left.
    """

    def __init__(
        self,
        receive: Receive,
        send: Send,
        cookies: RawHeaders,
        deadline: float | None,
        clock: Clock,
        sleep: Sleep,
    ) -> None:
        self._receive = receive
        self._send = send
        self._cookies = cookies
        self._deadline = deadline
        self._clock = clock
        self._sleep = sleep
        self._closed = False
        self._expired = asyncio.Event()
        self._timer: asyncio.Task[None] | None = None
        self._pending: asyncio.Task[Message] | None = None

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if self._closed:
            return  # the gateway ended the connection: the client is gone
        if kind == "websocket.accept":
            if self._cookies:
                message = {**message, "headers": [*message.get("headers", ()), *self._cookies]}
            if self._deadline is not None:
                self._timer = asyncio.create_task(self._expire(self._deadline))
        elif kind == "websocket.close":
            self._closed = True
        await self._send(message)

    async def receive(self) -> Message:
        if self._timer is None or self._expired.is_set():
            return await self._next_message()
        pending = self._pending or asyncio.ensure_future(self._receive())
        self._pending = pending
        waiter = asyncio.ensure_future(self._expired.wait())
        try:
            await asyncio.wait({pending, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if pending.done():
            self._pending = None
            return pending.result()
        return await self._next_message()

    async def _next_message(self) -> Message:
        if self._expired.is_set():
            if self._pending is not None:
                self._pending.cancel()
                self._pending = None
            return {"type": "websocket.disconnect", "code": POLICY_VIOLATION}
        return await self._receive()

    async def _expire(self, deadline: float) -> None:
        while (remaining := deadline - self._clock.now()) > 0:
            await self._sleep(min(remaining, MAX_NAP))
        if not self._closed:
            self._closed = True
            await self._send(
                {"type": "websocket.close", "code": POLICY_VIOLATION, "reason": "session expired"}
            )
        self._expired.set()

    def stop(self) -> None:
        for task in (self._timer, self._pending):
            if task is not None:
                task.cancel()
