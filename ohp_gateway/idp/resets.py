"""Password reset: self-service by e-mail, or by the organization's administrator.

FAQ: "use the password reset function or contact your Administrator. If you are an
Administrator and there are no other Administrators ... contact OneHealthPort Support."
"""

from __future__ import annotations

from urllib.parse import urlencode

from . import audit, codes, tokens
from .access import require_admin_of
from .context import Actor, Context
from .errors import PermissionDenied
from .mail import Message
from .mailboxes import parse_email
from .passwords import check_password
from .records import count_admins, subscriber_row
from .store import Row, Tx


def request_reset(ctx: Context, subscriber_id_or_email: str, source: str) -> None:
    """Mail a single-use reset link if the account exists. Says nothing either way, so it
    cannot be used to discover accounts."""
    with ctx.store.read() as tx:
        row = _find(tx, subscriber_id_or_email)
    if row is None or row["status"] != "active":
        with ctx.store.write() as tx:
            audit.record(
                tx,
                ctx.now(),
                "anonymous",
                "reset.request_unknown",
                subscriber_id_or_email.strip()[:64],
                source,
            )
        return
    _issue(ctx, row, "self-service", f"subscriber:{row['id']}", source)


def _find(tx: Tx, value: str) -> Row | None:
    text = value.strip()
    if "@" in text:
        key = parse_email(text).key
        return tx.one(
            "SELECT * FROM subscribers WHERE email_key = ? AND status != 'terminated'", (key,)
        )
    return tx.one("SELECT * FROM subscribers WHERE id = ?", (text.lower(),))


def _issue(ctx: Context, row: Row, how: str, actor: str, source: str) -> None:
    token = tokens.reset_token()
    with ctx.store.write() as tx:
        codes.issue(tx, ctx.now(), row["id"], "reset", token, ctx.config.reset_ttl)
        audit.record(tx, ctx.now(), actor, "reset.issue", row["id"], source, how=how)
    minutes = ctx.config.reset_ttl / 60
    link = _reset_link(ctx.config.public_url, token)
    body = (
        f"A password reset was requested for Subscriber ID {row['id']}.\n\n"
        f"Your reset token (valid {minutes:.0f} minutes, usable once): {token}\n\n"
        + (f"Or open this link to choose a new password: {link}\n\n" if link else "")
        + "If you did not ask for this, ignore this message and tell your Administrator.\n"
    )
    ctx.outbox.send(Message(row["email"], "Password reset", body))


def _reset_link(public_url: str | None, token: str) -> str:
    """``{public_url}/reset?token=...``, or ``""`` when no public URL is configured."""
    if not public_url:
        return ""
    return f"{public_url.rstrip('/')}/reset?{urlencode({'token': token})}"


def reset_by_admin(ctx: Context, actor: Actor, subscriber_id: str) -> None:
    """An administrator sends a reset link to a subscriber of their organization and lifts any
    lockout. Administrators cannot reset themselves: another administrator or support must."""
    with ctx.store.read() as tx:
        row = subscriber_row(tx, subscriber_id)
        lone = count_admins(tx, row["organization_id"]) <= 1
    if actor.kind == "admin" and actor.id == row["id"]:
        why = "support" if lone else "another administrator"
        raise PermissionDenied("subscriber_id", f"an administrator's own reset goes to {why}")
    with ctx.store.write() as tx:
        require_admin_of(tx, actor, int(row["organization_id"]), allow_support=True)
        tx.execute(
            "UPDATE subscribers SET failed_attempts = 0, locked_until = 0 WHERE id = ?",
            (row["id"],),
        )
    _issue(ctx, row, "assisted", actor.label, actor.source)


def complete_reset(ctx: Context, token: str, new_password: str, source: str) -> str:
    """Set a new password with a live reset token; returns the Subscriber ID."""
    with ctx.store.read() as tx:
        row = tx.one(
            "SELECT s.id, s.name, s.email FROM one_time_codes c JOIN subscribers s"
            " ON s.id = c.subscriber_id WHERE c.code_hash = ? AND c.purpose = 'reset'",
            (tokens.digest(token),),
        )
    context = (row["id"], row["name"], row["email"]) if row is not None else ()
    check_password(new_password, ctx.config, context, "new_password")
    password_hash = ctx.hasher.hash(new_password)
    with ctx.store.write() as tx:
        sub_id = codes.consume(tx, ctx.now(), token, "reset")
        tx.execute(
            "UPDATE subscribers SET password_hash = ?, failed_attempts = 0, locked_until = 0"
            " WHERE id = ? AND status = 'active'",
            (password_hash, sub_id),
        )
        audit.record(tx, ctx.now(), f"subscriber:{sub_id}", "reset.complete", sub_id, source)
    return sub_id
