"""``GatewayMiddleware`` for WSGI: one line in front of Flask, Django or any WSGI app.

The adapter holds no policy. It strips identity headers a client sent, asks the engine, then
either answers itself or calls the app with the real identity in ``environ``. The app's
response iterable is returned as it is, so streaming, ``wsgi.file_wrapper`` and ``close()``
work unchanged and exceptions from the app propagate.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING

from .. import SUBSCRIBER_KEY
from ..clock import Clock
from ..config import GatewayConfig
from ..gateway import MAX_BODY, Gateway
from ..outcome import Reply
from .environ import environ_key, request_from_environ, strip_identity_headers

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["GatewayMiddleware"]


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class GatewayMiddleware:
    """Wrap a WSGI app: ``app = GatewayMiddleware(app, config)``.

    ``config`` is a :class:`~ohp_gateway.GatewayConfig`, a path to a TOML file, or None to
    read ``OHP_GATEWAY_*`` from the environment. ``clock`` is any object with ``now()``.
    """

    def __init__(
        self,
        app: WSGIApplication,
        config: GatewayConfig | str | os.PathLike[str] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.app = app
        if isinstance(config, os.PathLike):
            config = os.fspath(config)
        self.gateway = Gateway(config, clock)
        self._prefix = self.gateway.strip_prefix

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        strip_identity_headers(environ, self._prefix)
        request = request_from_environ(environ)
        if self.gateway.needs_body(request):
            request = request._replace(body=_read_body(environ))
        outcome = self.gateway.handle(request)
        if isinstance(outcome, Reply):
            return self._reply(environ, outcome, start_response)
        for name, value in outcome.headers:
            environ[environ_key(name)] = value
        environ[SUBSCRIBER_KEY] = outcome.subscriber
        if outcome.set_cookies:
            start_response = _with_cookies(start_response, outcome.set_cookies)
        return self.app(environ, start_response)

    def _reply(
        self, environ: WSGIEnvironment, reply: Reply, start_response: StartResponse
    ) -> Iterable[bytes]:
        headers = [*reply.headers, ("Content-Length", str(len(reply.body)))]
        start_response(_status_line(reply.status), headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [reply.body]


def _read_body(environ: WSGIEnvironment) -> bytes:
    """The request body for an endpoint that needs one, at most ``MAX_BODY`` bytes."""
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        return b""
    data: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    return data


def _with_cookies(start_response: StartResponse, cookies: tuple[str, ...]) -> StartResponse:
    """``start_response`` that appends the engine's ``Set-Cookie`` headers."""

    def start(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
    ) -> Callable[[bytes], object]:
        return start_response(status, [*headers, *(("Set-Cookie", c) for c in cookies)], exc_info)

    return start
