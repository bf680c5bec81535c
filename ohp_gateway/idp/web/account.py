"""A subscriber's own account: activation, forgotten password, reset, profile."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import directory, nomination, profile, resets
from ..errors import IdpError
from .forms import Errors, Field, Form, from_error, required, ticked
from .page import Page
from .routing import Route, anyone, signed_in

_CHOOSING_HINT = (
    "At least 15 characters. A few unrelated words make a good password; no symbols needed. "
    "Common passwords and ones containing your name or Subscriber ID are refused."
)
ACTIVATE = Form(
    "activate",
    "/activate",
    (
        Field(
            "subscriber_id",
            "Subscriber ID",
            hint="From the e-mail you received.",
            autocomplete="username",
        ),
        Field(
            "code",
            "Activation code",
            hint="The one-time code your Administrator gave you (XXXX-XXXX-XXXX).",
        ),
        Field("password", "New password", "password", _CHOOSING_HINT, autocomplete="new-password"),
        Field("password_confirm", "Confirm new password", "password", autocomplete="new-password"),
        Field("accept_agreement", "I accept the Subscriber Agreement", "checkbox"),
    ),
    "Activate my account",
)
FORGOT = Form(
    "forgot",
    "/forgot",
    (
        Field(
            "subscriber_id_or_email",
            "Subscriber ID or professional e-mail",
            autocomplete="username",
        ),
    ),
    "Send reset e-mail",
)
_NEW_PASSWORD = (
    Field("new_password", "New password", "password", _CHOOSING_HINT, autocomplete="new-password"),
    Field("new_password_confirm", "Confirm new password", "password", autocomplete="new-password"),
)
RESET = Form(
    "reset",
    "/reset",
    (
        Field("token", "Reset token", hint="From the password reset e-mail."),
        *_NEW_PASSWORD,
    ),
    "Set new password",
    aliases={"code": "token"},
)
RENAME = Form(
    "rename", "/profile/name", (Field("name", "Your name", autocomplete="name"),), "Change name"
)
PASSWORD = Form(
    "password",
    "/profile/password",
    (
        Field("current_password", "Current password", "password", autocomplete="current-password"),
        *_NEW_PASSWORD,
    ),
    "Change password",
)


def _mismatch(values: MultiDict[str, str], first: str, second: str, label: str) -> Errors:
    errors = Errors()
    if values.get(first) and values.get(second) and values[first] != values[second]:
        errors.add(second, f"{label}: does not match the new password; type it again")
    return errors


def activate(page: Page) -> Response:
    values = page.form
    if page.request.method == "GET":
        values = MultiDict({"subscriber_id": page.request.args.get("subscriber_id", "")})
        return _form(page, ACTIVATE, "Activate your account", values)
    errors = required(ACTIVATE, values) or _mismatch(
        values, "password", "password_confirm", "Confirm new password"
    )
    if errors:
        return _form(page, ACTIVATE, "Activate your account", values, errors)
    try:
        done = nomination.activate(
            page.ctx,
            values["subscriber_id"],
            values["code"],
            values["password"],
            ticked(values, "accept_agreement"),
            page.source,
        )
    except IdpError as error:
        return _form(page, ACTIVATE, "Activate your account", values, from_error(ACTIVATE, error))
    notices = [f"Subscriber ID {done.id} is active. You can now sign in."]
    if done.is_admin:
        notices.append("As an Administrator you will set up an authenticator app at sign-in.")
    return page.render("form.html", title="Account activated", notices=notices, form=None)


def forgot(page: Page) -> Response:
    title = "Reset your password"
    if page.request.method == "GET":
        return _form(page, FORGOT, title, MultiDict(), intro=_FORGOT_INTRO)
    values = page.form
    errors = required(FORGOT, values)
    if errors:
        return _form(page, FORGOT, title, values, errors)
    try:
        resets.request_reset(page.ctx, values["subscriber_id_or_email"], page.source)
    except IdpError as error:
        return _form(page, FORGOT, title, values, from_error(FORGOT, error))
    minutes = round(page.ctx.config.reset_ttl / 60)
    notices = [
        "If an active account matches what you typed, we have sent a password reset e-mail "
        f"to its professional address. The token in it works once, for {minutes} minutes.",
        "No e-mail? Ask your Organization's Administrator to reset your password.",
    ]
    return page.render("form.html", title=title, notices=notices, form=None)


_FORGOT_INTRO = (
    "Type your Subscriber ID or professional e-mail. Administrators with no other "
    "Administrator in their organization may also call the support desk."
)


def reset(page: Page) -> Response:
    title = "Choose a new password"
    if page.request.method == "GET":
        values = MultiDict({"token": page.request.args.get("token", "")})
        return _form(page, RESET, title, values)
    values = page.form
    errors = required(RESET, values) or _mismatch(
        values, "new_password", "new_password_confirm", "Confirm new password"
    )
    if errors:
        return _form(page, RESET, title, values, errors)
    try:
        sub_id = resets.complete_reset(
            page.ctx, values["token"], values["new_password"], page.source
        )
    except IdpError as error:
        return _form(page, RESET, title, values, from_error(RESET, error))
    notices = [f"The password of {sub_id} is changed. You can now sign in with it."]
    return page.render("form.html", title="Password changed", notices=notices, form=None)


def show_profile(page: Page) -> Response:
    return _profile(page)


def rename(page: Page) -> Response:
    if page.request.method == "GET":
        return _profile(page)
    values = page.form
    errors = required(RENAME, values)
    if not errors:
        try:
            found = profile.rename_self(
                page.ctx, page.live().subscriber_id, values["name"], page.source
            )
        except IdpError as error:
            errors = from_error(RENAME, error)
        else:
            page.subscriber = found
            note = f"Your name is now {found.name}. Your Subscriber ID stays {found.id}."
            return _profile(page, notices=[note])
    return _profile(page, 400, rename_values=values, rename_errors=errors)


def change_password(page: Page) -> Response:
    if page.request.method == "GET":
        return _profile(page)
    values = page.form
    errors = required(PASSWORD, values) or _mismatch(
        values, "new_password", "new_password_confirm", "Confirm new password"
    )
    if not errors:
        try:
            profile.change_password(
                page.ctx,
                page.live().subscriber_id,
                values["current_password"],
                values["new_password"],
                page.source,
            )
        except IdpError as error:
            errors = from_error(PASSWORD, error)
        else:
            return _profile(page, notices=["Your password is changed."])
    return _profile(page, 400, password_values=values, password_errors=errors)


def _profile(page: Page, status: int = 200, **values: object) -> Response:
    found = page.subscriber or directory.get_subscriber(page.ctx, page.live().subscriber_id)
    defaults: dict[str, object] = {
        "rename_values": MultiDict({"name": found.name}),
        "rename_errors": Errors(),
        "password_values": MultiDict(),
        "password_errors": Errors(),
        "notices": [],
    }
    defaults.update(values)
    return page.render(
        "profile.html",
        status,
        title="Your profile",
        me=found,
        rename_form=RENAME,
        password_form=PASSWORD,
        **defaults,
    )


def _form(
    page: Page,
    form: Form,
    title: str,
    values: MultiDict[str, str],
    errors: Errors | None = None,
    intro: str = "",
) -> Response:
    status = 400 if errors else 200
    return page.render(
        "form.html",
        status,
        title=title,
        form=form,
        values=values,
        errors=errors or Errors(),
        intro=intro,
    )


ROUTES = [
    Route("/activate", activate, anyone),
    Route("/forgot", forgot, anyone),
    Route("/reset", reset, anyone),
    Route("/profile", show_profile, signed_in, ("GET",)),
    Route("/profile/name", rename, signed_in),
    Route("/profile/password", change_password, signed_in),
]
