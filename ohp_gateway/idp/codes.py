"""One-time codes (activation) and tokens (password reset): issue, check, consume.

Stored as digests only; a new code voids the previous one of the same purpose; every wrong
attempt is counted and the code dies at the limit (NIST SP 800-63B 5.2.2 rate limiting).
"""

from __future__ import annotations

import hmac
from typing import Literal

from .context import Context
from .errors import CodeRejected
from .store import Row, Tx
from .tokens import digest

Purpose = Literal["activation", "reset"]


def issue(tx: Tx, now: float, subscriber_id: str, purpose: Purpose, code: str, ttl: float) -> None:
    """Store a new code's digest, voiding any earlier unused code of the same purpose."""
    tx.execute(
        "UPDATE one_time_codes SET used_at = ? WHERE subscriber_id = ? AND purpose = ?"
        " AND used_at IS NULL",
        (now, subscriber_id, purpose),
    )
    tx.execute(
        "INSERT INTO one_time_codes (code_hash, subscriber_id, purpose, expires_at)"
        " VALUES (?, ?, ?, ?)",
        (digest(code), subscriber_id, purpose, now + ttl),
    )


def void_all(tx: Tx, now: float, subscriber_id: str) -> None:
    tx.execute(
        "UPDATE one_time_codes SET used_at = ? WHERE subscriber_id = ? AND used_at IS NULL",
        (now, subscriber_id),
    )


def check_activation(ctx: Context, subscriber_id: str, code: str) -> None:
    """Raise :class:`CodeRejected` unless ``code`` is the subscriber's live activation code.
    A wrong guess is counted (and committed) before the error is raised."""
    with ctx.store.write() as tx:
        row = tx.one(
            "SELECT * FROM one_time_codes WHERE subscriber_id = ? AND purpose = 'activation'"
            " AND used_at IS NULL ORDER BY expires_at DESC LIMIT 1",
            (subscriber_id,),
        )
        problem = _problem(ctx, row, code)
        if problem and row is not None and problem == "wrong":
            tx.execute(
                "UPDATE one_time_codes SET attempts = attempts + 1 WHERE code_hash = ?",
                (row["code_hash"],),
            )
    if problem:
        raise CodeRejected("code", _MESSAGES[problem])


_MESSAGES = {
    "missing": "no activation code is waiting for this Subscriber ID",
    "expired": "the activation code has expired; ask your Administrator for a new one",
    "exhausted": "too many wrong attempts; ask your Administrator for a new activation code",
    "wrong": "the activation code is not correct",
}


def _problem(ctx: Context, row: Row | None, code: str) -> str:
    if row is None:
        return "missing"
    if row["expires_at"] <= ctx.now():
        return "expired"
    if row["attempts"] >= ctx.config.activation_attempts:
        return "exhausted"
    if not hmac.compare_digest(row["code_hash"], digest(code)):
        return "wrong"
    return ""


def consume(tx: Tx, now: float, code: str, purpose: Purpose) -> str:
    """Mark a live code used and return its subscriber; raise if it is not live (any longer).
    Runs inside the writer that applies the change, so a code is used exactly once."""
    row = tx.one(
        "SELECT subscriber_id, expires_at FROM one_time_codes WHERE code_hash = ?"
        " AND purpose = ? AND used_at IS NULL",
        (digest(code), purpose),
    )
    if row is None or row["expires_at"] <= now:
        raise CodeRejected(
            "token" if purpose == "reset" else "code",
            f"the {purpose} code is not valid, already used or expired",
        )
    tx.execute("UPDATE one_time_codes SET used_at = ? WHERE code_hash = ?", (now, digest(code)))
    return str(row["subscriber_id"])
