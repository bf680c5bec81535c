"""What subscribers change themselves: their name (the Subscriber ID stays) and password.

FAQ: "If I change my name, will my User ID change? Your User ID will stay the same."
"""

from __future__ import annotations

from . import audit, signin
from .context import Context
from .errors import SignInFailed, ValidationError
from .passwords import check_password
from .records import Subscriber, subscriber


def rename_self(ctx: Context, subscriber_id: str, name: str, source: str) -> Subscriber:
    """The signed-in subscriber changes their own name."""
    if not name.strip():
        raise ValidationError("name", "is required")
    if len(name.strip()) > 200:
        raise ValidationError("name", "must be at most 200 characters")
    with ctx.store.write() as tx:
        found = subscriber(tx, subscriber_id)
        tx.execute("UPDATE subscribers SET name = ? WHERE id = ?", (name.strip(), found.id))
        actor = f"subscriber:{found.id}"
        audit.record(tx, ctx.now(), actor, "subscriber.rename", found.id, source)
        return subscriber(tx, found.id)


def change_password(ctx: Context, subscriber_id: str, current: str, new: str, source: str) -> None:
    """Check the current password (a failure counts toward lockout, as at sign-in), then set
    the new one under the same policy as activation."""
    try:
        signed = signin.authenticate(ctx, subscriber_id, current, source)
    except SignInFailed as error:
        raise ValidationError(
            "current_password", "is not correct, or the account is temporarily locked"
        ) from error
    found = signed.subscriber
    check_password(new, ctx.config, (found.id, found.name, found.email), "new_password")
    password_hash = ctx.hasher.hash(new)
    with ctx.store.write() as tx:
        tx.execute(
            "UPDATE subscribers SET password_hash = ? WHERE id = ?", (password_hash, found.id)
        )
        audit.record(tx, ctx.now(), f"subscriber:{found.id}", "password.change", found.id, source)
