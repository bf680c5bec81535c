"""Tiny apps, one per framework, that answer with who the gateway engine says is signed in.

They run the real engine on the Cookie header each client sends, so a test proves the cookie
a client carries opens at the gateway, independently of any adapter.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ohp_gateway import Gateway
from ohp_gateway.outcome import Forward, Request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

Who = Callable[[str], str]


def who_for(gateway: Gateway) -> Who:
    """Cookie header -> subscriber id, or "anonymous"."""

    def who(cookie_header: str) -> str:
        outcome = gateway.handle(Request("GET", "/", headers={"cookie": cookie_header}))
        if isinstance(outcome, Forward) and outcome.subscriber is not None:
            return outcome.subscriber.subscriber_id
        return "anonymous"

    return who


def wsgi_app(who: Who) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [who(environ.get("HTTP_COOKIE", "")).encode()]

    return app


def asgi_app(who: Who) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        headers = dict(scope["headers"])
        body = who(headers.get(b"cookie", b"").decode("latin-1")).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return app


def flask_app(who: Who) -> Any:
    import flask

    app = flask.Flask("whoami")

    @app.get("/")
    def index() -> str:
        return who(flask.request.headers.get("Cookie", ""))

    return app


@contextmanager
def http_server(who: Who) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 in a thread; yields its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = who(self.headers.get("Cookie", "")).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def django_configured() -> None:
    """Minimal in-process Django settings, with this module as the URLconf."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            ALLOWED_HOSTS=["testserver"],
            ROOT_URLCONF=__name__,
            SECRET_KEY="not-secret-test-only",
            MIDDLEWARE=[],
            INSTALLED_APPS=[],
        )
        import django

        django.setup()


DJANGO_WHO: list[Who] = []  # the view's current answerer, set by the test


def _django_view(request: Any) -> Any:
    from django.http import HttpResponse

    return HttpResponse(DJANGO_WHO[-1](request.META.get("HTTP_COOKIE", "")))


def __getattr__(name: str) -> Any:
    if name == "urlpatterns":  # built on demand: only once Django is configured
        from django.urls import path

        return [path("", _django_view)]
    raise AttributeError(name)
