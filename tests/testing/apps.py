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

# Cookie header -> (subscriber id or "anonymous", Set-Cookie values of a refreshed session)
Who = Callable[[str], tuple[str, tuple[str, ...]]]


def who_for(gateway: Gateway) -> Who:
    def who(cookie_header: str) -> tuple[str, tuple[str, ...]]:
        outcome = gateway.handle(Request("GET", "/", headers={"cookie": cookie_header}))
        if isinstance(outcome, Forward) and outcome.subscriber is not None:
            return outcome.subscriber.subscriber_id, outcome.set_cookies
        return "anonymous", ()

    return who


def wsgi_app(who: Who) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body, cookies = who(environ.get("HTTP_COOKIE", ""))
        start_response("200 OK", [("Set-Cookie", c) for c in cookies])
        return [body.encode()]

    return app


def asgi_app(who: Who) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        headers = dict(scope["headers"])
        body, cookies = who(headers.get(b"cookie", b"").decode("latin-1"))
        set_cookies = [(b"set-cookie", c.encode()) for c in cookies]
        await send({"type": "http.response.start", "status": 200, "headers": set_cookies})
        await send({"type": "http.response.body", "body": body.encode()})

    return app


def flask_app(who: Who) -> Any:
    import flask

    app = flask.Flask("whoami")

    @app.get("/")
    def index() -> flask.Response:
        body, cookies = who(flask.request.headers.get("Cookie", ""))
        return flask.Response(body, headers=[("Set-Cookie", c) for c in cookies])

    return app


@contextmanager
def http_server(who: Who) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 in a thread; yields its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, cookies = who(self.headers.get("Cookie", ""))
            self.send_response(200)
            for cookie in cookies:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

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

    body, cookies = DJANGO_WHO[-1](request.META.get("HTTP_COOKIE", ""))
    response = HttpResponse(body)
    for cookie in cookies:  # the engine's Set-Cookie, as the WSGI middleware would add it
        name, _, rest = cookie.partition("=")
        response.cookies[name] = rest.partition(";")[0]
    return response


def __getattr__(name: str) -> Any:
    if name == "urlpatterns":  # built on demand: only once Django is configured
        from django.urls import path

        return [path("", _django_view)]
    raise AttributeError(name)
