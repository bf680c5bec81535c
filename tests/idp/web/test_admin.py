from __future__ import annotations

import re

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import admins, directory, sessions
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.mail import FolderOutbox
from ohp_gateway.idp.records import Subscriber

from ..conftest import Org, add_member
from .conftest import Admin, Browser, field_error, fresh_code

CODE = re.compile(r'id="activation-code" class="code">([A-Z0-9-]+)<')


def _member(ctx: Context, subscriber_id: str) -> Subscriber:
    return directory.get_subscriber(ctx, subscriber_id)


def test_plain_subscriber_is_refused_the_menu(browser: Browser, ctx: Context, org: Org) -> None:
    browser.sign_in(add_member(ctx, org))
    response = browser.get("/admin")
    assert response.status_code == 403
    assert browser.get("/admin/nominate").status_code == 403


def test_menu_shows_the_fewer_than_two_administrators_banner(admin_browser: Browser) -> None:
    page = admin_browser.get("/admin").text
    assert "Fewer than two Administrators." in page
    assert "Nominate subscriber" in page


def test_nomination_shows_the_activation_code_once(
    admin_browser: Browser, ctx: Context, admin: Admin, outbox: FolderOutbox
) -> None:
    page = admin_browser.get("/admin/nominate").text
    assert "Billing" in page and admin.org.tax_ids[0] in page
    data = {
        "name": "Ravi Patel",
        "email": "ravi.patel@evergreen.example",
        "roles": ["Billing", "Claims"],
        "tax_ids": [admin.org.tax_ids[0]],
    }
    response = admin_browser.post("/admin/nominate", data)
    assert response.status_code == 200
    code = CODE.search(response.text)
    assert code is not None and "shown only once" in response.text
    sub_id = re.search(r'id="subscriber-id">(ohp\d{8})<', response.text)
    assert sub_id is not None
    assert code[1] not in admin_browser.get("/admin/nominate").text
    assert code[1] not in outbox.messages()[-1].body
    member = _member(ctx, sub_id[1])
    assert member.roles == ("Billing", "Claims") and member.status == "nominated"


def test_nomination_errors_name_fields(admin_browser: Browser) -> None:
    response = admin_browser.post("/admin/nominate", {"name": "Ravi", "email": "info@x.example"})
    assert response.status_code == 400
    assert field_error(response, "email").startswith("Unique professional e-mail:")


def test_roles_added_and_removed(admin_browser: Browser, ctx: Context, admin: Admin) -> None:
    member = add_member(ctx, admin.org)
    data = {"subscriber_id": member, "roles": ["Claims"], "change": "add"}
    assert "Billing, Claims" in admin_browser.post("/admin/roles", data).text
    data = {"subscriber_id": member, "roles": ["Billing"], "change": "remove"}
    admin_browser.post("/admin/roles", data)
    assert _member(ctx, member).roles == ("Claims",)
    missing = admin_browser.post("/admin/roles", {"subscriber_id": member, "change": "add"})
    assert field_error(missing, "roles") == "Roles: choose at least one"


def test_affiliations(admin_browser: Browser, ctx: Context, admin: Admin) -> None:
    member = add_member(ctx, admin.org)
    tax = admin.org.tax_ids[0]
    off = {"subscriber_id": member, "tax_ids": [tax], "change": "unaffiliate"}
    admin_browser.post("/admin/affiliations", off)
    assert _member(ctx, member).tax_ids == ()
    on = {"subscriber_id": member, "tax_ids": [tax], "change": "affiliate"}
    assert f"affiliated with: {tax}" in admin_browser.post("/admin/affiliations", on).text
    foreign = {"subscriber_id": member, "tax_ids": ["94-7777777"], "change": "affiliate"}
    response = admin_browser.post("/admin/affiliations", foreign)
    assert field_error(response, "tax_ids").startswith("Tax IDs (entry 1):")


def test_promote_and_banner_goes_away(admin_browser: Browser, ctx: Context, admin: Admin) -> None:
    member = add_member(ctx, admin.org)
    response = admin_browser.post("/admin/promote", {"subscriber_id": member})
    assert f"{member} is now an Administrator" in response.text
    assert _member(ctx, member).is_admin


