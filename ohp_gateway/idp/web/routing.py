"""Routes and the guards that stand in front of views."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import quote

import attrs
from werkzeug.wrappers import Response

from .page import Page, View, login_url, redirect

Guard = Callable[[Page], Response | None]


@attrs.frozen
class Route:
    path: str
    view: View
    guard: Guard | None = None
    methods: tuple[str, ...] = ("GET", "POST")

    @property
    def endpoint(self) -> str:
        return f"{self.view.__module__.rsplit('.', 1)[-1]}.{self.view.__name__}"


def anyone(page: Page) -> Response | None:
    return None


def signed_in(page: Page) -> Response | None:
    if page.session is None:
        return redirect(login_url(_here(page)))
    return None


def administrator(page: Page) -> Response | None:
    """An administrator with a confirmed authenticator who gave it at sign-in."""
    refused = enrolling_administrator(page)
    if refused is not None:
        return refused
    sub, session = page.subscriber, page.live()
    if sub is not None and not sub.totp_confirmed:
        return redirect("/admin/totp")
    if session.second_factor_at is None:
        return redirect(f"/login/totp?next={_quoted(page)}")
    return None


def enrolling_administrator(page: Page) -> Response | None:
    """An administrator, second factor or not: TOTP enrolment and identity pages."""
    refused = signed_in(page)
    if refused is not None:
        return refused
    if page.subscriber is None or not page.subscriber.is_admin:
        return forbidden(page, "This page is for your organization's administrators.")
    return None


def support_operator(page: Page) -> Response | None:
    refused = signed_in(page)
    if refused is not None:
        return refused
    session = page.live()
    if session.second_factor_at is None and session.subscriber_id in page.web.support_operators:
        return redirect(f"/login/totp?next={_quoted(page)}")
    if not page.is_support:
        return forbidden(page, "This page is for the community's support desk operators.")
    return None


def forbidden(page: Page, message: str) -> Response:
    return page.render("error.html", 403, title="Not allowed", message=message)


def _here(page: Page) -> str:
    request = page.request
    if request.method != "GET":
        return request.path
    query = request.query_string.decode("latin-1")
    return f"{request.path}?{query}" if query else request.path


def _quoted(page: Page) -> str:
    return quote(_here(page), safe="")


def merge(*groups: Sequence[Route]) -> list[Route]:
    return [route for group in groups for route in group]
