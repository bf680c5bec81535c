"""``create_app``: the identity provider's WSGI application.

Each request: resume the IdP session from its cookie, let the OpenID Connect provider answer
its own paths, else route to a page (guard, then cookie and CSRF checks for a POST, then the
view). Client mistakes become 400/403/404/405 pages; anything unexpected is logged and becomes
a plain error page, never a traceback.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ...clock import Clock
from .. import sessions
from ..config import IdpConfig
from ..context import Context, open_context
from ..errors import IdpError
from ..identity import IdentityVerifier
from ..mail import Outbox
from . import account, admin, auth, registration, static, support
from .csrf import FIELD, Csrf
from .page import Cookies, Page, SupportDesk, Web, login_url
from .provider import Provider, load_provider
from .routing import Route, merge
from .security import add_security_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

ROUTES = merge(
    auth.ROUTES, account.ROUTES, registration.ROUTES, admin.ROUTES, support.ROUTES, static.ROUTES
)


class LimitedRequest(Request):
    """Forms here are small: refuse big bodies before parsing them (Werkzeug's limits)."""

    max_content_length = 256 * 1024
    max_form_memory_size = 64 * 1024
    max_form_parts = 200


def create_app(
    target: Context | str | Path,
    *,
    issuer: str | None = None,
    secure_cookies: bool = True,
    clock: Clock | None = None,
    outbox: Outbox | None = None,
    config: IdpConfig | None = None,
    verifier: IdentityVerifier | None = None,
    secret_key: bytes | None = None,
    support_operators: Iterable[str] = (),
    support_desk: SupportDesk | None = None,
    provider: Provider | None = None,
) -> IdpApp:
    """The WSGI app of the reference identity provider.

    ``target`` is a :class:`~ohp_gateway.idp.context.Context` or a database path (``clock``,
    ``outbox``, ``config`` and ``verifier`` apply to a path). ``secret_key`` signs CSRF tokens:
    give every worker the same one. ``support_operators`` lists the Subscriber IDs of support
    desk operators (administrators, so they sign in with a second factor). With ``issuer``,
    the OpenID Connect endpoints are served too (or pass a ready ``provider``).
    """
    ctx = _context(target, clock, outbox, config, verifier)
    cookies = Cookies(secure_cookies)
    if provider is None and issuer is not None:
        provider = load_provider(ctx, issuer, cookies.session)
    key = secret_key or secrets.token_bytes(32)
    web = Web(
        ctx=ctx,
        env=_environment(),
        csrf=Csrf(key),
        cookies=cookies,
        secret=key,
        support_operators=frozenset(s.strip().lower() for s in support_operators),
        desk=support_desk or SupportDesk(),
        provider=provider,
    )
    return IdpApp(web)


def _context(
    target: Context | str | Path,
    clock: Clock | None,
    outbox: Outbox | None,
    config: IdpConfig | None,
    verifier: IdentityVerifier | None,
) -> Context:
    if isinstance(target, Context):
        return target
    return open_context(target, config=config, clock=clock, outbox=outbox, verifier=verifier)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ohp_gateway.idp", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["csrf_field"] = FIELD
    return env


@attrs.define
class IdpApp:
    """The WSGI callable; ``web`` holds the context, templates and settings."""

    web: Web
    routes: dict[str, Route] = attrs.field(factory=lambda: {r.endpoint: r for r in ROUTES})
    url_map: Map = attrs.field(
        factory=lambda: Map(
            [Rule(r.path, endpoint=r.endpoint, methods=r.methods) for r in ROUTES],
            strict_slashes=False,
        )
    )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = LimitedRequest(environ)
        response = add_security_headers(request, self.respond(request))
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        token = request.cookies.get(self.web.cookies.session)
        try:
            session = sessions.resume(self.web.ctx, token)
        except Exception:
            log.exception("resuming the IdP session failed")
            session = None
        page = Page.open(self.web, request, session)
        response = self._answer(page)
        if token and session is None:
            self.web.cookies.clear(response, self.web.cookies.session)
        return page.finish(response)

    def _answer(self, page: Page) -> Response:
        try:
            return self._provider(page) or self._dispatch(page)
        except HTTPException as error:
            return _http_error(page, error)
        except IdpError as error:
            return page.render("error.html", error.http_status, title="Refused", message=str(error))
        except Exception:
            log.exception("unexpected error on %s %s", page.request.method, page.request.path)
            return page.render("error.html", 500, title="Something went wrong", message=_OOPS)

    def _provider(self, page: Page) -> Response | None:
        provider = self.web.provider
        if provider is None:
            return None
        return provider.handle(page.request, page.session, login_url)

    def _dispatch(self, page: Page) -> Response:
        adapter = self.url_map.bind_to_environ(page.request.environ)
        endpoint, args = adapter.match()
        route = self.routes[str(endpoint)]
        refused = route.guard(page) if route.guard else None
        if refused is not None:
            return refused
        if page.request.method == "POST":
            refused = _check_post(page)
            if refused is not None:
                return refused
        return route.view(page, **args)


_OOPS = (
    "The identity provider could not finish this request. Nothing you typed caused it; it "
    "has been logged. Try again in a moment, or contact the support desk."
)


def _check_post(page: Page) -> Response | None:
    """A browser that refuses cookies gets a page saying so; then the CSRF token."""
    if page.new_browser:
        return page.render("cookies.html", 400, title="Cookies are required")
    problem = page.web.csrf.problem(page.request.form.get(FIELD), page.binding)
    if problem is None:
        return None
    return page.render(
        "error.html", 400, title="The form could not be accepted", message=f"{FIELD}: {problem}"
    )


def _http_error(page: Page, error: HTTPException) -> Response:
    code = error.code or 400
    if isinstance(error, NotFound):
        response = page.render("error.html", 404, title="Page not found", message=_MISSING)
    elif isinstance(error, MethodNotAllowed):
        message = f"This address does not accept {page.request.method} requests."
        response = page.render("error.html", 405, title="Method not allowed", message=message)
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
    elif code in (301, 302, 303, 307, 308):
        return error.get_response(page.request.environ)
    else:
        message = error.description or "The request could not be understood."
        response = page.render("error.html", code, title=error.name, message=message)
    return response


_MISSING = "There is no page at this address. Check the link, or start from the sign-in page."
