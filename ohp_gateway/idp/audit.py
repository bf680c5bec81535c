"""Append-only audit log (HIPAA 45 CFR 164.312(b) audit controls; keep six years).

Rows are written inside the transaction that makes the change, so a change and its audit row
commit together or not at all. Triggers in the schema refuse UPDATE and DELETE.
"""

from __future__ import annotations

import json

import attrs

from .store import Param, Store, Tx

#: Detail keys that would carry a secret; recording one is a programming error.
_FORBIDDEN = ("password", "code", "token", "secret", "ssn", "last4")


@attrs.frozen
class AuditEntry:
    id: int
    at: float
    actor: str
    action: str
    target: str
    source: str
    detail: dict[str, object]


def record(
    tx: Tx, at: float, actor: str, action: str, target: str, source: str, **detail: object
) -> None:
    """Append one row. ``detail`` must not hold secrets (refused by key name)."""
    for key in detail:
        if any(word in key.lower() for word in _FORBIDDEN):
            raise ValueError(f"audit detail {key!r} may hold a secret; record a masked form")
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, target, source, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (at, actor, action, target, source, json.dumps(detail, sort_keys=True)),
    )


def entries(
    store: Store,
    *,
    target: str | None = None,
    action: str | None = None,
    since: float | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest first, optionally filtered."""
    clauses: list[str] = []
    params: list[Param] = []
    for column, value in (("target", target), ("action", action)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if since is not None:
        clauses.append("at >= ?")
        params.append(since)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT * FROM audit_log {where} ORDER BY id DESC LIMIT ?"  # noqa: S608 (fixed columns)
    with store.read() as tx:
        rows = tx.all(sql, [*params, limit])
    return [
        AuditEntry(
            r["id"],
            r["at"],
            r["actor"],
            r["action"],
            r["target"],
            r["source"],
            json.loads(r["detail"]),
        )
        for r in rows
    ]
