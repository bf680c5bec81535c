"""The support desk: tickets, promotion requests, Tax ID release, administrator lookups."""

from __future__ import annotations

import hmac
import json
import re

import attrs

from . import audit
from .access import require_support
from .admins import apply_promotion
from .context import Actor, Context
from .errors import NotFound, ValidationError
from .mailboxes import parse_email
from .records import organization, subscriber_row
from .taxids import parse_tax_id


@attrs.frozen
class Ticket:
    id: int
    kind: str
    organization_id: int | None
    contact: dict[str, str]
    detail: str
    status: str
    created_at: float


@attrs.frozen
class PromotionRequest:
    """Support's promotion form (FAQ "What to do if your Administrator leaves")."""

    organization_name: str
    organization_address: str
    subscriber_id: str
    work_phone: str
    work_email: str


def tickets(ctx: Context, status: str = "open") -> list[Ticket]:
    with ctx.store.read() as tx:
        rows = tx.all("SELECT * FROM tickets WHERE status = ? ORDER BY id", (status,))
    return [
        Ticket(
            r["id"],
            r["kind"],
            r["organization_id"],
            json.loads(r["contact"]),
            r["detail"],
            r["status"],
            r["created_at"],
        )
        for r in rows
    ]


@attrs.frozen
class OpenPromotionRequest:
    """Opened by a duplicate registration when the organization has no active administrator."""

    id: int
    organization_id: int
    candidates: tuple[str, ...]
    contact: dict[str, str]
    created_at: float


def promotion_requests(ctx: Context) -> list[OpenPromotionRequest]:
    with ctx.store.read() as tx:
        rows = tx.all("SELECT * FROM promotion_requests WHERE status = 'open' ORDER BY id")
    return [
        OpenPromotionRequest(
            r["id"],
            r["organization_id"],
            tuple(json.loads(r["candidates"])),
            json.loads(r["contact"]),
            r["created_at"],
        )
        for r in rows
    ]


def close_ticket(ctx: Context, actor: Actor, ticket_id: int, note: str = "") -> None:
    require_support(actor)
    with ctx.store.write() as tx:
        tx.execute(
            "UPDATE tickets SET status = 'closed', closed_at = ? WHERE id = ?",
            (ctx.now(), ticket_id),
        )
        audit.record(
            tx,
            ctx.now(),
            actor.label,
            "ticket.close",
            f"ticket:{ticket_id}",
            actor.source,
            note=note[:200],
        )


def release_tax_id(ctx: Context, actor: Actor, tax_id: str, reason: str) -> None:
    """Free a Tax ID so its organization can re-register with a new administrator."""
    require_support(actor)
    parsed = parse_tax_id(tax_id, "tax_id")
    with ctx.store.write() as tx:
        row = tx.one(
            "SELECT id, organization_id FROM tax_ids WHERE digits = ? AND released_at IS NULL",
            (parsed.digits,),
        )
        if row is None:
            raise NotFound("tax_id", f"{parsed.masked} is not registered")
        tx.execute("DELETE FROM affiliations WHERE tax_id_id = ?", (row["id"],))
        tx.execute("UPDATE tax_ids SET released_at = ? WHERE id = ?", (ctx.now(), row["id"]))
        audit.record(
            tx,
            ctx.now(),
            actor.label,
            "tax_id.release",
            f"org:{row['organization_id']}",
            actor.source,
            tax_id=parsed.masked,
            reason=reason[:200],
        )


def promote_on_request(ctx: Context, actor: Actor, form: PromotionRequest) -> list[str]:
    """Support promotes a subscriber when a request names the organization, its address, the
    subscriber's ID, a work phone and a work e-mail, and they match the records."""
    require_support(actor)
    _check_request(form)
    with ctx.store.write() as tx:
        row = subscriber_row(tx, form.subscriber_id)
        org = organization(tx, int(row["organization_id"]))
        for field, given, stored in (
            ("organization_name", form.organization_name, org.name),
            ("organization_address", form.organization_address, org.address),
        ):
            if _squash(given) != _squash(stored):
                raise ValidationError(field, f"does not match the organization of {row['id']}")
        tx.execute(
            "UPDATE promotion_requests SET status = 'closed' WHERE organization_id = ?",
            (row["organization_id"],),
        )
        return apply_promotion(
            ctx, tx, row, actor, work_phone=form.work_phone, work_email=form.work_email
        )


def _check_request(form: PromotionRequest) -> None:
    for field in ("organization_name", "organization_address", "subscriber_id", "work_phone"):
        if not str(getattr(form, field)).strip():
            raise ValidationError(field, "is required on a promotion request")
    parse_email(form.work_email, "work_email")


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def retrieve_admin_id(
    ctx: Context, actor: Actor, email: str, work_phone: str, ssn_last4: str
) -> str:
    """Support answers "what is my User ID?" for an administrator after verification
    questions: their e-mail, work phone and the last four SSN digits (checked against the hash)."""
    require_support(actor)
    key = parse_email(email).key
    with ctx.store.read() as tx:
        row = tx.one(
            "SELECT * FROM subscribers WHERE email_key = ? AND is_admin = 1"
            " AND status != 'terminated'",
            (key,),
        )
    ok = (
        row is not None
        and row["ssn_last4_hash"] is not None
        and hmac.compare_digest(_squash(row["work_phone"]), _squash(work_phone))
        and ctx.hasher.verify(ssn_last4.strip(), row["ssn_last4_hash"])
    )
    with ctx.store.write() as tx:
        audit.record(
            tx,
            ctx.now(),
            actor.label,
            "admin.id_retrieval",
            key,
            actor.source,
            result="answered" if ok else "refused",
        )
    if not ok or row is None:
        raise ValidationError("verification", "the answers do not match an administrator")
    return str(row["id"])
