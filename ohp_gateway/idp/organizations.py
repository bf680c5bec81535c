"""Organization registration and the "Duplicate Found" flow."""

from __future__ import annotations

import json

import attrs

from . import audit, tokens
from .context import Context
from .errors import AdminContact, DuplicateTaxId, ValidationError
from .identity import IdentityClaim, check_last4
from .mailboxes import check_professional_email, parse_email
from .nomination import NewSubscriber, insert_subscriber, send_welcome
from .records import active_admins, admin_warnings
from .store import Tx
from .taxids import TaxId, parse_tax_ids


@attrs.frozen
class Applicant:
    """The registrant, who becomes the first administrator."""

    name: str
    email: str
    work_phone: str
    staff_attested: bool
    ssn_last4: str = attrs.field(repr=False)


@attrs.frozen
class Registration:
    name: str
    address: str
    tax_ids: list[str]
    applicant: Applicant
    signing_authority: bool
    agreement_version: str | None
    acknowledge_personal_tax_id: bool = False
    declared_ssn: frozenset[int] = frozenset()


@attrs.frozen
class Registered:
    organization_id: int
    admin_subscriber_id: str
    activation_code: str = attrs.field(repr=False)
    identity_status: str
    warnings: tuple[str, ...]


def register_organization(ctx: Context, form: Registration, source: str) -> Registered:
    """Register an organization and its first administrator.

    Raises :class:`DuplicateTaxId` ("Duplicate Found") when a Tax ID is taken, after opening
    a promotion request or support ticket when the owner has no active administrator.
    """
    tax_ids, warnings = _validate(ctx, form)
    claim = _claim(form)
    verified = ctx.verifier.verify(claim)
    last4_hash = ctx.hasher.hash(claim.ssn_last4)
    code = tokens.activation_code()
    with ctx.store.write() as tx:  # the duplicate's request or ticket commits, then we raise
        result = _find_duplicate(ctx, tx, form, tax_ids, source) or _insert(
            ctx, tx, form, tax_ids, code, source, verified, last4_hash
        )
    if isinstance(result, DuplicateTaxId):
        raise result
    send_welcome(ctx, form.applicant.email, result.admin_subscriber_id)
    return attrs.evolve(result, warnings=(*warnings, *result.warnings))


def _validate(ctx: Context, form: Registration) -> tuple[list[TaxId], list[str]]:
    for field, value in (("name", form.name), ("address", form.address)):
        if not value.strip():
            raise ValidationError(field, "is required")
    if not form.signing_authority:
        raise ValidationError(
            "signing_authority", "registration needs someone with signing authority to attest it"
        )
    wanted = ctx.config.organization_agreement_version
    if form.agreement_version != wanted:
        raise ValidationError(
            "agreement_version", f"the Organization Agreement version {wanted} must be accepted"
        )
    tax_ids = parse_tax_ids(form.tax_ids, form.acknowledge_personal_tax_id, form.declared_ssn)
    applicant = form.applicant
    if not applicant.staff_attested:
        raise ValidationError(
            "applicant.staff_attested",
            "the administrator must be staff of the organization, not a contractor or "
            "third-party biller",
        )
    if not applicant.name.strip():
        raise ValidationError("applicant.name", "is required")
    if not applicant.work_phone.strip():
        raise ValidationError("applicant.work_phone", "is required")
    email = parse_email(applicant.email, "applicant.email")
    warnings = check_professional_email(email, applicant.name, "applicant.email")
    check_last4(applicant.ssn_last4, "applicant.ssn_last4")
    return tax_ids, warnings


def _claim(form: Registration) -> IdentityClaim:
    a = form.applicant
    return IdentityClaim(
        a.name.strip(),
        a.email.strip(),
        a.work_phone.strip(),
        form.name.strip(),
        a.ssn_last4.strip(),
    )


def _find_duplicate(
    ctx: Context, tx: Tx, form: Registration, tax_ids: list[TaxId], source: str
) -> DuplicateTaxId | None:
    for index, tax_id in enumerate(tax_ids):
        org_id = tx.scalar(
            "SELECT organization_id FROM tax_ids WHERE digits = ? AND released_at IS NULL",
            (tax_id.digits,),
        )
        if org_id is not None:
            return _duplicate(ctx, tx, form, int(org_id), f"tax_ids[{index}]", tax_id, source)
    return None


