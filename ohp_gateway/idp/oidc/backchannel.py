"""OpenID Connect Back-Channel Logout 1.0: tell each site a session visited that it ended.

Deliveries are rows of ``backchannel_deliveries`` (an outbox): queued in one transaction,
then POSTed (``logout_token=`` form, short timeout). A failure is retried with exponential
backoff, 30 s doubling to one hour, and abandoned after ``MAX_ATTEMPTS`` (about 8 h, the
absolute lifetime of a session at the sites); failures stay visible to the support desk.
Network calls never happen inside a transaction; POSTs to several sites run in parallel.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import attrs
import requests

from .. import audit, sessions, termination
from ..context import Context
from ..sites import find_client
from ..store import Row, Tx
from .keys import KeyCache
from .tokens import logout_token

__all__ = ["Courier", "backoff"]

log = logging.getLogger(__name__)

TIMEOUT = 5.0  # seconds per POST; OpenID Back-Channel Logout 1.0 2.8 expects a quick 200
BACKOFF_BASE = 30.0
BACKOFF_MAX = 3600.0
MAX_ATTEMPTS = 15  # 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: ~8.5 h in all
#: Termination reaches sessions the IdP already ended by idleness: the sites' own sessions
#: may live on up to their absolute limit (8 h by default), so look back a full day.
TERMINATION_LOOKBACK = 24 * 3600.0
MAX_WORKERS = 8


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failure."""
    return float(min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX))


@attrs.frozen
class _Due:
    id: int
    client_id: str
    sid: str
    subscriber_id: str
    attempts: int
    uri: str | None


def _mask(sid: str) -> str:
    return f"{sid[:4]}…"


