from __future__ import annotations

import attrs
import pytest

from ohp_gateway.idp import audit, organizations, support, termination
from ohp_gateway.idp.context import Actor, Context
from ohp_gateway.idp.errors import Conflict, DuplicateTaxId, PermissionDenied, ValidationError
from ohp_gateway.idp.identity import StaticVerifier

from .conftest import add_member, make_org, registration

SUPPORT = Actor.support("pat")


def test_registration_creates_org_and_first_admin_with_a_warning(ctx: Context) -> None:
    done = organizations.register_organization(ctx, registration(), "10.0.0.1")
    assert done.identity_status == "verified"
    assert any("1 active administrator" in w or "0 active" in w for w in done.warnings)
    [mail] = ctx.outbox.messages()  # type: ignore[attr-defined]
    assert done.admin_subscriber_id in mail.body and done.activation_code not in mail.body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"signing_authority": False}, "signing_authority", id="no-attestation"),
        pytest.param({"agreement_version": None}, "agreement_version", id="agreement-not-accepted"),
        pytest.param({"agreement_version": "1999-01"}, "agreement_version", id="old-agreement"),
        pytest.param({"tax_ids": ["12-345"]}, "tax_ids[0]", id="bad-ein"),
        pytest.param({"name": " "}, "name", id="no-name"),
        pytest.param({"address": ""}, "address", id="no-address"),
    ],
)
def test_registration_cannot_complete_without_required_parts(
    ctx: Context, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        organizations.register_organization(ctx, registration(**overrides), "t")
    assert info.value.field == field


def test_contractor_cannot_be_the_administrator(ctx: Context) -> None:
    applicant = organizations.Applicant("Dana Reyes", "dana@x.example", "1", False, "1234")
    with pytest.raises(ValidationError, match="staff") as info:
        organizations.register_organization(ctx, registration(applicant=applicant), "t")
    assert info.value.field == "applicant.staff_attested"


def test_personal_ssn_is_accepted_with_acknowledgement_flagged_and_audited_masked(
    ctx: Context,
) -> None:
    form = registration(tax_ids=["123-45-6789"], acknowledge_personal_tax_id=True)
    done = organizations.register_organization(ctx, form, "t")
    [entry] = audit.entries(ctx.store, action="tax_id.personal_acknowledged")
    assert entry.detail == {"tax_id": "***-**-6789"}
    with ctx.store.read() as tx:
        assert tx.scalar("SELECT personal_acknowledged FROM tax_ids") == 1
        dump = " ".join(str(tuple(r)) for r in tx.all("SELECT * FROM audit_log"))
    assert "123-45-6789" not in dump and "123456789" not in dump
    assert done.organization_id == 1


def test_duplicate_tax_id_names_the_org_and_its_administrators(ctx: Context) -> None:
    make_org(ctx)
    with pytest.raises(DuplicateTaxId, match="Duplicate Found") as info:
        organizations.register_organization(
            ctx, registration("Other", ["91-1234567"], "kim.lee@other.example"), "t"
        )
    assert info.value.field == "tax_ids[0]"
    assert info.value.organization_name == "Evergreen Clinic"
    assert [a.email for a in info.value.administrators] == ["dana.reyes@evergreen.example"]


def _orphan_org(ctx: Context, with_member: bool) -> None:
    org = make_org(ctx)
    if with_member:
        add_member(ctx, org)
    with ctx.store.write() as tx:  # the administrator left without a successor
        tx.execute("UPDATE subscribers SET status = 'terminated' WHERE is_admin = 1")


def test_duplicate_without_admin_opens_promotion_request_for_active_subscribers(
    ctx: Context,
) -> None:
    _orphan_org(ctx, with_member=True)
    with pytest.raises(DuplicateTaxId) as info:
        organizations.register_organization(
            ctx, registration("Evergreen", ["91-1234567"], "kim.lee@evergreen.example"), "t"
        )
    assert info.value.promotion_request_id is not None
    [request] = support.promotion_requests(ctx)
    assert len(request.candidates) == 1 and request.contact["email"] == "kim.lee@evergreen.example"


def test_duplicate_without_anyone_opens_support_ticket_with_contact(ctx: Context) -> None:
    _orphan_org(ctx, with_member=False)
    with pytest.raises(DuplicateTaxId) as info:
        organizations.register_organization(
            ctx, registration("Evergreen", ["91-1234567"], "kim.lee@evergreen.example"), "t"
        )
    [ticket] = support.tickets(ctx)
    assert ticket.id == info.value.ticket_id and ticket.kind == "duplicate_tax_id"
    assert ticket.contact["work_phone"] == "206-555-0101"


def test_released_tax_id_can_be_registered_again(ctx: Context) -> None:
    _orphan_org(ctx, with_member=False)
    support.release_tax_id(ctx, SUPPORT, "91-1234567", "administrator left")
    again = registration("Evergreen", ["91-1234567"], "kim.lee@evergreen.example")
    assert organizations.register_organization(ctx, again, "t").organization_id == 2


def test_only_support_releases_a_tax_id(ctx: Context) -> None:
    org = make_org(ctx)
    with pytest.raises(PermissionDenied, match="not a support operator"):
        support.release_tax_id(ctx, org.admin, "91-1234567", "x")


def test_failed_online_verification_waits_for_notary(ctx: Context) -> None:
    strict = attrs.evolve(ctx, verifier=StaticVerifier(False))
    done = organizations.register_organization(strict, registration(), "t")
    assert done.identity_status == "awaiting_notary"
    with ctx.store.read() as tx:
        stored = tx.scalar("SELECT ssn_last4_hash FROM subscribers")
    assert stored.startswith("$argon2id$") and "1234" not in stored


def test_termination_of_the_last_admin_is_refused(ctx: Context) -> None:
    org = make_org(ctx)
    with pytest.raises(Conflict, match="last active administrator"):
        termination.terminate(ctx, SUPPORT, org.admin.id)
