from __future__ import annotations

import attrs
import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import admins, audit, entitlements, nomination, support, termination, totp
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.errors import CodeRejected, Conflict, PermissionDenied, ValidationError
from ohp_gateway.idp.identity import StaticVerifier
from ohp_gateway.idp.support import PromotionRequest

from .conftest import Org, add_member, enroll

SUPPORT = Actor.support("pat")


def test_admin_without_second_factor_cannot_act(ctx: Context, org: Org) -> None:
    unverified = attrs.evolve(org.admin, second_factor_at=None)
    with pytest.raises(PermissionDenied, match="second factor"):
        nomination.nominate(ctx, unverified, nomination.Nomination("A Bee", "abee@e.example"))


def test_totp_code_cannot_be_replayed(ctx: Context, org: Org, clock: FakeClock) -> None:
    with ctx.store.read() as tx:
        secret = tx.scalar("SELECT totp_secret FROM subscribers WHERE id = ?", (org.admin.id,))
    clock.advance(30)
    code = totp.now_code(secret, clock.now())
    admins.step_up(ctx, org.admin.id, code, "t")
    with pytest.raises(CodeRejected):
        admins.step_up(ctx, org.admin.id, code, "t")


def test_recovery_code_works_once(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    admins.promote(ctx, org.admin, sub_id)
    secret = admins.begin_totp(ctx, sub_id, "t").secret
    codes = admins.confirm_totp(ctx, sub_id, totp.now_code(secret, ctx.now()), "t")
    assert len(set(codes)) == 10
    assert admins.step_up(ctx, sub_id, codes[0], "t").kind == "admin"
    with pytest.raises(CodeRejected):
        admins.step_up(ctx, sub_id, codes[0], "t")


def _second_admin(ctx: Context, org: Org) -> Actor:
    sub_id = add_member(ctx, org)
    admins.promote(ctx, org.admin, sub_id)
    assert admins.verify_identity(ctx, sub_id, "4321", "t") == "verified"
    secret = enroll(ctx, sub_id)
    return admins.step_up(ctx, sub_id, totp.now_code(secret, ctx.now()), "t")


def test_warning_until_two_active_admins(ctx: Context, org: Org) -> None:
    assert admins.organization_warnings(ctx, org.id)
    _second_admin(ctx, org)
    assert admins.organization_warnings(ctx, org.id) == []


def test_last_admin_cannot_be_demoted_but_one_of_two_can(ctx: Context, org: Org) -> None:
    with pytest.raises(Conflict, match="last active administrator"):
        admins.demote(ctx, org.admin, org.admin.id)
    second = _second_admin(ctx, org)
    warnings = admins.demote(ctx, second, org.admin.id)
    assert warnings and "1 active" in warnings[0]
    with pytest.raises(Conflict, match="last active administrator"):
        termination.terminate(ctx, second, second.id)


def test_promoted_admin_failing_online_check_waits_for_support_notary(
    ctx: Context, org: Org
) -> None:
    sub_id = add_member(ctx, org)
    admins.promote(ctx, org.admin, sub_id)
    strict = attrs.evolve(ctx, verifier=StaticVerifier(False))
    assert admins.verify_identity(strict, sub_id, "4321", "t") == "awaiting_notary"
    secret = enroll(ctx, sub_id)
    actor = admins.step_up(ctx, sub_id, totp.now_code(secret, ctx.now()), "t")
    with pytest.raises(PermissionDenied, match="identity verification"):
        entitlements.add_roles(ctx, actor, sub_id, ["Claims"])
    with pytest.raises(PermissionDenied):
        admins.record_notary(ctx, org.admin, sub_id, "N-1")
    admins.record_notary(ctx, SUPPORT, sub_id, "N-1")
    assert entitlements.add_roles(ctx, actor, sub_id, ["Claims"]).roles == ("Billing", "Claims")


def _request(ctx: Context, sub_id: str, **changes: str) -> PromotionRequest:
    fields = {
        "organization_name": "evergreen clinic",
        "organization_address": "100 Pine St., Seattle",
        "subscriber_id": sub_id,
        "work_phone": "206-555-0199",
        "work_email": "kim.lee@evergreen.example",
    }
    fields.update(changes)
    return PromotionRequest(**fields)


def test_support_promotes_on_a_complete_matching_request(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    support.promote_on_request(ctx, SUPPORT, _request(ctx, sub_id))
    with ctx.store.read() as tx:
        assert tx.scalar("SELECT is_admin FROM subscribers WHERE id = ?", (sub_id,)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"work_phone": ""}, "work_phone", id="no-phone"),
        pytest.param({"work_email": "nope"}, "work_email", id="bad-email"),
        pytest.param({"organization_name": "Other"}, "organization_name", id="wrong-org"),
        pytest.param({"organization_address": "1 Elm"}, "organization_address", id="wrong-address"),
    ],
)
def test_support_promotion_request_must_be_complete_and_match(
    ctx: Context, org: Org, changes: dict[str, str], field: str
) -> None:
    sub_id = add_member(ctx, org)
    with pytest.raises(ValidationError) as info:
        support.promote_on_request(ctx, SUPPORT, _request(ctx, sub_id, **changes))
    assert info.value.field == field


def test_support_retrieves_admin_id_after_verification_questions(ctx: Context, org: Org) -> None:
    found = support.retrieve_admin_id(
        ctx, SUPPORT, "dana.reyes@evergreen.example", "206 555 0101", "1234"
    )
    assert found == org.admin.id
    with pytest.raises(ValidationError):
        support.retrieve_admin_id(ctx, SUPPORT, "dana.reyes@evergreen.example", "206", "9999")


def test_failed_second_factor_is_audited(ctx: Context, org: Org) -> None:
    with pytest.raises(CodeRejected):
        admins.step_up(ctx, org.admin.id, "000000", "10.9.8.7")
    [entry] = audit.entries(ctx.store, action="admin.step_up_failure")
    assert (entry.target, entry.source) == (org.admin.id, "10.9.8.7")
