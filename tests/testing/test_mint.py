"""``ohp-gateway mint-cookie``: a cookie for curl, a warning, errors naming the option."""

from __future__ import annotations

from pathlib import Path

import pytest

from ohp_gateway import Gateway, GatewayConfig, Subscriber
from ohp_gateway.cli import main as cli_main
from ohp_gateway.testing import make_config
from ohp_gateway.testing.mint import main


@pytest.fixture
def config() -> GatewayConfig:
    return make_config()


@pytest.fixture
def config_file(tmp_path: Path, config: GatewayConfig) -> str:
    path = tmp_path / "gateway.toml"
    path.write_text(
        f'site_id = "test-site"\nkeys = "{config.keyring.serialize()}"\nsecure_cookies = false\n'
    )
    return str(path)


def opened(config: GatewayConfig, line: str) -> Subscriber:
    name, _, value = line.strip().partition("=")
    assert name == config.cookie_name
    gateway = Gateway(config)
    return gateway.codec.open(value, gateway.clock.now()).subscriber


def test_prints_a_cookie_the_gateway_opens_with_every_given_field(
    config: GatewayConfig, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", config_file, "--subscriber-id", "S77", "--name", "Ana Ruiz"]
    argv += ["--email", "ana.ruiz@northclinic.example", "--organization-id", "ORG-9"]
    argv += ["--organization-name", "North Clinic", "--session-id", "sid-9"]
    argv += ["--tax-id", "91-1111111", "--tax-id", "123-45-6789"]
    argv += ["--role", "Billing", "--role", "Eligibility"]
    assert main(argv) == 0
    subscriber = opened(config, capsys.readouterr().out)
    assert subscriber.to_json() | {"auth_time": 0} == {
        "subscriber_id": "S77",
        "name": "Ana Ruiz",
        "email": "ana.ruiz@northclinic.example",
        "organization_id": "ORG-9",
        "organization_name": "North Clinic",
        "tax_ids": ["91-1111111", "123-45-6789"],
        "roles": ["Billing", "Eligibility"],
        "session_id": "sid-9",
        "auth_time": 0,
    }


def test_warns_on_stderr_that_key_holders_can_mint_sessions(
    config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", config_file]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1  # only the cookie goes to stdout, for $(...)
    warning = " ".join(captured.err.split())
    assert "warning: anyone who holds this site's session keys can mint a session" in warning
    assert "readable only by the gateway's service account" in warning


def test_reads_the_environment_without_a_config_and_notes_https_only_cookie(
    monkeypatch: pytest.MonkeyPatch, config: GatewayConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OHP_GATEWAY_SITE_ID", "test-site")
    monkeypatch.setenv("OHP_GATEWAY_KEYS", config.keyring.serialize())
    assert main([]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("__Host-ohp_session=v1.test.")
    assert "browsers send it only over https" in " ".join(captured.err.split())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--tax-id", "12-345"], "--tax-id: tax_ids[0]: '12-345'", id="tax-id"),
        pytest.param(["--role", "a,b"], "--role: roles[0]: 'a,b' contains a comma", id="role"),
        pytest.param(["--email", "nobody"], "--email: email: 'nobody' is not", id="email"),
        pytest.param(["--name", ""], "--name: name: must not be empty", id="name"),
        pytest.param(["--auth-time", "-5"], "--auth-time: auth_time: -5.0", id="auth-time"),
    ],
)
def test_invalid_field_exits_2_naming_the_option(
    argv: list[str], message: str, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", config_file, *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"ohp-gateway mint-cookie: error: {message}" in captured.err


def test_unreadable_config_exits_2_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "missing.toml")]) == 2
    assert "error: --config: config: cannot read" in capsys.readouterr().err


def test_missing_keys_in_the_environment_exits_2_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OHP_GATEWAY_SITE_ID", "test-site")
    monkeypatch.delenv("OHP_GATEWAY_KEYS", raising=False)
    monkeypatch.delenv("OHP_GATEWAY_CONFIG", raising=False)
    monkeypatch.delenv("OHP_GATEWAY_KEYS_FILE", raising=False)
    assert main([]) == 2
    assert "error: keys: no keys" in capsys.readouterr().err


def test_the_ohp_gateway_command_dispatches_mint_cookie(
    config: GatewayConfig, config_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["mint-cookie", "--config", config_file, "--role", "Eligibility"]) == 0
    assert opened(config, capsys.readouterr().out).roles == ("Eligibility",)
