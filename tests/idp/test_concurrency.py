"""Real processes writing one database at once, and a process killed mid-write."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from ohp_gateway.idp.context import Context
from ohp_gateway.idp.store import SqliteStore

from .conftest import Org

WORKER = Path(__file__).with_name("_worker.py")


def _spawn(ctx: Context, org: Org, mode: str, tag: str, start_at: float) -> subprocess.Popen[str]:
    db = str(ctx.store.path)  # type: ignore[attr-defined]
    return subprocess.Popen(
        [sys.executable, str(WORKER), db, mode, org.admin.id, str(start_at), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run_all(ctx: Context, org: Org, mode: str, count: int) -> list[str]:
    start_at = time.time() + 1.0  # every worker imported and connected before the race
    procs = [_spawn(ctx, org, mode, str(n), start_at) for n in range(count)]
    lines: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        lines += out.splitlines()
    return lines


def test_same_email_nominated_by_many_processes_at_once_has_exactly_one_winner(
    ctx: Context, org: Org
) -> None:
    results = _run_all(ctx, org, "same", 6)
    assert sorted(line.split()[0] for line in results) == ["conflict"] * 5 + ["ok"]
    assert all(line == "conflict email" for line in results if line.startswith("conflict"))
    with ctx.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM subscribers WHERE email_key LIKE 'sally%'") == 1


def test_concurrent_nominations_lose_and_duplicate_nothing(ctx: Context, org: Org) -> None:
    results = _run_all(ctx, org, "many", 4)
    ids = [line.split()[1] for line in results]
    assert len(ids) == len(set(ids)) == 60
    with ctx.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM subscribers WHERE status = 'nominated'") == 60
        assert (
            tx.scalar("SELECT count(*) FROM audit_log WHERE action = 'subscriber.nominate'") == 61
        )


def _consistent(path: Path) -> None:
    store = SqliteStore(path)
    assert store.integrity_check() == "ok"
    with store.read() as tx:
        nominated = tx.scalar("SELECT count(*) FROM subscribers WHERE status = 'nominated'")
        codes = tx.scalar(
            "SELECT count(*) FROM one_time_codes WHERE purpose = 'activation' AND used_at IS NULL"
        )
        roles = tx.scalar("SELECT count(*) FROM subscriber_roles WHERE role = 'Claims'")
        audits = tx.scalar("SELECT count(*) FROM audit_log WHERE action = 'subscriber.nominate'")
        assert tx.scalar("SELECT count(*) FROM organizations WHERE name = 'partial'") == 0
    assert nominated == codes == roles == audits - 1  # -1: the administrator's own row
    store.close()


def test_process_killed_inside_a_transaction_leaves_no_partial_rows(ctx: Context, org: Org) -> None:
    proc = _spawn(ctx, org, "hang-in-tx", "k", 0)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "inside"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    _consistent(ctx.store.path)  # type: ignore[attr-defined]


def test_process_killed_during_a_stream_of_writes_leaves_a_consistent_database(
    ctx: Context, org: Org
) -> None:
    proc = _spawn(ctx, org, "loop", "k", 0)
    assert proc.stdout is not None
    for _ in range(25):  # let it commit some nominations first
        assert proc.stdout.readline().startswith("ok")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    _consistent(ctx.store.path)  # type: ignore[attr-defined]
