"""Real HTTP servers on 127.0.0.1 for the provider, a gateway-protected site and a site that
can be down, so back-channel logout and sign-in cross real sockets."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from ohp_gateway.idp import sessions, signin
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.errors import SignInFailed
from ohp_gateway.idp.oidc import OidcProvider

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

IDP_COOKIE = "ohp_idp"  # no __Host- prefix: these servers speak plain HTTP


class Swappable:
    """A WSGI app whose target is set after the server knows its port."""

    def __init__(self) -> None:
        self.app: WSGIApplication | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        assert self.app is not None
        return self.app(environ, start_response)


@contextmanager
def serve(app: WSGIApplication | Swappable) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def login_url(next_url: str) -> str:
    return "/login?" + urlencode({"next": next_url})


def mini_idp(ctx: Context, provider: OidcProvider) -> WSGIApplication:
    """The provider behind the smallest sign-in page: POST /login with subscriber_id and
    password starts an IdP session (as the real web app does) and returns to ``next``."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        session = sessions.resume(ctx, request.cookies.get(IDP_COOKIE))
        if request.path == "/login":
            response = _login(ctx, request)
        else:
            response = provider.handle(request, session, login_url) or Response("", 404)
        return response(environ, start_response)

    return app


def _login(ctx: Context, request: Request) -> Response:
    if request.method != "POST":
        return Response("<form method=post>sign in</form>", mimetype="text/html")
    form = request.form
    try:
        who = signin.authenticate(ctx, form["subscriber_id"], form["password"], "test")
    except SignInFailed:
        return Response("refused", 401)
    _, token = sessions.start(ctx, who.subscriber.id, "test")
    response = Response(status=303, headers={"Location": form.get("next", "/")})
    response.set_cookie(IDP_COOKIE, token, httponly=True, path="/")
    return response


class Recorder:
    """A site's back-channel endpoint that records logout tokens and can be 'down'."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.down = False

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        status = 503 if self.down else 200
        if not self.down:
            self.tokens.append(request.form.get("logout_token", ""))
        response: Any = Response("", status)
        result: Iterable[bytes] = response(environ, start_response)
        return result
