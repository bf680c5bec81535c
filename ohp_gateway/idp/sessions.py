"""Sign-in sessions at the identity provider (the community's single sign-on).

The browser holds an opaque random token in a ``__Host-`` cookie; the store keeps only its
digest, the subscriber, ``auth_time``, ``last_seen`` and when a second factor was given. The
session id (``sid``) is what ID tokens carry and back-channel logout names; each site a session
visited is recorded so that signing out (or termination) reaches every one of them.

Lifetimes follow the gateway's own rules (NIST SP 800-63B; OWASP): idle 15 minutes for
administrators (higher risk), 30 minutes for other subscribers, 8 hours absolute.
"""

from __future__ import annotations

import hashlib
import secrets

import attrs

from . import audit
from .context import Context
from .store import Row, Tx

__all__ = [
    "IdpSession",
    "end",
    "end_all_for",
    "mark_second_factor",
    "record_visit",
    "resume",
    "start",
    "visits",
]

IDLE_ADMIN = 15 * 60.0
IDLE_SUBSCRIBER = 30 * 60.0
ABSOLUTE = 8 * 3600.0
TOUCH_EVERY = 60.0  # write last_seen at most once a minute per session


@attrs.frozen
class IdpSession:
    sid: str
    subscriber_id: str
    auth_time: float
    last_seen: float
    second_factor_at: float | None
    is_admin: bool

    @property
    def idle_timeout(self) -> float:
        return IDLE_ADMIN if self.is_admin else IDLE_SUBSCRIBER

    @property
    def expires_at(self) -> float:
        return min(self.last_seen + self.idle_timeout, self.auth_time + ABSOLUTE)


def start(
    ctx: Context, subscriber_id: str, source: str, *, second_factor: bool = False
) -> tuple[IdpSession, str]:
    """A new session for a subscriber who just signed in; returns it and the browser token."""
    now = ctx.now()
    sid = secrets.token_urlsafe(16)
    token = secrets.token_urlsafe(32)
    with ctx.store.write() as tx:
        tx.execute(
            "INSERT INTO idp_sessions (sid, token_hash, subscriber_id, auth_time, last_seen,"
            " second_factor_at, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (sid, _digest(token), subscriber_id, now, now, now if second_factor else None, source),
        )
        audit.record(tx, now, f"subscriber:{subscriber_id}", "session.start", subscriber_id, source)
        session = _load(tx, "sid", sid)
    assert session is not None
    return session, token


def resume(ctx: Context, token: str | None) -> IdpSession | None:
    """The live session of a browser token, or None (unknown, ended, idle or too old).

    An expired session is ended on the way. ``last_seen`` moves at most once a minute.
    """
    if not token:
        return None
    now = ctx.now()
    with ctx.store.read() as tx:
        session = _load(tx, "token_hash", _digest(token))
    if session is None:
        return None
    if now - session.last_seen > session.idle_timeout or now - session.auth_time > ABSOLUTE:
        end(ctx, session.sid, "expired")
        return None
    if now - session.last_seen >= TOUCH_EVERY:
        with ctx.store.write() as tx:
            tx.execute("UPDATE idp_sessions SET last_seen = ? WHERE sid = ?", (now, session.sid))
        session = attrs.evolve(session, last_seen=now)
    return session


def mark_second_factor(ctx: Context, sid: str) -> None:
    with ctx.store.write() as tx:
        tx.execute("UPDATE idp_sessions SET second_factor_at = ? WHERE sid = ?", (ctx.now(), sid))


def record_visit(ctx: Context, sid: str, client_id: str) -> None:
    """Remember that this session signed in to the site ``client_id``."""
    with ctx.store.write() as tx:
        tx.execute(
            "INSERT OR IGNORE INTO session_sites (sid, client_id, first_at) VALUES (?, ?, ?)",
            (sid, client_id, ctx.now()),
        )


def visits(ctx: Context, sid: str) -> list[str]:
    """Client ids of the sites this session visited, in order."""
    with ctx.store.read() as tx:
        rows = tx.all("SELECT client_id FROM session_sites WHERE sid = ? ORDER BY first_at", (sid,))
    return [str(r["client_id"]) for r in rows]


def end(ctx: Context, sid: str, reason: str) -> list[str]:
    """End one session; returns the client ids it visited (to notify by back-channel)."""
    with ctx.store.write() as tx:
        changed = tx.execute(
            "UPDATE idp_sessions SET ended_at = ?, end_reason = ?"
            " WHERE sid = ? AND ended_at IS NULL",
            (ctx.now(), reason, sid),
        )
        if changed:
            audit.record(tx, ctx.now(), "system:idp", "session.end", sid, "", reason=reason)
    return visits(ctx, sid)


def end_all_for(ctx: Context, subscriber_id: str, reason: str) -> dict[str, list[str]]:
    """End every live session of a subscriber (termination); sid -> visited client ids."""
    with ctx.store.read() as tx:
        rows = tx.all(
            "SELECT sid FROM idp_sessions WHERE subscriber_id = ? AND ended_at IS NULL",
            (subscriber_id,),
        )
    return {str(r["sid"]): end(ctx, str(r["sid"]), reason) for r in rows}


_SELECT = (
    "SELECT s.*, u.is_admin, u.status FROM idp_sessions s JOIN subscribers u"
    " ON u.id = s.subscriber_id WHERE s.ended_at IS NULL AND "
)
_BY = {"sid": _SELECT + "s.sid = ?", "token_hash": _SELECT + "s.token_hash = ?"}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()  # 256 random bits: a fast hash suffices


def _load(tx: Tx, column: str, value: str) -> IdpSession | None:
    row: Row | None = tx.one(_BY[column], (value,))
    if row is None or row["status"] != "active":
        return None
    return IdpSession(
        sid=str(row["sid"]),
        subscriber_id=str(row["subscriber_id"]),
        auth_time=float(row["auth_time"]),
        last_seen=float(row["last_seen"]),
        second_factor_at=row["second_factor_at"],
        is_admin=bool(row["is_admin"]),
    )
