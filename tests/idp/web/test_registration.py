from __future__ import annotations

from ohp_gateway.idp import support
from ohp_gateway.idp.context import Context

from ..conftest import Org, add_member, make_org
from .conftest import Browser, field_error


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Harbor Pediatrics",
        "address": "5 Dock St, Olympia, WA",
        "tax_ids": "91-2345678",
        "signing_authority": "yes",
        "accept_agreement": "yes",
        "admin_name": "Maria Gomez",
        "admin_email": "maria.gomez@harbor.example",
        "admin_phone": "360-555-0100",
        "staff_attested": "yes",
        "ssn_last4": "4321",
    }
    data.update(overrides)
    return data


def test_registration_shows_the_activation_code_once(browser: Browser) -> None:
    response = browser.post("/register", _form())
    assert response.status_code == 200
    assert 'id="activation-code"' in response.text
    assert "shown only once" in response.text
    assert "Nominate a second one and promote them" in response.text


def test_registration_errors_name_fields(browser: Browser) -> None:
    response = browser.post("/register", _form(admin_email="info@harbor.example", tax_ids="12-345"))
    assert response.status_code == 400
    error = field_error(response, "tax_ids")
    assert error.startswith("Tax IDs (entry 1):")
    missing = browser.post("/register", _form(staff_attested="", name=""))
    assert field_error(missing, "name") == "Organization name: is required"
    assert "must be ticked" in field_error(missing, "staff_attested")


def test_personal_ssn_needs_the_acknowledgement(browser: Browser) -> None:
    refused = browser.post("/register", _form(tax_ids="123-45-6789"))
    assert refused.status_code == 400
    assert "Tax IDs (entry 1)" in field_error(refused, "tax_ids")
    assert "123-45-6789" not in field_error(refused, "tax_ids")
    accepted = browser.post(
        "/register", _form(tax_ids="123-45-6789", acknowledge_personal_tax_id="yes")
    )
    assert accepted.status_code == 200


def test_duplicate_with_administrators_shows_whom_to_contact(browser: Browser, org: Org) -> None:
    response = browser.post("/register", _form(tax_ids=org.tax_ids[0]))
    assert response.status_code == 409
    assert "Duplicate Found" in response.text
    assert "dana.reyes@evergreen.example" in response.text
    assert "released" in response.text


def test_duplicate_without_administrator_opens_a_promotion_request(
    browser: Browser, ctx: Context, org: Org
) -> None:
    add_member(ctx, org)
    with ctx.store.write() as tx:
        tx.execute("UPDATE subscribers SET is_admin = 0 WHERE id = ?", (org.admin.id,))
    response = browser.post("/register", _form(tax_ids=org.tax_ids[0]))
    requests = support.promotion_requests(ctx)
    assert len(requests) == 1
    assert f"Promotion request #{requests[0].id} opened" in response.text
    assert "Subscriber ID of the person to promote" in response.text


def test_duplicate_with_nobody_opens_a_ticket_and_explains_release(
    browser: Browser, ctx: Context
) -> None:
    org = make_org(ctx, name="Lone Clinic", tax_ids=["91-5555555"], email="lee.lone@lone.example")
    with ctx.store.write() as tx:
        tx.execute("UPDATE subscribers SET status = 'terminated' WHERE id = ?", (org.admin.id,))
    response = browser.post("/register", _form(tax_ids="91-5555555"))
    tickets = support.tickets(ctx)
    assert len(tickets) == 1
    assert f"Support ticket #{tickets[0].id} opened" in response.text
    assert f"quoting ticket #{tickets[0].id}" in response.text
