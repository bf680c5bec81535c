"""An ASGI reverse proxy behind the ASGI ``GatewayMiddleware``.

The middleware has already stripped client-sent identity headers and injected the real ones;
this app only forwards: request and response bodies are streamed both ways, hop-by-hop headers
are dropped (RFC 9110 7.6.1), ``X-Forwarded-*`` are set from the connection (never copied from
the client), repeated ``Set-Cookie`` headers stay separate, and an unreachable upstream is a
``502`` (a slow one ``504``), never a traceback.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx

from ..asgi import GatewayMiddleware
from ..asgi.types import ASGIApp, Message, Receive, Scope, Send
from ..clock import Clock
from ..config import GatewayConfig
from .websocket import relay_websocket

__all__ = ["ProxyApp", "build_app"]

log = logging.getLogger("ohp_gateway.proxy")

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Set here from the connection; a client's values would let it pick what the upstream trusts.
FORWARDED = frozenset(
    {
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"x-real-ip",
        b"host",
    }
)


def _hop_by_hop(headers: list[tuple[bytes, bytes]]) -> frozenset[bytes]:
    named = set(HOP_BY_HOP)
    for name, value in headers:
        if name == b"connection":
            named.update(v.strip().lower() for v in value.split(b","))
    return frozenset(named)


class ProxyApp:
    """Forwards every HTTP request to ``upstream`` (``http://host:port[/base]``)."""

    def __init__(self, upstream: str, *, timeout: float = 60.0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--upstream: {upstream!r} must be an http(s)://host[:port] URL")
        self.upstream = upstream.rstrip("/")
        self.upstream_host = parts.netloc
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=10.0),
            follow_redirects=False,
            trust_env=False,  # never route a site's traffic through environment proxies
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await relay_websocket(
                self._ws_url(scope), self._request_headers(scope), scope, receive, send
            )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _request_headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        raw: list[tuple[bytes, bytes]] = list(scope.get("headers", ()))
        drop = _hop_by_hop(raw) | FORWARDED
        headers = [(n, v) for n, v in raw if n not in drop]
        client = scope.get("client") or ("", 0)
        host = next((v for n, v in raw if n == b"host"), b"")
        headers += [
            (b"host", self.upstream_host.encode()),
            (b"x-forwarded-for", str(client[0]).encode()),
            (b"x-forwarded-proto", str(scope.get("scheme", "http")).encode()),
            (b"x-forwarded-host", host),
        ]
        return headers

    def _ws_url(self, scope: Scope) -> str:
        return "ws" + self._url(scope)[4:]  # http -> ws, https -> wss

    def _url(self, scope: Scope) -> str:
        path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        target = path.decode("latin-1") + (("?" + query.decode("latin-1")) if query else "")
        return self.upstream + target

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def body() -> AsyncIterator[bytes]:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                yield message.get("body", b"")
                if not message.get("more_body", False):
                    return

        has_body = any(
            n in (b"content-length", b"transfer-encoding") for n, _ in scope.get("headers", ())
        )
        request = self.client.build_request(
            scope["method"],
            self._url(scope),
            headers=self._request_headers(scope),
            content=body() if has_body else None,
        )
        try:
            response = await self.client.send(request, stream=True)
        except httpx.TimeoutException:
            await _error(send, 504, b"upstream timed out")
            return
        except httpx.HTTPError as exc:
            log.warning("upstream unreachable: %s", exc)
            await _error(send, 502, b"upstream unreachable")
            return
        try:
            await self._relay(response, send, head=scope["method"] == "HEAD")
        finally:
            await response.aclose()

    async def _relay(self, response: httpx.Response, send: Send, *, head: bool) -> None:
        raw = list(response.headers.raw)  # repeated Set-Cookie stay separate
        drop = _hop_by_hop(raw)
        headers = [(n.lower(), v) for n, v in raw if n.lower() not in drop]
        start: Message = {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": headers,
        }
        await send(start)
        if head:
            await send({"type": "http.response.body", "body": b""})
            return
        async for chunk in response.aiter_raw():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


async def _error(send: Send, status: int, message: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(message)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": message})


def build_app(
    upstream: str,
    config: GatewayConfig | str | os.PathLike[str] | None = None,
    clock: Clock | None = None,
) -> ASGIApp:
    """The gateway in front of a proxy to ``upstream``."""
    return GatewayMiddleware(ProxyApp(upstream), config, clock)