def _duplicate(
    ctx: Context, tx: Tx, form: Registration, org_id: int, field: str, tax_id: TaxId, source: str
) -> DuplicateTaxId:
    org_name = str(tx.scalar("SELECT name FROM organizations WHERE id = ?", (org_id,)))
    admins = active_admins(tx, org_id)
    a = form.applicant
    contact = json.dumps(
        {
            "name": a.name,
            "email": a.email,
            "work_phone": a.work_phone,
            "organization": form.name,
            "address": form.address,
        }
    )
    now, actor = ctx.now(), f"registrant:{a.email}"
    audit.record(
        tx, now, actor, "registration.duplicate", f"org:{org_id}", source, tax_id=tax_id.masked
    )
    if admins:
        return DuplicateTaxId(field, org_name, admins)
    rows = tx.all(
        "SELECT id FROM subscribers WHERE organization_id = ? AND status = 'active'", (org_id,)
    )
    candidates = [r["id"] for r in rows]
    if candidates:
        request_id = tx.execute(
            "INSERT INTO promotion_requests (organization_id, candidates, contact, created_at)"
            " VALUES (?, ?, ?, ?)",
            (org_id, json.dumps(candidates), contact, now),
        )
        audit.record(
            tx, now, actor, "promotion_request.open", f"org:{org_id}", source, request=request_id
        )
        return DuplicateTaxId(field, org_name, [], promotion_request_id=request_id)
    detail = f"{tax_id.masked} registered; no active administrator or subscriber"
    ticket_id = open_ticket(tx, now, "duplicate_tax_id", org_id, contact, detail)
    audit.record(tx, now, actor, "ticket.open", f"ticket:{ticket_id}", source)
    return DuplicateTaxId(field, org_name, [], ticket_id=ticket_id)


def open_ticket(
    tx: Tx, now: float, kind: str, org_id: int | None, contact: str, detail: str
) -> int:
    """Open a support ticket; returns its number."""
    return tx.execute(
        "INSERT INTO tickets (kind, organization_id, contact, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (kind, org_id, contact, detail, now),
    )


def _insert(
    ctx: Context,
    tx: Tx,
    form: Registration,
    tax_ids: list[TaxId],
    code: str,
    source: str,
    verified: bool,
    last4_hash: str,
) -> Registered:
    now, a = ctx.now(), form.applicant
    org_id = tx.execute(
        "INSERT INTO organizations (name, address, agreement_version,"
        " signing_authority_attested_by, created_at) VALUES (?, ?, ?, ?, ?)",
        (form.name.strip(), form.address.strip(), form.agreement_version, a.name.strip(), now),
    )
    actor = f"registrant:{a.email.strip()}"
    for tax_id in tax_ids:
        _insert_tax_id(tx, now, org_id, tax_id, actor, source)
    identity = "verified" if verified else "awaiting_notary"
    new = NewSubscriber(
        org_id,
        a.name,
        parse_email(a.email, "applicant.email"),
        a.work_phone,
        (),
        tuple(t.digits for t in tax_ids),
        is_admin=True,
    )
    sub_id = insert_subscriber(ctx, tx, new, code, actor, source)
    tx.execute(
        "UPDATE subscribers SET staff_attested = 1, identity_status = ?, ssn_last4_hash = ?"
        " WHERE id = ?",
        (identity, last4_hash, sub_id),
    )
    audit.record(
        tx,
        now,
        actor,
        "organization.register",
        f"org:{org_id}",
        source,
        agreement_version=form.agreement_version,
        identity=identity,
    )
    return Registered(org_id, sub_id, code, identity, tuple(admin_warnings(tx, org_id)))


def _insert_tax_id(tx: Tx, now: float, org_id: int, tax_id: TaxId, actor: str, source: str) -> None:
    personal = tax_id.kind == "ssn"
    tx.execute(
        "INSERT INTO tax_ids (organization_id, digits, kind, personal_acknowledged, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (org_id, tax_id.digits, tax_id.kind, int(personal), now),
    )
    action = "tax_id.personal_acknowledged" if personal else "tax_id.add"
    audit.record(tx, now, actor, action, f"org:{org_id}", source, tax_id=tax_id.masked)


def organization_contacts(ctx: Context, organization_id: int) -> list[AdminContact]:
    """The active administrators' names and contacts."""
    with ctx.store.read() as tx:
        return active_admins(tx, organization_id)
