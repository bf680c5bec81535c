"""Read models and the loaders the services share."""

from __future__ import annotations

import attrs

from .errors import AdminContact, NotFound, ValidationError
from .store import Row, Tx
from .taxids import TaxId, from_row


@attrs.frozen
class Organization:
    id: int
    name: str
    address: str
    agreement_version: str
    tax_ids: tuple[TaxId, ...]


@attrs.frozen
class Subscriber:
    """A subscriber as stored. ``id`` never changes, whatever happens to the name."""

    id: str
    organization_id: int
    organization_name: str
    name: str
    email: str
    work_phone: str
    status: str
    is_admin: bool
    identity_status: str
    totp_confirmed: bool
    roles: tuple[str, ...]
    tax_ids: tuple[TaxId, ...]

    @property
    def can_administer(self) -> bool:
        """Active, identity-verified administrator with a confirmed second factor."""
        return (
            self.status == "active"
            and self.is_admin
            and self.identity_status == "verified"
            and self.totp_confirmed
        )


def organization(tx: Tx, organization_id: int) -> Organization:
    row = tx.one("SELECT * FROM organizations WHERE id = ?", (organization_id,))
    if row is None:
        raise NotFound("organization_id", f"no organization {organization_id}")
    return Organization(
        row["id"],
        row["name"],
        row["address"],
        row["agreement_version"],
        organization_tax_ids(tx, organization_id),
    )


def organization_tax_ids(tx: Tx, organization_id: int) -> tuple[TaxId, ...]:
    rows = tx.all(
        "SELECT digits, kind FROM tax_ids WHERE organization_id = ? AND released_at IS NULL"
        " ORDER BY id",
        (organization_id,),
    )
    return tuple(from_row(r["digits"], r["kind"]) for r in rows)


def subscriber(tx: Tx, subscriber_id: str, field: str = "subscriber_id") -> Subscriber:
    row = subscriber_row(tx, subscriber_id, field)
    roles = tx.all(
        "SELECT role FROM subscriber_roles WHERE subscriber_id = ? ORDER BY role", (row["id"],)
    )
    taxes = tx.all(
        "SELECT t.digits, t.kind FROM affiliations a JOIN tax_ids t ON t.id = a.tax_id_id"
        " WHERE a.subscriber_id = ? AND t.released_at IS NULL ORDER BY t.id",
        (row["id"],),
    )
    org_name = tx.scalar("SELECT name FROM organizations WHERE id = ?", (row["organization_id"],))
    return Subscriber(
        row["id"],
        row["organization_id"],
        str(org_name),
        row["name"],
        row["email"],
        row["work_phone"],
        row["status"],
        bool(row["is_admin"]),
        row["identity_status"],
        bool(row["totp_confirmed"]),
        tuple(r["role"] for r in roles),
        tuple(from_row(r["digits"], r["kind"]) for r in taxes),
    )


def subscriber_row(tx: Tx, subscriber_id: str, field: str = "subscriber_id") -> Row:
    row = tx.one("SELECT * FROM subscribers WHERE id = ?", (subscriber_id.strip().lower(),))
    if row is None:
        raise NotFound(field, f"no subscriber {subscriber_id!r}")
    return row


def active_admins(tx: Tx, organization_id: int) -> list[AdminContact]:
    rows = tx.all(
        "SELECT name, email, work_phone FROM subscribers WHERE organization_id = ?"
        " AND is_admin = 1 AND status = 'active' ORDER BY created_at",
        (organization_id,),
    )
    return [AdminContact(r["name"], r["email"], r["work_phone"]) for r in rows]


def count_admins(tx: Tx, organization_id: int) -> int:
    """Active administrators of the organization."""
    return int(
        tx.scalar(
            "SELECT count(*) FROM subscribers WHERE organization_id = ? AND is_admin = 1"
            " AND status = 'active'",
            (organization_id,),
        )
    )


def admin_warnings(tx: Tx, organization_id: int) -> list[str]:
    """FAQ: ensure "at least one other Administrator in place"."""
    count = count_admins(tx, organization_id)
    if count >= 2:
        return []
    name = tx.scalar("SELECT name FROM organizations WHERE id = ?", (organization_id,))
    people = "administrator" if count == 1 else "administrators"
    return [
        f"{name} has {count} active {people}; the community asks for at least two. Nominate "
        "a second one and promote them, in case the first is unavailable."
    ]


def own_tax_id(tx: Tx, organization_id: int, digits: str, field: str) -> int:
    """Row id of a live Tax ID of the organization; affiliations may only use these."""
    row_id = tx.scalar(
        "SELECT id FROM tax_ids WHERE organization_id = ? AND digits = ? AND released_at IS NULL",
        (organization_id, digits),
    )
    if row_id is None:
        raise ValidationError(field, "is not a registered Tax ID of the organization")
    return int(row_id)
