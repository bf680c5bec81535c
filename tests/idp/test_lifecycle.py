from __future__ import annotations

import re

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import entitlements, resets, signin, sites, termination
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.errors import (
    CodeRejected,
    Conflict,
    PermissionDenied,
    SignInFailed,
    ValidationError,
)

from .conftest import PASSWORD, Org, add_member, make_org

NEW_PASSWORD = "amber lantern over the harbor"


def _token(ctx: Context) -> str:
    body = ctx.outbox.messages()[-1].body  # type: ignore[attr-defined]
    match = re.search(r"usable once\): (\S+)", body)
    assert match is not None
    return match.group(1)


def test_self_service_reset_is_single_use(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    resets.request_reset(ctx, "sally.smith@evergreen.example", "t")
    token = _token(ctx)
    assert resets.complete_reset(ctx, token, NEW_PASSWORD, "t") == sub_id
    signin.authenticate(ctx, sub_id, NEW_PASSWORD, "t")
    with pytest.raises(CodeRejected):
        resets.complete_reset(ctx, token, NEW_PASSWORD + " again", "t")


def test_reset_token_expires_after_30_minutes(ctx: Context, org: Org, clock: FakeClock) -> None:
    sub_id = add_member(ctx, org)
    resets.request_reset(ctx, sub_id, "t")
    clock.advance(30 * 60 + 1)
    with pytest.raises(CodeRejected):
        resets.complete_reset(ctx, _token(ctx), NEW_PASSWORD, "t")


def test_reset_for_unknown_account_is_silent(ctx: Context, org: Org) -> None:
    before = len(ctx.outbox.messages())  # type: ignore[attr-defined]
    resets.request_reset(ctx, "nobody@evergreen.example", "t")
    assert len(ctx.outbox.messages()) == before  # type: ignore[attr-defined]


def test_reset_password_must_meet_policy(ctx: Context, org: Org) -> None:
    add_member(ctx, org)
    resets.request_reset(ctx, "sally.smith@evergreen.example", "t")
    with pytest.raises(ValidationError) as info:
        resets.complete_reset(ctx, _token(ctx), "Sally Smith rocks!!", "t")
    assert info.value.field == "new_password"


def test_admin_assisted_reset_mails_subscriber_and_unlocks(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    for _ in range(5):
        with pytest.raises(SignInFailed):
            signin.authenticate(ctx, sub_id, "wrong wrong wrong", "t")
    resets.reset_by_admin(ctx, org.admin, sub_id)
    resets.complete_reset(ctx, _token(ctx), NEW_PASSWORD, "t")
    signin.authenticate(ctx, sub_id, NEW_PASSWORD, "t")


def test_lone_admin_reset_goes_to_support(ctx: Context, org: Org) -> None:
    with pytest.raises(PermissionDenied, match="support"):
        resets.reset_by_admin(ctx, org.admin, org.admin.id)
    resets.reset_by_admin(ctx, Actor.support("pat"), org.admin.id)


def test_roles_and_affiliations_change_only_through_admins(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    with pytest.raises(PermissionDenied):
        entitlements.add_roles(ctx, Actor.subscriber(sub_id, "t"), sub_id, ["Claims"])
    assert entitlements.add_roles(ctx, org.admin, sub_id, ["claims"]).roles == ("Billing", "Claims")
    assert entitlements.remove_roles(ctx, org.admin, sub_id, ["Billing"]).roles == ("Claims",)
    assert entitlements.set_roles(ctx, org.admin, sub_id, ["Eligibility"]).roles == ("Eligibility",)
    assert entitlements.unaffiliate(ctx, org.admin, sub_id, ["91-1234567"]).tax_ids == ()
    assert len(entitlements.affiliate(ctx, org.admin, sub_id, ["91-1234567"]).tax_ids) == 1


def test_admin_cannot_touch_another_organizations_subscriber(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    other = make_org(ctx, name="Other", tax_ids=["94-2223333"], email="kim.lee@other.example")
    with pytest.raises(PermissionDenied, match="another organization"):
        entitlements.add_roles(ctx, other.admin, sub_id, ["Claims"])
    with pytest.raises(ValidationError, match="not a registered Tax ID"):
        entitlements.affiliate(ctx, org.admin, sub_id, ["94-2223333"])


def test_termination_ends_sign_in_and_queues_a_logout_event(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    termination.terminate(ctx, org.admin, sub_id, "left the organization")
    with pytest.raises(SignInFailed):
        signin.authenticate(ctx, sub_id, PASSWORD, "t")
    [event] = termination.pending_logout_events(ctx)
    assert (event.subscriber_id, event.reason) == (sub_id, "left the organization")
    termination.mark_delivered(ctx, event.id)
    assert termination.pending_logout_events(ctx) == []
    with pytest.raises(Conflict):
        termination.terminate(ctx, org.admin, sub_id)


def test_terminated_subscribers_email_may_be_nominated_again(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    termination.terminate(ctx, org.admin, sub_id)
    assert add_member(ctx, org) != sub_id


def _site_form(**changes: object) -> sites.SiteForm:
    fields: dict[str, object] = {
        "name": "Plan portal",
        "url": "https://plan.example",
        "helpdesk_phone": "1-800-555-0100",
        "helpdesk_email": "help@plan.example",
        "roles": ["Claims"],
        "client_id": "plan",
        "redirect_uris": ["https://plan.example/.ohp/callback"],
        "backchannel_logout_uri": "https://plan.example/.ohp/backchannel-logout",
    }
    fields.update(changes)
    return sites.SiteForm(**fields)  # type: ignore[arg-type]


def test_site_registry_keeps_helpdesk_roles_and_hashed_client_secret(ctx: Context) -> None:
    added = sites.add_site(ctx, Actor.support("pat"), _site_form())
    [listed] = sites.list_sites(ctx)
    assert listed.roles == ("Claims",) and listed.helpdesk_phone == "1-800-555-0100"
    assert added.client_secret is not None
    assert sites.check_client_secret(ctx, "plan", added.client_secret) == listed
    assert sites.check_client_secret(ctx, "plan", "wrong") is None
    with ctx.store.read() as tx:
        assert added.client_secret not in str(tuple(tx.one("SELECT * FROM sites") or ()))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"url": "ftp://x"}, "url", id="url"),
        pytest.param({"helpdesk_email": "nope"}, "helpdesk_email", id="email"),
        pytest.param({"roles": ["Wizard"]}, "roles[0]", id="role"),
    ],
)
def test_site_fields_are_checked(ctx: Context, changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        sites.add_site(ctx, Actor.support("pat"), _site_form(**changes))
    assert info.value.field == field


def test_duplicate_site_is_refused(ctx: Context) -> None:
    sites.add_site(ctx, Actor.support("pat"), _site_form())
    with pytest.raises(Conflict):
        sites.add_site(ctx, Actor.support("pat"), _site_form())
