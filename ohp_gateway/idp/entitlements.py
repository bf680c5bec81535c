"""Roles and affiliations: changed only by the organization's administrators (or support).

FAQ: "Only an Administrator can add roles and affiliations" ("Add Subscriber Roles",
"Remove Subscriber Roles", "Affiliate Subscriber").
"""

from __future__ import annotations

from collections.abc import Sequence

from . import audit
from .access import require_admin_of
from .context import Actor, Context
from .errors import ValidationError
from .records import Subscriber, own_tax_id, subscriber, subscriber_row
from .store import Row, Tx
from .taxids import parse_tax_id
from .vocabulary import check_roles

_INSERT_ROLE = "INSERT OR IGNORE INTO subscriber_roles (subscriber_id, role) VALUES (?, ?)"
_DELETE_ROLE = "DELETE FROM subscriber_roles WHERE subscriber_id = ? AND role = ?"


def add_roles(ctx: Context, actor: Actor, subscriber_id: str, roles: Sequence[str]) -> Subscriber:
    return _change_roles(ctx, actor, subscriber_id, roles, "add")


def remove_roles(
    ctx: Context, actor: Actor, subscriber_id: str, roles: Sequence[str]
) -> Subscriber:
    return _change_roles(ctx, actor, subscriber_id, roles, "remove")


def set_roles(ctx: Context, actor: Actor, subscriber_id: str, roles: Sequence[str]) -> Subscriber:
    """Replace the roles with exactly ``roles``."""
    return _change_roles(ctx, actor, subscriber_id, roles, "set")


def _change_roles(
    ctx: Context, actor: Actor, subscriber_id: str, roles: Sequence[str], how: str
) -> Subscriber:
    chosen = check_roles(ctx.config, roles)
    with ctx.store.write() as tx:
        row = _target(tx, actor, subscriber_id)
        if how == "set":
            tx.execute("DELETE FROM subscriber_roles WHERE subscriber_id = ?", (row["id"],))
        sql = _DELETE_ROLE if how == "remove" else _INSERT_ROLE
        tx.execute_many(sql, [(row["id"], role) for role in chosen])
        audit.record(
            tx, ctx.now(), actor.label, f"roles.{how}", row["id"], actor.source, roles=list(chosen)
        )
        return subscriber(tx, row["id"])


def affiliate(ctx: Context, actor: Actor, subscriber_id: str, tax_ids: Sequence[str]) -> Subscriber:
    """Affiliate with some of the organization's own Tax IDs."""
    return _affiliation(ctx, actor, subscriber_id, tax_ids, add=True)


def unaffiliate(
    ctx: Context, actor: Actor, subscriber_id: str, tax_ids: Sequence[str]
) -> Subscriber:
    return _affiliation(ctx, actor, subscriber_id, tax_ids, add=False)


def _affiliation(
    ctx: Context, actor: Actor, subscriber_id: str, tax_ids: Sequence[str], add: bool
) -> Subscriber:
    parsed = [parse_tax_id(v, f"tax_ids[{i}]") for i, v in enumerate(tax_ids)]
    sql = (
        "INSERT OR IGNORE INTO affiliations (subscriber_id, tax_id_id) VALUES (?, ?)"
        if add
        else "DELETE FROM affiliations WHERE subscriber_id = ? AND tax_id_id = ?"
    )
    with ctx.store.write() as tx:
        row = _target(tx, actor, subscriber_id)
        for index, tax_id in enumerate(parsed):
            tx.execute(
                sql,
                (
                    row["id"],
                    own_tax_id(tx, row["organization_id"], tax_id.digits, f"tax_ids[{index}]"),
                ),
            )
        audit.record(
            tx,
            ctx.now(),
            actor.label,
            "affiliation.add" if add else "affiliation.remove",
            row["id"],
            actor.source,
            tax_ids=[t.masked for t in parsed],
        )
        return subscriber(tx, row["id"])


def _target(tx: Tx, actor: Actor, subscriber_id: str) -> Row:
    row = subscriber_row(tx, subscriber_id)
    require_admin_of(tx, actor, int(row["organization_id"]), allow_support=True)
    if row["status"] == "terminated":
        raise ValidationError("subscriber_id", f"{row['id']} is terminated")
    return row
