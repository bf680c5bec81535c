from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ohp_gateway.idp import totp
from ohp_gateway.idp.cli import main

REGISTER = [
    "register-org",
    "--name",
    "Acme Clinic",
    "--address",
    "1 Main St",
    "--tax-id",
    "91-2345678",
    "--admin-name",
    "Jo Ann",
    "--admin-email",
    "jo.ann@acme.example",
    "--admin-phone",
    "555",
    "--staff-attested",
    "--ssn-last4",
    "1234",
    "--signing-authority",
    "--accept-agreement",
    "2024-01",
]


def _run(db: Path, *argv: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ohp_gateway.idp.cli", "--db", str(db), *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_help_documents_every_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ohp_gateway.idp.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    for command in (
        "init",
        "register-org",
        "nominate",
        "activate",
        "set-roles",
        "affiliate",
        "promote",
        "terminate",
        "reset-password",
        "unlock",
        "tickets",
        "release-tax-id",
        "sites",
        "audit",
    ):
        assert command in proc.stdout


def test_refused_registration_names_field_and_exits_non_zero(tmp_path: Path) -> None:
    argv = [a if a != "91-2345678" else "12-345" for a in REGISTER]
    code, out, err = _run(tmp_path / "idp.db", *argv)
    assert code == 2 and out == ""
    assert err.strip() == "error: tax_ids[0]: '12-345' is not an EIN (NN-NNNNNNN)"


def test_registration_then_duplicate_found(tmp_path: Path) -> None:
    code, out, _ = _run(tmp_path / "idp.db", *REGISTER)
    assert code == 0 and json.loads(out)["admin_subscriber_id"].startswith("ohp")
    code, _, err = _run(tmp_path / "idp.db", *REGISTER)
    assert code == 2 and "Duplicate Found" in err


def test_env_var_selects_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OHP_IDP_DB", str(tmp_path / "env.db"))
    assert main(["init"]) == 0
    assert (tmp_path / "env.db").exists()


def test_demo_community_administered_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "idp.db")
    assert main(["--db", db, "init", "--demo"]) == 0
    demo = json.loads(capsys.readouterr().out)
    admin = demo["organizations"][0]["administrators"][1]
    code = totp.now_code(admin["totp_secret"], time.time())
    as_admin = ["--db", db, "--as", admin["subscriber_id"], "--totp", code]
    assert (
        main(
            [
                *as_admin,
                "nominate",
                "--name",
                "Kim Lee",
                "--email",
                "kim.lee@e.example",
                "--role",
                "Claims",
                "--tax-id",
                "91-1234567",
            ]
        )
        == 0
    )
    nominated = json.loads(capsys.readouterr().out)
    assert (
        main(
            [
                "--db",
                db,
                "activate",
                nominated["subscriber_id"],
                "--code",
                nominated["activation_code"],
                "--password",
                "violet kettle marching slowly",
                "--accept-agreement",
            ]
        )
        == 0
    )
    sub = nominated["subscriber_id"]
    assert main(["--db", db, "set-roles", sub, "--role", "Billing", "--mode", "add"]) == 0
    assert main(["--db", db, "affiliate", sub, "--tax-id", "91-7654321"]) == 0
    assert main(["--db", db, "unlock", sub]) == 0
    assert main(["--db", db, "reset-password", sub]) == 0
    assert main(["--db", db, "terminate", sub]) == 0
    assert main(["--db", db, "sites", "list"]) == 0
    assert main(["--db", db, "tickets"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "audit", "--target", sub, "--limit", "1"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["action"] == "subscriber.terminate"


def test_wrong_totp_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "idp.db")
    main(["--db", db, "init", "--demo"])
    admin = json.loads(capsys.readouterr().out)["organizations"][0]["administrators"][0]
    argv = ["--db", db, "--as", admin["subscriber_id"], "--totp", "000000", "unlock", "x"]
    assert main(argv) == 2
    assert "error: code:" in capsys.readouterr().err
