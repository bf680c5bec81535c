"""Organization registration, with the whole "Duplicate Found" flow shown to the registrant."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import organizations
from ..errors import DuplicateTaxId, IdpError
from .forms import Errors, Field, Form, from_error, lines, required, ticked
from .page import Page
from .routing import Route, anyone

_TAX_HINT = (
    "Your organization's business Tax IDs (EIN, NN-NNNNNNN), one per line. Participating "
    "sites receive them at each sign-in to decide what your subscribers may see."
)
_SSN_LABEL = (
    "One of these is a personal Social Security Number and I register it anyway, knowing "
    "this is greatly discouraged because it puts that person's identity at greater risk"
)


def registration_form(agreement: str) -> Form:
    return Form(
        "register",
        "/register",
        (
            Field("name", "Organization name", autocomplete="organization"),
            Field("address", "Organization address", "textarea"),
            Field("tax_ids", "Tax IDs", "textarea", _TAX_HINT),
            Field("acknowledge_personal_tax_id", _SSN_LABEL, "checkbox", required=False),
            Field(
                "signing_authority", "I have signing authority for this organization", "checkbox"
            ),
            Field(
                "accept_agreement",
                f"The organization accepts the Organization Agreement (version {agreement})",
                "checkbox",
            ),
            Field("admin_name", "Your name (first Administrator)", autocomplete="name"),
            Field(
                "admin_email",
                "Your professional e-mail",
                "email",
                "Unique to you and showing your name, e.g. sally.smith@clinic.org; not "
                "info@ or billing@.",
                autocomplete="email",
            ),
            Field("admin_phone", "Your work phone", "tel", autocomplete="tel"),
            Field(
                "staff_attested",
                "I am staff of this organization, not a contractor or third-party biller",
                "checkbox",
            ),
            Field(
                "ssn_last4",
                "Last four digits of your SSN",
                "password",
                "Used for the online identity check of Administrators; stored only as a "
                "one-way hash.",
            ),
        ),
        "Register organization",
        aliases={
            "applicant.name": "admin_name",
            "applicant.email": "admin_email",
            "applicant.work_phone": "admin_phone",
            "applicant.staff_attested": "staff_attested",
            "applicant.ssn_last4": "ssn_last4",
            "agreement_version": "accept_agreement",
        },
    )


def register(page: Page) -> Response:
    form = registration_form(page.ctx.config.organization_agreement_version)
    values = page.form
    if page.request.method == "GET":
        return _page(page, form, MultiDict(), Errors())
    errors = required(form, values)
    if errors:
        return _page(page, form, values, errors)
    try:
        done = organizations.register_organization(
            page.ctx, _registration(page, values), page.source
        )
    except DuplicateTaxId as duplicate:
        return page.render("duplicate.html", 409, title="Duplicate Found", dup=duplicate)
    except IdpError as error:
        return _page(page, form, values, from_error(form, error))
    return page.render("registered.html", title="Organization registered", done=done)


def _registration(page: Page, values: MultiDict[str, str]) -> organizations.Registration:
    applicant = organizations.Applicant(
        values["admin_name"],
        values["admin_email"],
        values["admin_phone"],
        ticked(values, "staff_attested"),
        values["ssn_last4"],
    )
    accepted = ticked(values, "accept_agreement")
    return organizations.Registration(
        values["name"],
        values["address"],
        lines(values["tax_ids"]),
        applicant,
        ticked(values, "signing_authority"),
        page.ctx.config.organization_agreement_version if accepted else None,
        ticked(values, "acknowledge_personal_tax_id"),
    )


def _page(page: Page, form: Form, values: MultiDict[str, str], errors: Errors) -> Response:
    return page.render(
        "register.html",
        400 if errors else 200,
        title="Register your organization",
        form=form,
        values=values,
        errors=errors,
    )


ROUTES = [Route("/register", register, anyone)]
