"""WebSockets: the handshake is judged like a GET; an accepted socket ends at absolute expiry."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from ohp_gateway import current_subscriber
from ohp_gateway.asgi import GatewayMiddleware
from ohp_gateway.asgi.types import Message, Receive, Scope, Send
from ohp_gateway.clock import FakeClock

from .support import JANE, START, config, http_scope

ABSOLUTE = 28800


async def _nap(seconds: float) -> None:
    """The injected sleep: a FakeClock does not move by itself, so poll it briskly."""
    await asyncio.sleep(0.005)


class Echo:
    """A WebSocket app that accepts, echoes, and records how the connection ended."""

    def __init__(self) -> None:
        self.subscribers: list[object] = []
        self.disconnect: Message | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "websocket"
        assert (await receive())["type"] == "websocket.connect"
        self.subscribers.append(current_subscriber(scope))
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                self.disconnect = message
                return
            await send({"type": "websocket.send", "text": message.get("text")})


class Peer:
    """The server side of an in-memory socket: queues in, a record of what was sent out."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.sent: list[Message] = []

    async def receive(self) -> Message:
        return await self.inbox.get()

    async def send(self, message: Message) -> None:
        self.sent.append(message)


def _middleware(app: Any, clock: FakeClock) -> tuple[GatewayMiddleware, bytes]:
    middleware = GatewayMiddleware(app, config(), clock, sleep=_nap)
    name, value = middleware.gateway.seal(JANE)
    return middleware, f"{name}={value}".encode()


@pytest.mark.parametrize(
    ("extensions", "expected"),
    [
        pytest.param({"websocket.http.response": {}}, "websocket.http.response.start", id="http"),
        pytest.param({}, "websocket.close", id="close-1008"),
    ],
)
def test_handshake_without_a_session_is_refused(extensions: dict[str, Any], expected: str) -> None:
    async def run() -> Peer:
        peer = Peer()
        await peer.inbox.put({"type": "websocket.connect"})
        middleware, _ = _middleware(Echo(), FakeClock(START))
        scope = {**http_scope("/ws", [], kind="websocket"), "extensions": extensions}
        await middleware(scope, peer.receive, peer.send)
        return peer

    peer = asyncio.run(run())
    assert peer.sent[0]["type"] == expected
    if expected == "websocket.close":
        assert peer.sent[0]["code"] == 1008
    else:
        assert peer.sent[0]["status"] == 302
        assert peer.sent[1]["type"] == "websocket.http.response.body"


def test_accepted_socket_is_closed_with_1008_at_absolute_expiry() -> None:
    async def run() -> tuple[Peer, Echo]:
        clock = FakeClock(START)
        app = Echo()
        middleware, cookie = _middleware(app, clock)
        peer = Peer()
        await peer.inbox.put({"type": "websocket.connect"})
        await peer.inbox.put({"type": "websocket.receive", "text": "hi"})
        task = asyncio.create_task(
            middleware(http_scope("/ws", [(b"cookie", cookie)], kind="websocket"), peer.receive,
                       peer.send)
        )  # fmt: skip
        await asyncio.sleep(0.02)
        assert not task.done()
        clock.advance(ABSOLUTE - 1)
        await asyncio.sleep(0.02)
        assert not task.done()
        clock.advance(2)
        await asyncio.wait_for(task, 1)
        return peer, app

    peer, app = asyncio.run(run())
    assert [m["type"] for m in peer.sent] == [
        "websocket.accept",
        "websocket.send",
        "websocket.close",
    ]
    assert peer.sent[-1]["code"] == 1008
    assert app.subscribers == [JANE]
    assert app.disconnect == {"type": "websocket.disconnect", "code": 1008}


def test_refreshed_cookie_rides_on_the_accept() -> None:
    async def run() -> Peer:
        clock = FakeClock(START)
        middleware, cookie = _middleware(Echo(), clock)
        clock.advance(120)
        peer = Peer()
        await peer.inbox.put({"type": "websocket.connect"})
        await peer.inbox.put({"type": "websocket.disconnect", "code": 1000})
        await middleware(
            http_scope("/ws", [(b"cookie", cookie)], kind="websocket"), peer.receive, peer.send
        )
        return peer

    accept = asyncio.run(run()).sent[0]
    assert [k for k, _ in accept["headers"]] == [b"set-cookie"]


@contextlib.asynccontextmanager
async def _uvicorn(app: Any, ws: str) -> AsyncIterator[int]:
    """A real uvicorn on 127.0.0.1 in this event loop (so it shares the FakeClock)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(app, ws=ws, lifespan="off", log_level="warning", ws_ping_interval=None)
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # the server failed to start: raise why
                raise RuntimeError("uvicorn exited before it started")
            await asyncio.sleep(0.01)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        sock.close()


def test_uvicorn_refuses_an_anonymous_handshake_with_an_http_answer() -> None:
    async def run() -> int:
        middleware, _ = _middleware(Echo(), FakeClock(START))
        async with _uvicorn(middleware, "websockets-sansio") as port:
            url = f"ws://127.0.0.1:{port}/ws"
            with pytest.raises(InvalidStatus) as refused:
                async with connect(url, additional_headers={"Accept": "application/json"}):
                    pass
        return refused.value.response.status_code

    assert asyncio.run(run()) == 401


def test_uvicorn_socket_closes_with_1008_at_absolute_expiry() -> None:
    async def run() -> int | None:
        clock = FakeClock(START)
        middleware, cookie = _middleware(Echo(), clock)
        async with _uvicorn(middleware, "websockets-sansio") as port:
            url = f"ws://127.0.0.1:{port}/ws"
            async with connect(url, additional_headers={"Cookie": cookie.decode()}) as socket_:
                await socket_.send("hi")
                assert await socket_.recv() == "hi"
                clock.advance(ABSOLUTE + 1)
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(socket_.recv(), 2)
        return closed.value.rcvd.code if closed.value.rcvd else None

    assert asyncio.run(run()) == 1008
