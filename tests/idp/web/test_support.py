from __future__ import annotations

from ohp_gateway.idp import admins, directory, support
from ohp_gateway.idp.context import Context

from ..conftest import Org, add_member
from .conftest import Admin, Browser, field_error
from .test_registration import _form


def test_administrator_who_is_not_an_operator_is_refused(admin_browser: Browser) -> None:
    assert admin_browser.get("/support").status_code == 403


def test_operator_must_give_the_second_factor(browser: Browser, support_admin: Admin) -> None:
    browser.sign_in(support_admin.id)
    assert browser.get("/support").location == "/login?next=%2Fsupport"


def test_tickets_and_promotion_requests_are_listed_and_closed(
    support_browser: Browser, ctx: Context, org: Org
) -> None:
    add_member(ctx, org)
    with ctx.store.write() as tx:
        tx.execute("UPDATE subscribers SET is_admin = 0 WHERE id = ?", (org.admin.id,))
    Browser(support_browser.app).post("/register", _form(tax_ids=org.tax_ids[0]))
    with ctx.store.write() as tx:
        tx.execute(
            "UPDATE subscribers SET status = 'terminated' WHERE organization_id = ?", (org.id,)
        )
    Browser(support_browser.app).post(
        "/register", _form(tax_ids=org.tax_ids[1] if len(org.tax_ids) > 1 else org.tax_ids[0])
    )
    page = support_browser.get("/support").text
    ticket = support.tickets(ctx)[0]
    assert f"Ticket #{ticket.id}" in page and "maria.gomez@harbor.example" in page
    assert "Request #" in page
    data = {"ticket_id": str(ticket.id), "note": "called back"}
    response = support_browser.post("/support/tickets/close", data, token_from="/support")
    assert f"Ticket #{ticket.id} is closed" in response.text
    assert support.tickets(ctx) == []
    bad = support_browser.post("/support/tickets/close", {"ticket_id": "abc"})
    assert field_error(bad, "ticket_id").startswith("Ticket number:")


def test_release_tax_id_then_registration_succeeds(support_browser: Browser, org: Org) -> None:
    data = {"tax_id": org.tax_ids[0], "reason": "ticket 1"}
    assert "is released" in support_browser.post("/support/release", data).text
    registrant = Browser(support_browser.app)
    assert registrant.post("/register", _form(tax_ids=org.tax_ids[0])).status_code == 200
    again = support_browser.post("/support/release", {"tax_id": "91-0000001", "reason": "x"})
    assert field_error(again, "tax_id").startswith("Tax ID to release:")


def test_notary_and_promotion_on_request(support_browser: Browser, ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    data = {
        "organization_name": "EVERGREEN clinic",
        "organization_address": "100 Pine St., Seattle",
        "subscriber_id": member,
        "work_phone": "206-555-0199",
        "work_email": "boss@evergreen.example",
    }
    assert "is now an Administrator" in support_browser.post("/support/promote", data).text
    assert directory.get_subscriber(ctx, member).is_admin
    data = {"subscriber_id": member, "reference": "NOTARY-77"}
    assert "identity-verified" in support_browser.post("/support/notary", data).text
    assert directory.get_subscriber(ctx, member).identity_status == "verified"
    wrong = {**data, "subscriber_id": add_member(ctx, org, "Kim Lee", "kim.lee@evergreen.example")}
    response = support_browser.post("/support/notary", wrong)
    assert "not an administrator" in field_error(response, "subscriber_id")


def test_assisted_reset_unlock_and_id_retrieval(
    support_browser: Browser, ctx: Context, org: Org
) -> None:
    assert (
        "on its way" in support_browser.post("/support/reset", {"subscriber_id": org.admin.id}).text
    )
    assert (
        "sign in again"
        in support_browser.post("/support/unlock", {"subscriber_id": org.admin.id}).text
    )
    data = {
        "email": "dana.reyes@evergreen.example",
        "work_phone": "206-555-0101",
        "ssn_last4": "1234",
    }
    assert org.admin.id in support_browser.post("/support/retrieve-id", data).text
    data["ssn_last4"] = "9999"
    assert "answers do not match" in support_browser.post("/support/retrieve-id", data).text


def test_operators_are_not_administrators_of_other_organizations(
    support_browser: Browser, support_admin: Admin, org: Org
) -> None:
    # the operator's own administrator actor still cannot touch another organization
    assert support_browser.get("/admin").status_code == 200
    response = support_browser.post("/admin/promote", {"subscriber_id": org.admin.id})
    assert response.status_code == 403


def test_promotion_request_candidates_link_to_the_form(
    support_browser: Browser, ctx: Context, org: Org
) -> None:
    member = add_member(ctx, org)
    with ctx.store.write() as tx:
        tx.execute("UPDATE subscribers SET is_admin = 0 WHERE id = ?", (org.admin.id,))
    Browser(support_browser.app).post("/register", _form(tax_ids=org.tax_ids[0]))
    assert f"/support/promote?subscriber_id={member}" in support_browser.get("/support").text
    form = support_browser.get(f"/support/promote?subscriber_id={member}").text
    assert f'value="{member}"' in form
    assert admins is not None
