from __future__ import annotations

import json
from pathlib import Path

import pytest

from ohp_gateway.cli import main
from ohp_gateway.keys import Keyring


def test_keygen_prints_a_parseable_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen"]) == 0
    ring = Keyring.parse(capsys.readouterr().out)
    assert len(ring) == 1


def test_keygen_rotate_puts_a_new_key_first(capsys: pytest.CaptureFixture[str]) -> None:
    old = Keyring.generate("old")
    assert main(["keygen", "--rotate", old.serialize()]) == 0
    ring = Keyring.parse(capsys.readouterr().out)
    assert ring.ids()[1] == "old" and ring.keys[1] == old.keys[0]


def test_keygen_rotate_of_garbage_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen", "--rotate", "garbage"]) == 2
    assert "--rotate" in capsys.readouterr().err


def test_check_config_masks_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys = Keyring.generate("k1").serialize()
    path = tmp_path / "g.toml"
    path.write_text(f'site_id = "s"\nkeys = "{keys}"\n[[rules]]\npath = "/p/"\npublic = true\n')
    assert main(["check-config", str(path)]) == 0
    out = capsys.readouterr().out
    assert keys.split(":")[1] not in out
    effective = json.loads(out)
    assert effective["keys"] == ["k1:***"] and effective["rules"][0]["access"] == "public"


def test_check_config_reports_the_key_in_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "g.toml"
    path.write_text('site_id = "s"\nkeys = "k1:short"\n')
    assert main(["check-config", str(path)]) == 1
    assert "keys:" in capsys.readouterr().err
