"""SQLite store: WAL, foreign keys, busy timeout, migrations at start-up, IMMEDIATE writers.

Services talk to the small :class:`Store` protocol (``read()``/``write()`` yielding a
:class:`Tx`); a server database can implement the same protocol later.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from .migrations import MIGRATIONS

Param = str | int | float | bytes | None
Row = sqlite3.Row

#: How long a writer waits for another process's write lock (ms). SQLite's default is 0
#: (fail at once); a sign-in storm on 2 cores needs a few seconds of patience.
BUSY_TIMEOUT_MS = 10_000


class Tx:
    """One transaction: parameterised statements only."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Param] = ()) -> int:
        """Run a statement; return the last inserted row id."""
        cursor = self._conn.execute(sql, tuple(params))
        return cursor.lastrowid or 0

    def execute_many(self, sql: str, rows: Sequence[Sequence[Param]]) -> None:
        self._conn.executemany(sql, [tuple(row) for row in rows])

    def one(self, sql: str, params: Sequence[Param] = ()) -> Row | None:
        row: Row | None = self._conn.execute(sql, tuple(params)).fetchone()
        return row

    def all(self, sql: str, params: Sequence[Param] = ()) -> list[Row]:
        return list(self._conn.execute(sql, tuple(params)).fetchall())

    def scalar(self, sql: str, params: Sequence[Param] = ()) -> Any:
        row = self._conn.execute(sql, tuple(params)).fetchone()
        return None if row is None else row[0]


class Store(Protocol):
    """What the services need from a database."""

    def read(self) -> AbstractContextManager[Tx]: ...

    def write(self) -> AbstractContextManager[Tx]: ...

    def close(self) -> None: ...


def split_statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies keep their semicolons)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement: {pending.strip()[:60]!r}")
    return statements


class SqliteStore:
    """The embedded store. One connection per instance; open one per process or thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # NORMAL is durable in WAL mode except for the last commits on power loss; it never
        # corrupts (https://sqlite.org/pragma.html#pragma_synchronous).
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self.migrate()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply pending migrations, each in its own IMMEDIATE transaction."""
        while True:
            with self.write() as tx:
                version = int(tx.scalar("PRAGMA user_version"))
                if version >= len(MIGRATIONS):
                    return
                for statement in split_statements(MIGRATIONS[version]):
                    tx.execute(statement)
                tx.execute(f"PRAGMA user_version={version + 1:d}")

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A writer transaction. ``BEGIN IMMEDIATE`` takes the write lock up front, so a
        read-then-write decision cannot be invalidated by another process in between."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield Tx(self._conn)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A consistent snapshot for reads."""
        self._conn.execute("BEGIN")
        try:
            yield Tx(self._conn)
        finally:
            self._conn.execute("COMMIT")

    def integrity_check(self) -> str:
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._conn.close()