class Courier:
    """Queues and delivers logout tokens."""

    def __init__(self, ctx: Context, issuer: str, keys: KeyCache, http: requests.Session) -> None:
        self.ctx = ctx
        self.issuer = issuer
        self.keys = keys
        self.http = http

    # -- queueing -------------------------------------------------------------------------

    def queue(self, subscriber_id: str, visited: Mapping[str, Sequence[str]], reason: str) -> int:
        """Queue one delivery per (session, site); returns how many were queued."""
        now = self.ctx.now()
        with self.ctx.store.write() as tx:
            return sum(
                self._insert(tx, now, subscriber_id, sid, client_id, reason)
                for sid, clients in visited.items()
                for client_id in clients
            )

    def _insert(
        self, tx: Tx, now: float, subscriber_id: str, sid: str, client_id: str, reason: str
    ) -> int:
        tx.execute(
            "INSERT INTO backchannel_deliveries (client_id, sid, subscriber_id, reason,"
            " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (client_id, sid, subscriber_id, reason, now, now),
        )
        audit.record(
            tx,
            now,
            "system:idp",
            "oidc.backchannel.queue",
            subscriber_id,
            "",
            client_id=client_id,
            sid=_mask(sid),
            reason=reason,
        )
        return 1

    def process_logout_events(self) -> None:
        for event in termination.pending_logout_events(self.ctx):
            sessions.end_all_for(self.ctx, event.subscriber_id, event.reason)
            self.queue(event.subscriber_id, self._recent_visits(event.subscriber_id), event.reason)
            termination.mark_delivered(self.ctx, event.id)
        self.deliver_due()

    def _recent_visits(self, subscriber_id: str) -> dict[str, list[str]]:
        with self.ctx.store.read() as tx:
            rows = tx.all(
                "SELECT v.sid, v.client_id FROM session_sites v JOIN idp_sessions s"
                " ON s.sid = v.sid WHERE s.subscriber_id = ? AND s.auth_time > ?"
                " ORDER BY v.first_at",
                (subscriber_id, self.ctx.now() - TERMINATION_LOOKBACK),
            )
        visited: dict[str, list[str]] = {}
        for row in rows:
            visited.setdefault(str(row["sid"]), []).append(str(row["client_id"]))
        return visited

    # -- delivering -----------------------------------------------------------------------

    def deliver_due(self) -> int:
        """POST every due delivery; returns how many were attempted."""
        due = self._due()
        if not due:
            return 0
        key, now = self.keys.signing_key(), self.ctx.now()  # no store access in the workers
        tokens = [
            logout_token(key, self.issuer, d.client_id, d.subscriber_id, d.sid, now) for d in due
        ]
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(due))) as pool:
            results = list(pool.map(self._post, due, tokens))
        now = self.ctx.now()
        with self.ctx.store.write() as tx:
            for item, error in zip(due, results, strict=True):
                self._record(tx, now, item, error)
        return len(due)

    def _due(self) -> list[_Due]:
        with self.ctx.store.read() as tx:
            rows = tx.all(
                "SELECT * FROM backchannel_deliveries WHERE delivered_at IS NULL"
                " AND abandoned_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT 100",
                (self.ctx.now(),),
            )
        return [self._resolve(row) for row in rows]

    def _resolve(self, row: Row) -> _Due:
        site = find_client(self.ctx, str(row["client_id"]))
        uri = site.backchannel_logout_uri if site is not None else None
        return _Due(
            row["id"], row["client_id"], row["sid"], row["subscriber_id"], row["attempts"], uri
        )

    def _post(self, item: _Due, token: str) -> str | None:
        """Deliver one logout token; the error, or None on success (or nothing to do)."""
        if not item.uri:
            return None  # the site registered no back-channel URI: nothing to deliver
        try:
            response = self.http.post(
                item.uri,
                data={"logout_token": token},
                timeout=TIMEOUT,
                allow_redirects=False,
                headers={"Cache-Control": "no-store"},
            )
        except requests.RequestException as exc:
            return f"{type(exc).__name__}: {str(exc)[:200]}"
        if response.status_code != 200:
            detail = " ".join(response.text[:200].split())
            return f"HTTP {response.status_code}" + (f": {detail}" if detail else "")
        return None

    def _record(self, tx: Tx, now: float, item: _Due, error: str | None) -> None:
        attempts = item.attempts + 1
        if error is None:
            tx.execute(
                "UPDATE backchannel_deliveries SET attempts = ?, delivered_at = ? WHERE id = ?",
                (attempts, now, item.id),
            )
        else:
            abandoned = now if attempts >= MAX_ATTEMPTS else None
            tx.execute(
                "UPDATE backchannel_deliveries SET attempts = ?, last_error = ?,"
                " next_attempt_at = ?, abandoned_at = ? WHERE id = ?",
                (attempts, error, now + backoff(attempts), abandoned, item.id),
            )
            log.warning("back-channel logout to %s failed: %s", item.client_id, error)
        action = "oidc.backchannel.delivered" if error is None else "oidc.backchannel.failed"
        audit.record(
            tx,
            now,
            "system:idp",
            action,
            item.subscriber_id,
            "",
            client_id=item.client_id,
            sid=_mask(item.sid),
            attempts=attempts,
            error=error,
        )

    # -- support --------------------------------------------------------------------------

    def failures(self) -> list[dict[str, object]]:
        """Undelivered deliveries that failed at least once, oldest first."""
        with self.ctx.store.read() as tx:
            rows = tx.all(
                "SELECT d.*, s.name AS site FROM backchannel_deliveries d LEFT JOIN sites s"
                " ON s.client_id = d.client_id WHERE d.delivered_at IS NULL AND d.attempts > 0"
                " ORDER BY d.id"
            )
        return [_failure(row) for row in rows]


def _failure(row: Row) -> dict[str, object]:
    abandoned = row["abandoned_at"] is not None
    return {
        "site": row["site"] or row["client_id"],
        "client_id": row["client_id"],
        "sid": _mask(str(row["sid"])),
        "subscriber_id": row["subscriber_id"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "next_attempt_at": None if abandoned else row["next_attempt_at"],
        "abandoned": abandoned,
    }
