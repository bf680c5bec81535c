"""Real HTTP servers on 127.0.0.1 for the provider, a gateway-protected site and a site that
can be down, so back-channel logout and sign-in cross real sockets."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
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


@contextmanager
def real_idp(ctx: Context) -> Iterator[tuple[str, OidcProvider]]:
    """``ohp_gateway.idp.create_app`` (pages + provider) over HTTP; yields (issuer, provider)."""
    from ohp_gateway.idp import create_app

    holder = Swappable()
    with serve(holder) as url:
        app = create_app(ctx, issuer=url, secure_cookies=False)
        holder.app = app
        provider = app.web.provider
        assert isinstance(provider, OidcProvider)
        yield url, provider


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def sign_in_through_pages(
    http: requests.Session, issuer: str, authorize_url: str, subscriber_id: str, password: str
) -> str:
    """A browser at the IdP: /authorize, the real /login form, back to /authorize; returns
    the redirect (to the site's callback) that carries the code."""
    first = http.get(authorize_url, allow_redirects=False, timeout=10)
    assert first.status_code == 302 and "/login" in first.headers["Location"], first.text
    form = http.get(urljoin(issuer, first.headers["Location"]), timeout=10)
    match = _CSRF.search(form.text)
    assert match is not None, form.text
    next_url = parse_qs(urlsplit(first.headers["Location"]).query)["next"][0]
    fields = {
        "subscriber_id": subscriber_id,
        "password": password,
        "csrf_token": html.unescape(match.group(1)),
        "next": next_url,
    }
    signed_in = http.post(f"{issuer}/login", data=fields, allow_redirects=False, timeout=10)
    assert signed_in.status_code in (200, 302, 303), signed_in.text
    back = http.get(urljoin(issuer, next_url), allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    return str(back.headers["Location"])
