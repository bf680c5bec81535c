"""An administrator's second factor (TOTP enrolment, recovery codes) and identity check."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import admins, sessions
from ..errors import IdpError
from .actions import Outcome, run
from .auth import safe_next
from .forms import Errors, Field, Form, from_error, required
from .page import Page, redirect
from .routing import Route, enrolling_administrator

CONFIRM = Form(
    "totp-confirm",
    "/admin/totp/confirm",
    (
        Field(
            "code",
            "Code from your authenticator app",
            hint="6 digits.",
            autocomplete="one-time-code",
        ),
        Field("next", "", "hidden", required=False),
    ),
    "Confirm authenticator",
)
IDENTITY = Form(
    "identity",
    "/admin/identity",
    (
        Field(
            "ssn_last4",
            "Last four digits of your SSN",
            "password",
            "For the online identity verification; stored only as a one-way hash.",
        ),
    ),
    "Verify my identity",
)


def totp_status(page: Page) -> Response:
    """GET: where the administrator stands; POST: start (or restart) enrolment."""
    me = page.subscriber
    enrolled = bool(me and me.totp_confirmed)
    next_url = safe_next(page.form.get("next") or page.request.args.get("next"))
    if page.request.method == "GET":
        return page.render(
            "totp.html", title="Authenticator app", enrolled=enrolled, next_url=next_url
        )
    if enrolled and page.live().second_factor_at is None:
        return redirect("/login/totp?next=/admin/totp")  # re-enrolment needs the old factor
    enrollment = admins.begin_totp(page.ctx, page.live().subscriber_id, page.source)
    return page.render(
        "totp_begin.html",
        title="Set up your authenticator app",
        enrollment=enrollment,
        form=CONFIRM,
        values=MultiDict({"next": next_url}),
        errors=Errors(),
    )


def totp_confirm(page: Page) -> Response:
    if page.request.method == "GET":
        return redirect("/admin/totp")
    values = page.form
    errors = required(CONFIRM, values)
    if not errors:
        try:
            codes = admins.confirm_totp(
                page.ctx, page.live().subscriber_id, values["code"], page.source
            )
        except IdpError as error:
            errors = from_error(CONFIRM, error)
        else:
            sessions.mark_second_factor(page.ctx, page.live().sid)
            return page.render(
                "recovery.html",
                title="Authenticator set up",
                codes=codes,
                next_url=safe_next(values.get("next")) or "/admin",
            )
    return page.render(
        "totp_begin.html",
        400,
        title="Set up your authenticator app",
        enrollment=None,
        form=CONFIRM,
        values=values,
        errors=errors,
    )


def identity(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        status = admins.verify_identity(
            page.ctx, page.live().subscriber_id, values["ssn_last4"], page.source
        )
        if status == "verified":
            return ["Your identity is verified. You can use the Administrator menu."]
        return [
            "The online verification did not succeed. Complete the notary form and send "
            f"it to the support desk ({page.web.desk.phone}); support records it for you."
        ]

    return run(page, IDENTITY, "Verify your identity", perform, _IDENTITY_INTRO)


_IDENTITY_INTRO = (
    "Administrators prove their identity once: the last four digits of your SSN and an "
    "online check. If it fails, a notary form is needed instead."
)

ROUTES = [
    Route("/admin/totp", totp_status, enrolling_administrator),
    Route("/admin/totp/confirm", totp_confirm, enrolling_administrator),
    Route("/admin/identity", identity, enrolling_administrator),
]
