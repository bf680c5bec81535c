from __future__ import annotations

import re

from ohp_gateway.idp import directory, nomination
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.mail import FolderOutbox

from ..conftest import PASSWORD, Org, add_member
from .conftest import Browser, field_error

NEW_PASSWORD = "seven orange lanterns drifting"


def _nominated(ctx: Context, org: Org) -> tuple[str, str]:
    form = nomination.Nomination("Ravi Patel", "ravi.patel@evergreen.example", ["Billing"])
    done = nomination.nominate(ctx, org.admin, form)
    return done.subscriber_id, done.activation_code


def _activation(sub_id: str, code: str, **overrides: str) -> dict[str, str]:
    data = {
        "subscriber_id": sub_id,
        "code": code,
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "accept_agreement": "yes",
    }
    data.update(overrides)
    return data


def test_activation_then_sign_in(browser: Browser, ctx: Context, org: Org) -> None:
    sub_id, code = _nominated(ctx, org)
    response = browser.post("/activate", _activation(sub_id, code))
    assert response.status_code == 200 and f"{sub_id} is active" in response.text
    assert browser.sign_in(sub_id, NEW_PASSWORD).status_code == 303


def test_activation_errors_name_the_field(browser: Browser, ctx: Context, org: Org) -> None:
    sub_id, code = _nominated(ctx, org)
    mismatch = browser.post("/activate", _activation(sub_id, code, password_confirm="other"))
    assert "Confirm new password: does not match" in field_error(mismatch, "password_confirm")
    unticked = browser.post("/activate", _activation(sub_id, code, accept_agreement=""))
    assert "must be ticked" in field_error(unticked, "accept_agreement")
    wrong = browser.post("/activate", _activation(sub_id, "AAAA-BBBB-CCCC"))
    assert wrong.status_code == 401 or wrong.status_code == 400
    assert field_error(wrong, "code").startswith("Activation code:")
    weak = browser.post(
        "/activate", _activation(sub_id, code, password="password", password_confirm="password")
    )
    assert field_error(weak, "password").startswith("New password:")
    assert browser.post("/activate", _activation(sub_id, code)).status_code == 200


def test_forgot_and_reset_through_the_outbox(
    browser: Browser, ctx: Context, org: Org, outbox: FolderOutbox
) -> None:
    member = add_member(ctx, org)
    before = len(outbox.messages())
    known = browser.post("/forgot", {"subscriber_id_or_email": member})
    unknown = browser.post("/forgot", {"subscriber_id_or_email": "ohp12345678"})
    assert known.status_code == unknown.status_code == 200
    assert "If an active account matches" in known.text and "If an active account" in unknown.text
    mails = outbox.messages()[before:]
    assert len(mails) == 1
    token = re.search(r"usable once\): (\S+)", mails[0].body)
    assert token is not None
    form = browser.get(f"/reset?token={token[1]}").text
    assert f'value="{token[1]}"' in form
    done = browser.post(
        "/reset",
        {"token": token[1], "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert done.status_code == 200 and "changed" in done.text
    assert browser.sign_in(member, NEW_PASSWORD).status_code == 303
    again = browser.post(
        "/reset",
        {"token": token[1], "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
    )
    assert field_error(again, "token").startswith("Reset token:")


def test_profile_rename_keeps_the_subscriber_id(browser: Browser, ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    browser.sign_in(member)
    page = browser.get("/profile").text
    assert f'<dd id="subscriber-id">{member}</dd>' in page
    response = browser.post("/profile/name", {"name": "Sally Smith-Jones"}, token_from="/profile")
    assert response.status_code == 200
    assert f"Your Subscriber ID stays {member}" in response.text
    found = directory.get_subscriber(ctx, member)
    assert found.id == member and found.name == "Sally Smith-Jones"
    empty = browser.post("/profile/name", {"name": " "}, token_from="/profile")
    assert field_error(empty, "name") == "Your name: is required"


def test_profile_password_change(browser: Browser, ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    browser.sign_in(member)
    data = {
        "current_password": "not it",
        "new_password": NEW_PASSWORD,
        "new_password_confirm": NEW_PASSWORD,
    }
    wrong = browser.post("/profile/password", data, token_from="/profile")
    assert field_error(wrong, "current_password").startswith("Current password: is not correct")
    data["current_password"] = PASSWORD
    assert (
        "Your password is changed"
        in browser.post("/profile/password", data, token_from="/profile").text
    )
    assert Browser(browser.app).sign_in(member, NEW_PASSWORD).status_code == 303


def test_profile_needs_a_session(browser: Browser) -> None:
    response = browser.get("/profile")
    assert response.status_code == 303 and response.location == "/login?next=%2Fprofile"
