"""Signing in and out: password, the administrators' second factor, the sites list."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ...redirects import InvalidReturnTo, validate_return_to
from .. import admins, sessions, signin, sites
from ..errors import CodeRejected, SignInFailed
from .forms import Errors, Field, Form, from_error, required
from .page import Page, redirect
from .routing import Route, anyone

LOGIN = Form(
    "login",
    "/login",
    (
        Field("subscriber_id", "Subscriber ID", autocomplete="username"),
        Field("password", "Password", "password", autocomplete="current-password"),
        Field("next", "", "hidden", required=False),
    ),
    "Sign in",
)
SECOND_FACTOR = Form(
    "second-factor",
    "/login/totp",
    (
        Field(
            "code",
            "Authenticator code or recovery code",
            hint="The 6-digit code your authenticator app shows now, or one of your unused "
            "recovery codes (XXXXX-XXXXX).",
            autocomplete="one-time-code",
        ),
        Field("next", "", "hidden", required=False),
    ),
    "Continue",
)
#: A password was right and a second factor is owed: remembered this long (seconds).
PENDING_MAX_AGE = 300
#: Paths whose answer may redirect to another site: reached by a fresh navigation, not a
#: redirect of the form post, because CSP ``form-action 'self'`` also governs redirects.
_LEAVES_SITE = ("/authorize", "/logout")


def lockout_message(page: Page) -> str:
    """The one message for every failure: it never says whether the ID exists."""
    cfg = page.ctx.config
    minutes = round(cfg.lockout_seconds / 60)
    return (
        "Sign-in failed: the Subscriber ID or password is not correct, or the Subscriber ID "
        f"may be temporarily locked after {cfg.lockout_threshold} failed attempts. Wait "
        f"{minutes} minutes and try again; if you still cannot sign in after {minutes} "
        "minutes, contact your Organization's Administrator (Administrators: contact the "
        "support desk) or reset your password."
    )


def safe_next(value: str | None) -> str:
    """A relative path on this site, or ``""``."""
    try:
        return validate_return_to(value or None, default="")
    except InvalidReturnTo:
        return ""


def login(page: Page) -> Response:
    values = _form_or_next(page)
    if page.request.method == "GET":
        return _login_page(page, values, Errors())
    errors = required(LOGIN, values)
    if errors:
        return _login_page(page, values, errors, 400)
    try:
        signed = signin.authenticate(
            page.ctx, values["subscriber_id"], values["password"], page.source
        )
    except SignInFailed:
        return _login_page(page, values, Errors({"": lockout_message(page)}), 401)
    return _after_password(page, signed, safe_next(values.get("next")))


def _login_page(
    page: Page, values: MultiDict[str, str], errors: Errors, status: int = 200
) -> Response:
    listed = sites.list_sites(page.ctx)
    wanted = page.request.args.get("site", "")
    site = next((s for s in listed if str(s.id) == wanted), None)
    return page.render(
        "login.html",
        status,
        title="Sign in",
        form=LOGIN,
        values=values,
        errors=errors,
        sites=listed,
        site=site,
    )


def _after_password(page: Page, signed: signin.SignedIn, next_url: str) -> Response:
    found = signed.subscriber
    if found.is_admin and found.totp_confirmed:
        response = redirect(f"/login/totp?next={_quote(next_url)}")
        pending = {"sub": found.id, "browser": page.browser_id}
        page.web.cookies.set(response, page.web.cookies.pending, _pending(page).dumps(pending))
        return response
    target = next_url
    if found.is_admin:  # first sign-in of a new administrator: enrol the authenticator
        target = f"/admin/totp?next={_quote(next_url)}" if next_url else "/admin/totp"
    return start_session(page, found.id, target, second_factor=False)


def start_session(
    page: Page, subscriber_id: str, next_url: str, *, second_factor: bool
) -> Response:
    """Replace any session of this browser with a fresh one and continue to ``next_url``."""
    if page.session is not None:
        end_session(page, "replaced by a new sign-in")
    _, token = sessions.start(page.ctx, subscriber_id, page.source, second_factor=second_factor)
    response = continue_to(page, next_url)
    page.web.cookies.set(response, page.web.cookies.session, token)
    page.web.cookies.clear(response, page.web.cookies.pending)
    return response


def continue_to(page: Page, next_url: str) -> Response:
    if next_url.startswith(_LEAVES_SITE):
        return page.render("continue.html", title="Signed in", next_url=next_url)
    return redirect(next_url or "/")


def end_session(page: Page, reason: str) -> None:
    session = page.live()
    if page.web.provider is not None:
        page.web.provider.sign_out(session, reason)
    else:
        sessions.end(page.ctx, session.sid, reason)


def second_factor(page: Page) -> Response:
    pending = _read_pending(page)
    session = page.session
    owed = session is not None and session.second_factor_at is None
    if pending is None and not owed:
        return redirect("/login")
    values = _form_or_next(page)
    if page.request.method == "GET":
        return _second_factor_page(page, values, Errors())
    errors = required(SECOND_FACTOR, values)
    if errors:
        return _second_factor_page(page, values, errors, 400)
    subscriber_id = pending["sub"] if pending else page.live().subscriber_id
    try:
        admins.step_up(page.ctx, subscriber_id, values["code"], page.source)
    except CodeRejected as error:
        return _second_factor_page(page, values, from_error(SECOND_FACTOR, error), 400)
    next_url = safe_next(values.get("next"))
    if pending is not None:
        return start_session(page, subscriber_id, next_url, second_factor=True)
    sessions.mark_second_factor(page.ctx, page.live().sid)
    return continue_to(page, next_url)


def _second_factor_page(
    page: Page, values: MultiDict[str, str], errors: Errors, status: int = 200
) -> Response:
    return page.render(
        "form.html",
        status,
        title="Second factor",
        form=SECOND_FACTOR,
        values=values,
        errors=errors,
        intro="Administrators confirm their sign-in with their authenticator.",
    )


def _pending(page: Page) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(page.web.secret, salt="ohp-idp-pending")


def _read_pending(page: Page) -> dict[str, Any] | None:
    raw = page.request.cookies.get(page.web.cookies.pending)
    if not raw:
        return None
    try:
        value = _pending(page).loads(raw, max_age=PENDING_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("browser") != page.browser_id:
        return None
    return value


def signout(page: Page) -> Response:
    if page.request.method == "GET" or page.session is None:
        return page.render("signout.html", title="Sign out", signed_out=page.session is None)
    end_session(page, "signed out")
    page.session = None
    response = page.render("signout.html", title="Signed out", signed_out=True)
    page.web.cookies.clear(response, page.web.cookies.session)
    return response


def home(page: Page) -> Response:
    return page.render("home.html", title="Community sign-on")


def site_list(page: Page) -> Response:
    return page.render("sites.html", title="Participating sites", sites=sites.list_sites(page.ctx))


def _quote(value: str) -> str:
    return quote(value, safe="")


ROUTES = [
    Route("/", home, anyone, ("GET",)),
    Route("/login", login),
    Route("/login/totp", second_factor),
    Route("/signout", signout),
    Route("/sites", site_list, anyone, ("GET",)),
]


def _form_or_next(page: Page) -> MultiDict[str, str]:
    """The posted form, or on GET only the (validated) ``next`` to carry through."""
    if page.request.method == "POST":
        return page.form
    return MultiDict({"next": safe_next(page.request.args.get("next"))})
