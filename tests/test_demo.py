"""``ohp-gateway demo --check``: the one-command tour, walked over real HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path


def three_free_ports() -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base > 65000:
            continue
        try:
            for offset in (1, 2):
                with socket.socket() as t:
                    t.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no three consecutive free ports")


def demo_check(port: int, workdir: Path) -> subprocess.CompletedProcess[str]:
    argv = ["demo", "--check", "--port", str(port), "--dir", str(workdir)]
    return subprocess.run(
        [sys.executable, "-m", "ohp_gateway.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_tour_passes_every_step(tmp_path: Path) -> None:
    result = demo_check(three_free_ports(), tmp_path / "demo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout
    assert result.stdout.count("[ok]") == 4
    assert "TOTP secret" in result.stdout and (tmp_path / "demo" / "idp.sqlite3").exists()


def test_demo_reports_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        result = demo_check(port, tmp_path / "demo")
    assert result.returncode == 2 and "cannot start" in result.stderr