def test_terminate_needs_confirmation_and_ends_sessions(
    admin_browser: Browser, ctx: Context, admin: Admin
) -> None:
    member = add_member(ctx, admin.org)
    other = Browser(admin_browser.app)
    other.sign_in(member)
    token = other.cookie("ohp_idp")
    unconfirmed = admin_browser.post("/admin/terminate", {"subscriber_id": member})
    assert "must be ticked" in field_error(unconfirmed, "confirm")
    data = {"subscriber_id": member, "confirm": "yes", "reason": "left"}
    assert "is terminated" in admin_browser.post("/admin/terminate", data).text
    assert _member(ctx, member).status == "terminated"
    assert sessions.resume(ctx, token) is None


def test_last_administrator_cannot_terminate_themselves(
    admin_browser: Browser, admin: Admin
) -> None:
    data = {"subscriber_id": admin.id, "confirm": "yes"}
    response = admin_browser.post("/admin/terminate", data)
    assert response.status_code == 409
    assert "last active administrator" in field_error(response, "subscriber_id")


def test_reset_unlock_and_reissue(
    admin_browser: Browser, ctx: Context, admin: Admin, outbox: FolderOutbox
) -> None:
    member = add_member(ctx, admin.org)
    before = len(outbox.messages())
    assert (
        "reset e-mail is on its way"
        in admin_browser.post("/admin/reset", {"subscriber_id": member}).text
    )
    assert len(outbox.messages()) == before + 1
    assert (
        "can sign in again" in admin_browser.post("/admin/unlock", {"subscriber_id": member}).text
    )
    waiting = add_member(ctx, admin.org, "Kim Lee", "kim.lee@evergreen.example", activate=False)
    response = admin_browser.post("/admin/reissue", {"subscriber_id": waiting})
    assert CODE.search(response.text) is not None


def test_lookup_finds_subscriber_ids(admin_browser: Browser, ctx: Context, admin: Admin) -> None:
    member = add_member(ctx, admin.org)
    response = admin_browser.post("/admin/lookup", {"query": "sally"})
    assert member in response.text and admin.id not in response.text.split("<table")[-1]
    assert "No subscriber matches" in admin_browser.post("/admin/lookup", {"query": "zz"}).text


def test_unknown_subscriber_is_a_field_error(admin_browser: Browser) -> None:
    response = admin_browser.post("/admin/promote", {"subscriber_id": "ohp00000000"})
    assert response.status_code == 404
    assert field_error(response, "subscriber_id").startswith("Subscriber ID: no subscriber")


def test_totp_enrolment_shows_secret_and_recovery_codes_once(
    browser: Browser, ctx: Context, admin: Admin, clock: FakeClock
) -> None:
    member = add_member(ctx, admin.org)
    actor = admins.step_up(ctx, admin.id, fresh_code(clock, admin.secret), "t")
    admins.promote(ctx, actor, member)
    browser.sign_in(member)
    page = browser.post("/admin/totp", {}).text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    assert secret is not None and "otpauth://totp/" in page
    wrong = browser.post("/admin/totp/confirm", {"code": "123456"}, token_from="/admin/totp")
    assert field_error(wrong, "code").startswith("Code from your authenticator app:")
    data = {"code": fresh_code(clock, secret[1])}
    done = browser.post("/admin/totp/confirm", data, token_from="/admin/totp")
    codes = re.findall(r'<li class="code">([A-Z0-9-]+)</li>', done.text)
    assert len(codes) == 10
    assert codes[0] not in browser.get("/admin/totp").text
    assert _member(ctx, member).totp_confirmed
    # the promoted administrator has not verified identity yet: actions are refused
    assert "verify your identity" in browser.get("/admin").text
    response = browser.post("/admin/identity", {"ssn_last4": "2468"})
    assert "identity is verified" in response.text


def test_identity_field_error(admin_browser: Browser) -> None:
    response = admin_browser.post("/admin/identity", {"ssn_last4": "12"})
    assert field_error(response, "ssn_last4").startswith("Last four digits of your SSN:")
