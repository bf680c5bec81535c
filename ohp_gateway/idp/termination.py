"""Termination: an administrator ends a subscriber's access everywhere.

The change and a ``logout_events`` row commit together (a transactional outbox); the OpenID
Connect layer delivers each event as back-channel logouts to every site, then marks it.
"""

from __future__ import annotations

import attrs

from . import audit, codes
from .access import require_admin_of
from .admins import refuse_last_admin
from .context import Actor, Context
from .errors import Conflict
from .records import admin_warnings, subscriber_row


@attrs.frozen
class LogoutEvent:
    id: int
    subscriber_id: str
    reason: str
    created_at: float


def terminate(
    ctx: Context, actor: Actor, subscriber_id: str, reason: str = "terminated"
) -> list[str]:
    """End access: status ``terminated``, codes voided, logout event queued. The last active
    administrator cannot be terminated. Returns the organization's warnings."""
    now = ctx.now()
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        org_id = int(row["organization_id"])
        require_admin_of(tx, actor, org_id, allow_support=True)
        if row["status"] == "terminated":
            raise Conflict("subscriber_id", f"{row['id']} is already terminated")
        refuse_last_admin(tx, row, "removed")
        tx.execute(
            "UPDATE subscribers SET status = 'terminated', terminated_at = ? WHERE id = ?",
            (now, row["id"]),
        )
        codes.void_all(tx, now, row["id"])
        tx.execute(
            "INSERT INTO logout_events (subscriber_id, reason, created_at) VALUES (?, ?, ?)",
            (row["id"], reason, now),
        )
        audit.record(
            tx, now, actor.label, "subscriber.terminate", row["id"], actor.source, reason=reason
        )
        return admin_warnings(tx, org_id)


def pending_logout_events(ctx: Context, limit: int = 100) -> list[LogoutEvent]:
    """Events not yet delivered, oldest first."""
    with ctx.store.read() as tx:
        rows = tx.all(
            "SELECT * FROM logout_events WHERE delivered_at IS NULL ORDER BY id LIMIT ?", (limit,)
        )
    return [LogoutEvent(r["id"], r["subscriber_id"], r["reason"], r["created_at"]) for r in rows]


def mark_delivered(ctx: Context, event_id: int) -> None:
    with ctx.store.write() as tx:
        tx.execute("UPDATE logout_events SET delivered_at = ? WHERE id = ?", (ctx.now(), event_id))
