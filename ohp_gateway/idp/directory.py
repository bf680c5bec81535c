"""Looking subscribers up: User ID retrieval, profile changes, the claims sites receive."""

from __future__ import annotations

from . import audit
from .access import require_admin_of
from .context import Actor, Context
from .errors import PermissionDenied, ValidationError
from .records import Subscriber, subscriber, subscriber_row


def get_subscriber(ctx: Context, subscriber_id: str) -> Subscriber:
    with ctx.store.read() as tx:
        return subscriber(tx, subscriber_id)


def find_subscribers(ctx: Context, actor: Actor, query: str = "") -> list[Subscriber]:
    """User ID retrieval: an administrator searches their own organization by name or e-mail
    (FAQ: "He or she can retrieve your User ID for you")."""
    if actor.kind != "admin":
        raise PermissionDenied("actor", "only an administrator looks up their subscribers")
    pattern = f"%{query.strip().lower()}%"
    with ctx.store.write() as tx:
        org_id = int(subscriber_row(tx, actor.id, "actor")["organization_id"])
        require_admin_of(tx, actor, org_id, allow_support=False)
        rows = tx.all(
            "SELECT id FROM subscribers WHERE organization_id = ? AND"
            " (lower(name) LIKE ? OR email_key LIKE ?) ORDER BY name",
            (org_id, pattern, pattern),
        )
        audit.record(
            tx,
            ctx.now(),
            actor.label,
            "subscriber.lookup",
            f"org:{org_id}",
            actor.source,
            query=query.strip()[:64],
            found=len(rows),
        )
        return [subscriber(tx, r["id"]) for r in rows]


def rename(ctx: Context, actor: Actor, subscriber_id: str, name: str) -> Subscriber:
    """Change the name; the Subscriber ID stays the same (FAQ)."""
    if not name.strip():
        raise ValidationError("name", "is required")
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        require_admin_of(tx, actor, int(row["organization_id"]), allow_support=True)
        tx.execute("UPDATE subscribers SET name = ? WHERE id = ?", (name.strip(), row["id"]))
        audit.record(tx, ctx.now(), actor.label, "subscriber.rename", row["id"], actor.source)
        return subscriber(tx, row["id"])


def claims(ctx: Context, subscriber_id: str) -> dict[str, object]:
    """The identity a participating site receives (OpenID Connect claim names)."""
    found = get_subscriber(ctx, subscriber_id)
    return {
        "sub": found.id,
        "name": found.name,
        "email": found.email,
        "ohp_org_id": str(found.organization_id),
        "ohp_org_name": found.organization_name,
        "ohp_tax_ids": [t.formatted for t in found.tax_ids],
        "ohp_roles": list(found.roles),
    }
