from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ohp_gateway.idp.migrations import MIGRATIONS
from ohp_gateway.idp.store import SqliteStore, split_statements


def test_opening_applies_migrations_and_records_version(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a.db")
    assert store.schema_version == len(MIGRATIONS)
    store.close()
    again = SqliteStore(tmp_path / "a.db")  # idempotent on reopen
    assert again.schema_version == len(MIGRATIONS)


def test_database_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a.db")
    with store.read() as tx:
        assert tx.scalar("PRAGMA journal_mode") == "wal"
        assert tx.scalar("PRAGMA foreign_keys") == 1
        assert tx.scalar("PRAGMA busy_timeout") > 0


def test_foreign_keys_refuse_orphans(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a.db")
    with pytest.raises(sqlite3.IntegrityError), store.write() as tx:
        tx.execute("INSERT INTO subscriber_roles (subscriber_id, role) VALUES ('nobody', 'x')")


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_log SET actor = 'x'", id="update"),
        pytest.param("DELETE FROM audit_log", id="delete"),
    ],
)
def test_audit_log_refuses_changes(tmp_path: Path, statement: str) -> None:
    store = SqliteStore(tmp_path / "a.db")
    with store.write() as tx:
        tx.execute(
            "INSERT INTO audit_log (at, actor, action, target, source, detail)"
            " VALUES (1, 'a', 'b', 'c', 'd', '{}')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"), store.write() as tx:
        tx.execute(statement)
    with store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM audit_log") == 1


def test_failed_writer_rolls_back_everything(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "a.db")
    with pytest.raises(RuntimeError), store.write() as tx:
        tx.execute(
            "INSERT INTO organizations (name, address, agreement_version,"
            " signing_authority_attested_by, created_at) VALUES ('o', 'a', 'v', 'p', 0)"
        )
        raise RuntimeError
    with store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM organizations") == 0


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    script = "CREATE TABLE t (a);\nCREATE TRIGGER x BEFORE DELETE ON t\nBEGIN SELECT 1; END;\n"
    assert len(split_statements(script)) == 2
