"""Per-application state (:class:`Web`) and per-request helpers (:class:`Page`)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import attrs
from jinja2 import Environment
from werkzeug.datastructures import MultiDict
from werkzeug.utils import redirect as _redirect
from werkzeug.wrappers import Request, Response

from .. import directory
from ..context import Actor, Context
from ..records import Subscriber
from ..sessions import IdpSession
from .csrf import Csrf
from .provider import Provider


@attrs.frozen
class SupportDesk:
    """How people reach the community's support desk (shown on many pages)."""

    phone: str = "1-800-555-0199"
    email: str = "support@community.invalid"


@attrs.frozen
class Cookies:
    """Cookie names: ``__Host-`` (Secure, Path=/, no Domain) when served over https."""

    secure: bool

    def name(self, base: str) -> str:
        return f"__Host-{base}" if self.secure else base

    @property
    def session(self) -> str:
        return self.name("ohp_idp")

    @property
    def browser(self) -> str:
        return self.name("ohp_idp_browser")

    @property
    def pending(self) -> str:
        return self.name("ohp_idp_pending")

    def set(self, response: Response, name: str, value: str) -> None:
        """A browser-session cookie: no Max-Age, so closing the browser drops it."""
        response.set_cookie(
            name, value, path="/", secure=self.secure, httponly=True, samesite="Lax"
        )

    def clear(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", secure=self.secure, httponly=True, samesite="Lax")


@attrs.frozen
class Web:
    ctx: Context
    env: Environment
    csrf: Csrf
    cookies: Cookies
    secret: bytes = attrs.field(repr=False)
    support_operators: frozenset[str] = frozenset()
    desk: SupportDesk = SupportDesk()
    provider: Provider | None = None


@attrs.define(slots=False)
class Page:
    """One request: the IdP session (if any), the browser id, and response helpers."""

    web: Web
    request: Request
    session: IdpSession | None
    browser_id: str
    new_browser: bool = False

    @classmethod
    def open(cls, web: Web, request: Request, session: IdpSession | None) -> Page:
        known = request.cookies.get(web.cookies.browser, "")
        if 20 <= len(known) <= 64:
            return cls(web, request, session, known)
        return cls(web, request, session, secrets.token_urlsafe(24), new_browser=True)

    @property
    def ctx(self) -> Context:
        return self.web.ctx

    @property
    def source(self) -> str:
        return self.request.remote_addr or ""

    @property
    def form(self) -> MultiDict[str, str]:
        return self.request.form if self.request.method == "POST" else MultiDict()

    @property
    def binding(self) -> str:
        return f"{self.browser_id}:{self.session.sid if self.session else ''}"

    @functools.cached_property
    def csrf_token(self) -> str:
        return self.web.csrf.token(self.binding)

    @functools.cached_property
    def subscriber(self) -> Subscriber | None:
        if self.session is None:
            return None
        return directory.get_subscriber(self.ctx, self.session.subscriber_id)

    @property
    def is_support(self) -> bool:
        """A listed operator who signed in with a second factor."""
        s = self.session
        return bool(
            s and s.second_factor_at is not None and s.subscriber_id in self.web.support_operators
        )

    def live(self) -> IdpSession:
        """The session of a page behind a sign-in guard."""
        if self.session is None:
            raise LookupError("this page needs a signed-in session")
        return self.session

    def admin_actor(self) -> Actor:
        """The administrator actor of this session (second factor given at sign-in)."""
        s = self.live()
        return Actor("admin", s.subscriber_id, self.source, s.second_factor_at)

    def support_actor(self) -> Actor:
        return Actor.support(self.live().subscriber_id, f"web:{self.source}")

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        html = self.web.env.get_template(template).render(page=self, **values)
        return Response(html, status=status, mimetype="text/html")

    def finish(self, response: Response) -> Response:
        if self.new_browser:
            self.web.cookies.set(response, self.web.cookies.browser, self.browser_id)
        return response


def redirect(location: str) -> Response:
    """303 See Other: the browser follows with a GET, whatever the form's method."""
    response: Response = _redirect(location, code=303)
    return response


def login_url(next_url: str) -> str:
    return f"/login?next={quote(next_url, safe='')}" if next_url else "/login"


View = Callable[..., Response]
