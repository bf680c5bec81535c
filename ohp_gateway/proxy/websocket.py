"""WebSocket relay for the proxy: the gateway has already judged the handshake.

The ASGI ``GatewayMiddleware`` refuses a handshake without a session, injects the identity
headers and closes an accepted socket with 1008 at the session's absolute expiry; this relay
only opens the same path on the upstream, with the same headers, and copies messages both ways
until either side closes.
"""

from __future__ import annotations

import asyncio
import logging

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from ..asgi.types import Receive, Scope, Send

__all__ = ["relay_websocket"]

log = logging.getLogger("ohp_gateway.proxy")

# Set by the websockets client itself for the upstream handshake.
HANDSHAKE = frozenset(
    {
        b"host",
        b"connection",
        b"upgrade",
        b"sec-websocket-key",
        b"sec-websocket-version",
        b"sec-websocket-extensions",
        b"sec-websocket-protocol",
    }
)
UPSTREAM_FAILED = 1011  # RFC 6455 7.4.1: the server met an unexpected condition


async def relay_websocket(
    url: str, headers: list[tuple[bytes, bytes]], scope: Scope, receive: Receive, send: Send
) -> None:
    if (await receive())["type"] != "websocket.connect":
        return
    forwarded = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers
                 if n not in HANDSHAKE]  # fmt: skip
    try:
        upstream = await connect(
            url,
            additional_headers=forwarded,
            subprotocols=scope.get("subprotocols") or None,
            open_timeout=10,
            proxy=None,
        )
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        log.warning("upstream WebSocket unreachable: %s", exc)
        await send({"type": "websocket.close", "code": UPSTREAM_FAILED})
        return
    async with upstream:
        await send({"type": "websocket.accept", "subprotocol": upstream.subprotocol})
        inbound = asyncio.ensure_future(_client_to_upstream(receive, upstream))
        outbound = asyncio.ensure_future(_upstream_to_client(upstream, send))
        done, pending = await asyncio.wait({inbound, outbound}, return_when="FIRST_COMPLETED")
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()


async def _client_to_upstream(receive: Receive, upstream: ClientConnection) -> None:
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            await upstream.close(code=_closable(message.get("code", 1000)))
            return
        if message["type"] == "websocket.receive":
            data = message.get("bytes")
            try:
                await upstream.send(data if data is not None else message.get("text") or "")
            except ConnectionClosed:
                return


async def _upstream_to_client(upstream: ClientConnection, send: Send) -> None:
    try:
        async for data in upstream:
            if isinstance(data, bytes):
                await send({"type": "websocket.send", "bytes": data})
            else:
                await send({"type": "websocket.send", "text": data})
    except ConnectionClosed:
        pass
    code = upstream.close_code or 1000
    await send({"type": "websocket.close", "code": _closable(code)})


def _closable(code: int) -> int:
    """Codes an endpoint may send (RFC 6455 7.4): 1005/1006/1015 are never on the wire."""
    return 1000 if code in (1005, 1006, 1015) else code
