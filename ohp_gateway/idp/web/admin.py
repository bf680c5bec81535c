"""The Administrator menu: nominate, roles, affiliations, promote, terminate, resets,
Subscriber ID lookup, and the fewer-than-two-administrators banner.

FAQ: "log in to the Administrator's Menu and select Add Subscriber Roles, Remove Subscriber
Roles or Affiliate Subscriber". Every action goes through the service layer, which checks
that the administrator acts on their own organization, verified and with a second factor.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import admins, directory, entitlements, nomination, resets, signin, termination
from ..records import Organization, organization
from . import admin_totp
from .actions import Outcome, run
from .forms import Field, Form, same
from .logouts import deliver_logouts
from .page import Page
from .routing import Route, administrator

SUBSCRIBER_ID = Field("subscriber_id", "Subscriber ID", hint="ohp followed by 8 digits.")


def _org(page: Page) -> Organization:
    with page.ctx.store.read() as tx:
        return organization(tx, page.subscriber.organization_id if page.subscriber else 0)


def _tax_choices(org: Organization) -> tuple[tuple[str, str], ...]:
    return tuple((t.masked, t.masked) for t in org.tax_ids)


def _tax_values(org: Organization, picked: list[str]) -> list[str]:
    """Checkbox values are masked (an SSN never sits in the page); map them back."""
    full = {t.masked: t.formatted for t in org.tax_ids}
    return [full.get(value, value) for value in picked]


def console(page: Page) -> Response:
    org = _org(page)
    return page.render(
        "admin.html",
        title="Administrator menu",
        org=org,
        warnings=admins.organization_warnings(page.ctx, org.id),
        me=page.subscriber,
    )


def nominate(page: Page) -> Response:
    org = _org(page)
    form = Form(
        "nominate",
        "/admin/nominate",
        (
            Field("name", "Subscriber's name", autocomplete="off"),
            Field(
                "email",
                "Unique professional e-mail",
                "email",
                "Used only by this person and showing their name or initials.",
            ),
            Field("work_phone", "Work phone", "tel", required=False),
            Field(
                "roles",
                "Roles",
                "choices",
                "Sites grant access by these roles.",
                required=False,
                choices=same(page.ctx.config.roles),
            ),
            Field(
                "tax_ids",
                "Tax ID affiliations",
                "choices",
                required=False,
                choices=_tax_choices(org),
            ),
        ),
        "Nominate subscriber",
    )

    def perform(values: MultiDict[str, str]) -> Outcome:
        request = nomination.Nomination(
            values["name"],
            values["email"],
            values.getlist("roles"),
            _tax_values(org, values.getlist("tax_ids")),
            values.get("work_phone", ""),
        )
        done = nomination.nominate(page.ctx, page.admin_actor(), request)
        return page.render("nominated.html", title="Subscriber nominated", done=done)

    return run(page, form, "Nominate a subscriber", perform, _NOMINATE_INTRO)


_NOMINATE_INTRO = (
    "Verify the person's identity before nominating them. You will see a one-time activation "
    "code to give them in person or by phone; they receive their Subscriber ID by e-mail."
)


def lookup(page: Page) -> Response:
    form = Form(
        "lookup",
        "/admin/lookup",
        (
            Field(
                "query",
                "Name or e-mail contains",
                hint="Leave empty to list everyone.",
                required=False,
            ),
        ),
        "Look up",
    )

    def perform(values: MultiDict[str, str]) -> Outcome:
        found = directory.find_subscribers(page.ctx, page.admin_actor(), values.get("query", ""))
        return page.render(
            "lookup.html",
            title="Look up Subscriber IDs",
            form=form,
            values=values,
            errors={},
            found=found,
        )

    return run(page, form, "Look up Subscriber IDs", perform)


def roles(page: Page) -> Response:
    form = Form(
        "roles",
        "/admin/roles",
        (
            SUBSCRIBER_ID,
            Field("roles", "Roles", "choices", choices=same(page.ctx.config.roles)),
            Field(
                "change",
                "Change",
                "radio",
                choices=(("add", "Add these roles"), ("remove", "Remove these roles")),
            ),
        ),
        "Change roles",
    )

    def perform(values: MultiDict[str, str]) -> Outcome:
        change = (
            entitlements.remove_roles if values["change"] == "remove" else (entitlements.add_roles)
        )
        done = change(
            page.ctx, page.admin_actor(), values["subscriber_id"], values.getlist("roles")
        )
        return [f"{done.id} ({done.name}) now has the roles: {', '.join(done.roles) or 'none'}."]

    return run(page, form, "Add or remove subscriber roles", perform)


def affiliations(page: Page) -> Response:
    org = _org(page)
    form = Form(
        "affiliations",
        "/admin/affiliations",
        (
            SUBSCRIBER_ID,
            Field("tax_ids", "Tax IDs", "choices", choices=_tax_choices(org)),
            Field(
                "change",
                "Change",
                "radio",
                choices=(
                    ("affiliate", "Affiliate with these Tax IDs"),
                    ("unaffiliate", "Remove these affiliations"),
                ),
            ),
        ),
        "Change affiliations",
    )

    def perform(values: MultiDict[str, str]) -> Outcome:
        add = values["change"] != "unaffiliate"
        change = entitlements.affiliate if add else entitlements.unaffiliate
        picked = _tax_values(org, values.getlist("tax_ids"))
        done = change(page.ctx, page.admin_actor(), values["subscriber_id"], picked)
        shown = ", ".join(t.masked for t in done.tax_ids) or "none"
        return [f"{done.id} ({done.name}) is now affiliated with: {shown}."]

    return run(page, form, "Affiliate a subscriber", perform)


def _by_id(action: str, submit: str, *extra: Field) -> Form:
    return Form(action, f"/admin/{action}", (SUBSCRIBER_ID, *extra), submit)


PROMOTE = _by_id("promote", "Promote to Administrator")
RESET = _by_id("reset", "Send password reset e-mail")
REISSUE = _by_id("reissue", "Issue a new activation code")
UNLOCK = _by_id("unlock", "Unlock")
TERMINATE = _by_id(
    "terminate",
    "Terminate access",
    Field("reason", "Reason", required=False),
    Field("confirm", "I understand this ends the subscriber's access at every site", "checkbox"),
)


def promote(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        warnings = admins.promote(page.ctx, page.admin_actor(), values["subscriber_id"])
        done = (
            f"{values['subscriber_id'].strip()} is now an Administrator. At their next "
            "sign-in they set up an authenticator and verify their identity."
        )
        return [done, *warnings]

    return run(page, PROMOTE, "Promote a subscriber to Administrator", perform)


def terminate(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        reason = values.get("reason", "").strip() or "terminated by administrator"
        warnings = termination.terminate(
            page.ctx, page.admin_actor(), values["subscriber_id"], reason
        )
        deliver_logouts(page)
        return [
            f"{values['subscriber_id'].strip()} is terminated and signed out everywhere.",
            *warnings,
        ]

    return run(page, TERMINATE, "Terminate a subscriber", perform, _TERMINATE_INTRO)


_TERMINATE_INTRO = (
    "When someone leaves the organization, terminate their access the same day. Their "
    "sessions end at every participating site."
)


def reset(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        resets.reset_by_admin(page.ctx, page.admin_actor(), values["subscriber_id"])
        return [
            f"A password reset e-mail is on its way to {values['subscriber_id'].strip()}; "
            "any lockout is lifted."
        ]

    return run(page, RESET, "Reset a subscriber's password", perform)


def reissue(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        sub_id = values["subscriber_id"].strip().lower()
        code = nomination.reissue_activation(page.ctx, page.admin_actor(), sub_id)
        done = nomination.Nominated(sub_id, code)
        return page.render("nominated.html", title="New activation code", done=done)

    return run(page, REISSUE, "Issue a new activation code", perform)


def unlock(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        signin.unlock(page.ctx, page.admin_actor(), values["subscriber_id"])
        return [f"{values['subscriber_id'].strip()} can sign in again."]

    return run(page, UNLOCK, "Unlock a subscriber", perform)


ROUTES = [
    Route("/admin", console, administrator, ("GET",)),
    Route("/admin/nominate", nominate, administrator),
    Route("/admin/lookup", lookup, administrator),
    Route("/admin/roles", roles, administrator),
    Route("/admin/affiliations", affiliations, administrator),
    Route("/admin/promote", promote, administrator),
    Route("/admin/terminate", terminate, administrator),
    Route("/admin/reset", reset, administrator),
    Route("/admin/reissue", reissue, administrator),
    Route("/admin/unlock", unlock, administrator),
    *admin_totp.ROUTES,
]
