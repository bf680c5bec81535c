from __future__ import annotations

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import directory, nomination
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.errors import CodeRejected, Conflict, PermissionDenied, ValidationError
from ohp_gateway.idp.nomination import Nomination

from .conftest import PASSWORD, Org, add_member, make_org


def test_nomination_returns_code_once_and_mails_id_with_instructions(
    ctx: Context, org: Org
) -> None:
    form = Nomination("Sally Smith", "sally.smith@evergreen.example", ["billing"], org.tax_ids)
    done = nomination.nominate(ctx, org.admin, form)
    mail = ctx.outbox.messages()[-1]  # type: ignore[attr-defined]
    assert mail.to == "sally.smith@evergreen.example"
    assert done.subscriber_id in mail.body and "activation" in mail.body
    assert done.activation_code not in mail.body
    with ctx.store.read() as tx:
        stored = tx.scalar(
            "SELECT code_hash FROM one_time_codes WHERE subscriber_id = ?", (done.subscriber_id,)
        )
    assert done.activation_code not in stored and len(stored) == 64
    sub = directory.get_subscriber(ctx, done.subscriber_id)
    assert sub.roles == ("Billing",) and [t.formatted for t in sub.tax_ids] == org.tax_ids


@pytest.mark.parametrize(
    ("form", "field", "reason"),
    [
        pytest.param(
            Nomination("Sally", "info@evergreen.example"), "email", "generic", id="generic-mailbox"
        ),
        pytest.param(
            Nomination("Sally", "sally@x.example", ["Surgeon"]),
            "roles[0]",
            "not a role",
            id="unknown-role",
        ),
        pytest.param(
            Nomination("Sally", "sally@x.example", [], ["94-2223333"]),
            "tax_ids[0]",
            "not a registered Tax ID",
            id="foreign-tax-id",
        ),
        pytest.param(Nomination("", "sally@x.example"), "name", "required", id="no-name"),
    ],
)
def test_nomination_refuses(
    ctx: Context, org: Org, form: Nomination, field: str, reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        nomination.nominate(ctx, org.admin, form)
    assert info.value.field == field


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("sally.smith@evergreen.example", id="same"),
        pytest.param("Sally.Smith+x@EVERGREEN.example", id="case-and-tag"),
    ],
)
def test_email_is_unique_across_the_community(ctx: Context, org: Org, email: str) -> None:
    add_member(ctx, org)
    other = make_org(ctx, name="Other", tax_ids=["94-2223333"], email="kim.lee@other.example")
    with pytest.raises(Conflict, match="already used") as info:
        nomination.nominate(ctx, other.admin, Nomination("Sally Smith", email))
    assert info.value.field == "email"


def test_name_mismatch_is_only_a_warning(ctx: Context, org: Org) -> None:
    done = nomination.nominate(ctx, org.admin, Nomination("Sally Smith", "bluebird@e.example"))
    assert "shows no part of the name" in done.warnings[0]


def test_plain_subscriber_cannot_nominate(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    with pytest.raises(PermissionDenied):
        nomination.nominate(ctx, Actor.subscriber(sub_id, "t"), Nomination("A B", "ab@e.example"))


def _nominated(ctx: Context, org: Org) -> nomination.Nominated:
    return nomination.nominate(ctx, org.admin, Nomination("Sally Smith", "sally@e.example"))


def test_activation_sets_password_and_records_agreement(ctx: Context, org: Org) -> None:
    done = _nominated(ctx, org)
    sub = nomination.activate(
        ctx, done.subscriber_id, done.activation_code.lower(), PASSWORD, True, "t"
    )
    assert sub.status == "active"


def test_activation_requires_subscriber_agreement(ctx: Context, org: Org) -> None:
    done = _nominated(ctx, org)
    with pytest.raises(ValidationError) as info:
        nomination.activate(ctx, done.subscriber_id, done.activation_code, PASSWORD, False, "t")
    assert info.value.field == "accept_agreement"


def test_activation_code_is_single_use(ctx: Context, org: Org) -> None:
    done = _nominated(ctx, org)
    nomination.activate(ctx, done.subscriber_id, done.activation_code, PASSWORD, True, "t")
    with pytest.raises(CodeRejected):
        nomination.activate(ctx, done.subscriber_id, done.activation_code, PASSWORD, True, "t")


def test_activation_code_expires_after_72_hours(ctx: Context, org: Org, clock: FakeClock) -> None:
    done = _nominated(ctx, org)
    clock.advance(72 * 3600 + 1)
    with pytest.raises(CodeRejected, match="expired"):
        nomination.activate(ctx, done.subscriber_id, done.activation_code, PASSWORD, True, "t")


def test_activation_attempts_are_limited(ctx: Context, org: Org) -> None:
    done = _nominated(ctx, org)
    for _ in range(5):
        with pytest.raises(CodeRejected, match="not correct"):
            nomination.activate(ctx, done.subscriber_id, "AAAA-AAAA-AAAA", PASSWORD, True, "t")
    with pytest.raises(CodeRejected, match="too many"):
        nomination.activate(ctx, done.subscriber_id, done.activation_code, PASSWORD, True, "t")
    fresh = nomination.reissue_activation(ctx, org.admin, done.subscriber_id)
    nomination.activate(ctx, done.subscriber_id, fresh, PASSWORD, True, "t")


def test_weak_password_keeps_the_code_usable(ctx: Context, org: Org) -> None:
    done = _nominated(ctx, org)
    with pytest.raises(ValidationError) as info:
        nomination.activate(ctx, done.subscriber_id, done.activation_code, "short", True, "t")
    assert info.value.field == "password"
    nomination.activate(ctx, done.subscriber_id, done.activation_code, PASSWORD, True, "t")


def test_subscriber_id_survives_a_name_change(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    renamed = directory.rename(ctx, org.admin, sub_id, "Sally Jones")
    assert (renamed.id, renamed.name) == (sub_id, "Sally Jones")


def test_admin_retrieves_user_ids_of_own_organization_only(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    assert [s.id for s in directory.find_subscribers(ctx, org.admin, "sally")] == [sub_id]
    other = make_org(ctx, name="Other", tax_ids=["94-2223333"], email="kim.lee@other.example")
    assert directory.find_subscribers(ctx, other.admin, "sally") == []


def test_claims_carry_org_tax_ids_and_roles(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org, roles=("Billing", "Claims"))
    claims = directory.claims(ctx, sub_id)
    assert claims["ohp_tax_ids"] == ["91-1234567"] and claims["ohp_roles"] == ["Billing", "Claims"]
    assert claims["ohp_org_name"] == "Evergreen Clinic"
