"""Sign-in with Subscriber ID and password: generic failures, lockout, audit, rehash."""

from __future__ import annotations

from typing import NoReturn

import attrs

from . import audit
from .access import require_admin_of
from .context import Actor, Context
from .errors import SignInFailed
from .records import Subscriber, subscriber, subscriber_row
from .store import Row


@attrs.frozen
class SignedIn:
    """A successful first factor. Administrators still owe a TOTP code
    (:func:`ohp_gateway.idp.admins.step_up`) before they may act as administrators."""

    subscriber: Subscriber
    auth_time: float
    second_factor_required: bool


def authenticate(ctx: Context, subscriber_id: str, password: str, source: str) -> SignedIn:
    """Check the password. Every attempt is audited; failures raise :class:`SignInFailed`
    with the same message whatever the cause. ``lockout_threshold`` consecutive failures lock
    the account for ``lockout_seconds`` (FAQ: "still unable to log in after 10 minutes")."""
    typed = subscriber_id.strip().lower()[:64]
    with ctx.store.read() as tx:
        row = tx.one("SELECT * FROM subscribers WHERE id = ?", (typed,))
    if row is None or row["status"] != "active" or not row["password_hash"]:
        ctx.hasher.burn(password)
        _fail(ctx, typed, source, "unknown" if row is None else str(row["status"]))
    if row["locked_until"] > ctx.now():
        ctx.hasher.burn(password)
        _fail(ctx, typed, source, "locked")
    if not ctx.hasher.verify(password, row["password_hash"]):
        _count_failure(ctx, row, source)
    return _succeed(ctx, row, password, source)


def _fail(ctx: Context, target: str, source: str, reason: str) -> NoReturn:
    with ctx.store.write() as tx:
        audit.record(
            tx, ctx.now(), f"subscriber:{target}", "signin.failure", target, source, reason=reason
        )
    raise SignInFailed()


def _count_failure(ctx: Context, row: Row, source: str) -> NoReturn:
    sub_id, now, cfg = str(row["id"]), ctx.now(), ctx.config
    with ctx.store.write() as tx:
        failures = int(
            tx.scalar(
                "UPDATE subscribers SET failed_attempts = failed_attempts + 1 WHERE id = ?"
                " RETURNING failed_attempts",
                (sub_id,),
            )
        )
        audit.record(
            tx,
            now,
            f"subscriber:{sub_id}",
            "signin.failure",
            sub_id,
            source,
            reason="password",
            consecutive=failures,
        )
        if failures >= cfg.lockout_threshold:
            tx.execute(
                "UPDATE subscribers SET failed_attempts = 0, locked_until = ? WHERE id = ?",
                (now + cfg.lockout_seconds, sub_id),
            )
            audit.record(
                tx,
                now,
                "system:idp",
                "signin.lockout",
                sub_id,
                source,
                until=now + cfg.lockout_seconds,
            )
    raise SignInFailed()


def _succeed(ctx: Context, row: Row, password: str, source: str) -> SignedIn:
    sub_id, now = str(row["id"]), ctx.now()
    new_hash = ctx.hasher.hash(password) if ctx.hasher.needs_rehash(row["password_hash"]) else None
    with ctx.store.write() as tx:
        tx.execute(
            "UPDATE subscribers SET failed_attempts = 0, locked_until = 0,"
            " password_hash = coalesce(?, password_hash) WHERE id = ?",
            (new_hash, sub_id),
        )
        audit.record(
            tx,
            now,
            f"subscriber:{sub_id}",
            "signin.success",
            sub_id,
            source,
            rehashed=new_hash is not None,
        )
        found = subscriber(tx, sub_id)
    return SignedIn(found, now, found.is_admin)


def unlock(ctx: Context, actor: Actor, subscriber_id: str) -> None:
    """An administrator (or support) lifts a lockout before it expires."""
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        require_admin_of(tx, actor, int(row["organization_id"]), allow_support=True)
        tx.execute(
            "UPDATE subscribers SET failed_attempts = 0, locked_until = 0 WHERE id = ?",
            (row["id"],),
        )
        audit.record(tx, ctx.now(), actor.label, "subscriber.unlock", row["id"], actor.source)
