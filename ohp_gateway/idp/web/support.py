"""The support desk console: tickets, promotion requests, Tax ID release, notary
verification, promotion on request, assisted resets, Administrator ID retrieval, and the
back-channel logouts that could not be delivered."""

from __future__ import annotations

import logging
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import admins, resets, signin, support
from ..errors import ValidationError
from .actions import Outcome, run
from .forms import Field, Form
from .page import Page
from .routing import Route, support_operator

log = logging.getLogger(__name__)

SUBSCRIBER_ID = Field("subscriber_id", "Subscriber ID")
CLOSE = Form(
    "close-ticket",
    "/support/tickets/close",
    (Field("ticket_id", "Ticket number"), Field("note", "Closing note", required=False)),
    "Close ticket",
)
RELEASE = Form(
    "release",
    "/support/release",
    (
        Field("tax_id", "Tax ID to release", hint="NN-NNNNNNN (or NNN-NN-NNNN)."),
        Field("reason", "Reason", hint="For example the ticket number and who asked."),
    ),
    "Release Tax ID",
)
NOTARY = Form(
    "notary",
    "/support/notary",
    (SUBSCRIBER_ID, Field("reference", "Notary form reference")),
    "Record notary verification",
)
PROMOTE = Form(
    "promote-request",
    "/support/promote",
    (
        Field("organization_name", "Organization name"),
        Field("organization_address", "Organization address", "textarea"),
        SUBSCRIBER_ID,
        Field("work_phone", "Requester's work phone", "tel"),
        Field("work_email", "Requester's work e-mail", "email"),
    ),
    "Promote on request",
)
RESET = Form("support-reset", "/support/reset", (SUBSCRIBER_ID,), "Send password reset e-mail")
UNLOCK = Form("support-unlock", "/support/unlock", (SUBSCRIBER_ID,), "Unlock")
RETRIEVE = Form(
    "retrieve-id",
    "/support/retrieve-id",
    (
        Field("email", "Administrator's e-mail", "email"),
        Field("work_phone", "Administrator's work phone", "tel"),
        Field("ssn_last4", "Last four digits of their SSN", "password"),
    ),
    "Find Subscriber ID",
)


def dashboard(page: Page) -> Response:
    return page.render(
        "support.html",
        title="Support desk",
        tickets=support.tickets(page.ctx),
        requests=support.promotion_requests(page.ctx),
        failures=_failures(page),
    )


def _failures(page: Page) -> list[dict[str, Any]] | None:
    provider = page.web.provider
    if provider is None:
        return None
    try:
        return provider.delivery_failures()
    except Exception:
        log.exception("reading back-channel delivery failures failed")
        return None


def close_ticket(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        number = values["ticket_id"].strip().lstrip("#")
        if not number.isdigit() or len(number) > 12:
            raise ValidationError("ticket_id", f"{number[:20]!r} is not a ticket number")
        support.close_ticket(page.ctx, page.support_actor(), int(number), values.get("note", ""))
        return [f"Ticket #{number} is closed."]

    return run(page, CLOSE, "Close a ticket", perform)


def release(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        support.release_tax_id(page.ctx, page.support_actor(), values["tax_id"], values["reason"])
        return [
            "The Tax ID is released: the organization can register again with a new Administrator."
        ]

    return run(page, RELEASE, "Release a Tax ID", perform)


def notary(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        admins.record_notary(
            page.ctx, page.support_actor(), values["subscriber_id"], values["reference"]
        )
        return [f"{values['subscriber_id'].strip()} is identity-verified (notary)."]

    return run(page, NOTARY, "Record a notary verification", perform)


def promote(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        request = support.PromotionRequest(
            values["organization_name"],
            values["organization_address"],
            values["subscriber_id"],
            values["work_phone"],
            values["work_email"],
        )
        warnings = support.promote_on_request(page.ctx, page.support_actor(), request)
        return [f"{values['subscriber_id'].strip()} is now an Administrator.", *warnings]

    return run(page, PROMOTE, "Promote on request", perform, _PROMOTE_INTRO)


_PROMOTE_INTRO = (
    "The request must name the organization and its address as registered, the Subscriber ID "
    "of the person to promote, a work phone and a work e-mail."
)


def reset(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        resets.reset_by_admin(page.ctx, page.support_actor(), values["subscriber_id"])
        return [f"A password reset e-mail is on its way to {values['subscriber_id'].strip()}."]

    return run(page, RESET, "Reset a password (lone Administrators)", perform)


def unlock(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        signin.unlock(page.ctx, page.support_actor(), values["subscriber_id"])
        return [f"{values['subscriber_id'].strip()} can sign in again."]

    return run(page, UNLOCK, "Unlock a subscriber", perform)


def retrieve_id(page: Page) -> Response:
    def perform(values: MultiDict[str, str]) -> Outcome:
        found = support.retrieve_admin_id(
            page.ctx,
            page.support_actor(),
            values["email"],
            values["work_phone"],
            values["ssn_last4"],
        )
        return [f"The Administrator's Subscriber ID is {found}."]

    return run(page, RETRIEVE, "Find an Administrator's Subscriber ID", perform)


ROUTES = [
    Route("/support", dashboard, support_operator, ("GET",)),
    Route("/support/tickets/close", close_ticket, support_operator),
    Route("/support/release", release, support_operator),
    Route("/support/notary", notary, support_operator),
    Route("/support/promote", promote, support_operator),
    Route("/support/reset", reset, support_operator),
    Route("/support/unlock", unlock, support_operator),
    Route("/support/retrieve-id", retrieve_id, support_operator),
]
