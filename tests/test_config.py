from __future__ import annotations

from pathlib import Path

import pytest

from ohp_gateway.config import GatewayConfig, load_config
from ohp_gateway.errors import ConfigError
from ohp_gateway.keys import Keyring

KEYS = Keyring.generate("k1").serialize()


def test_defaults_follow_the_design() -> None:
    c = GatewayConfig(site_id="s", keys=KEYS)
    assert (c.idle_timeout, c.absolute_timeout, c.refresh_interval, c.clock_skew) == (
        1800,
        28800,
        60,
        30,
    )
    assert c.cookie_name == "__Host-ohp_session" and c.secure_cookies
    assert c.header_prefix == "X-OHP-" and c.endpoint_prefix == "/.ohp"
    assert c.revocation == "memory" and c.rules == () and c.claims["tax_ids"] == "ohp_tax_ids"


def test_insecure_cookies_drop_the_host_prefix() -> None:
    assert GatewayConfig(site_id="s", keys=KEYS, secure_cookies=False).cookie_name == "ohp_session"


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        pytest.param({"site_id": ""}, "site_id", id="empty-site"),
        pytest.param({"site_id": "a b"}, "site_id", id="space-in-site"),
        pytest.param({"idle_timeout": 0}, "idle_timeout", id="zero-idle"),
        pytest.param({"idle_timeout": "30"}, "idle_timeout", id="string-idle"),
        pytest.param({"absolute_timeout": 60}, "absolute_timeout", id="absolute-below-idle"),
        pytest.param({"refresh_interval": 1800}, "refresh_interval", id="refresh-too-long"),
        pytest.param({"clock_skew": -1}, "clock_skew", id="negative-skew"),
        pytest.param({"header_prefix": "X-OHP"}, "header_prefix", id="prefix-no-dash"),
        pytest.param({"header_prefix": "X OHP-"}, "header_prefix", id="prefix-space"),
        pytest.param({"endpoint_prefix": "/.ohp/"}, "endpoint_prefix", id="endpoint-slash"),
        pytest.param({"cookie_name": "a;b"}, "cookie_name", id="cookie-name"),
        pytest.param(
            {"cookie_name": "__Host-x", "secure_cookies": False}, "cookie_name", id="host-insecure"
        ),
        pytest.param({"secure_cookies": "yes"}, "secure_cookies", id="secure-not-bool"),
        pytest.param({"revocation": "mysql://x"}, "revocation", id="revocation"),
        pytest.param({"issuer": "ftp://idp"}, "issuer", id="issuer-scheme"),
        pytest.param({"issuer": "https://idp.example"}, "client_id", id="issuer-needs-client"),
        pytest.param({"keys": None}, "keys", id="no-keys"),
        pytest.param({"keys": "k1:abc"}, "keys", id="bad-keys"),
        pytest.param({"rules": [{"path": "x"}]}, "rules[0].path", id="rule"),
        pytest.param({"rules": "public"}, "rules", id="rules-not-list"),
        pytest.param({"claims": {"nickname": "nick"}}, "claims.nickname", id="claims"),
        pytest.param({"keys_file": "/nonexistent/keys", "keys": None}, "keys_file", id="file"),
    ],
)
def test_invalid_config_names_the_key(overrides: dict[str, object], key: str) -> None:
    values: dict[str, object] = {"site_id": "s", "keys": KEYS, **overrides}
    with pytest.raises(ConfigError) as info:
        GatewayConfig(**values)  # type: ignore[arg-type]
    assert info.value.key == key


def test_toml_file_with_rules_and_keys_file(tmp_path: Path) -> None:
    (tmp_path / "keys").write_text(KEYS + "\n")
    path = tmp_path / "gateway.toml"
    path.write_text(
        'site_id = "clinic-portal"\nkeys_file = "keys"\nidle_timeout = 900\n'
        '[[rules]]\npath = "/static/"\npublic = true\n'
        '[[rules]]\npath = "/claims/"\nroles_any = ["Billing"]\n'
    )
    c = load_config(str(path))
    assert c.site_id == "clinic-portal" and c.idle_timeout == 900
    assert c.keyring.ids() == ("k1",)
    assert [r.path for r in c.rules] == ["/static/", "/claims/"]


def test_toml_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(f'site_id = "s"\nkeys = "{KEYS}"\nidle_timout = 5\n')
    with pytest.raises(ConfigError, match="did you mean 'idle_timeout'"):
        GatewayConfig.from_toml(path)


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text("site_id = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        GatewayConfig.from_toml(path)


def test_gateway_table_is_read(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(f'[gateway]\nsite_id = "s"\nkeys = "{KEYS}"\n')
    assert GatewayConfig.from_toml(path).site_id == "s"


def test_environment(tmp_path: Path) -> None:
    env = {
        "OHP_GATEWAY_SITE_ID": "env-site",
        "OHP_GATEWAY_KEYS": KEYS,
        "OHP_GATEWAY_IDLE_TIMEOUT": "600",
        "OHP_GATEWAY_SECURE_COOKIES": "false",
        "OHP_GATEWAY_RULES": '[{"path": "/health", "public": true}]',
    }
    c = GatewayConfig.from_env(env)
    assert (c.site_id, c.idle_timeout, c.secure_cookies) == ("env-site", 600.0, False)
    assert c.rules[0].path == "/health"


def test_environment_overrides_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(f'site_id = "file-site"\nkeys = "{KEYS}"\nidle_timeout = 100\n')
    c = GatewayConfig.from_env({"OHP_GATEWAY_CONFIG": str(path), "OHP_GATEWAY_IDLE_TIMEOUT": "90"})
    assert (c.site_id, c.idle_timeout) == ("file-site", 90.0)


@pytest.mark.parametrize(
    ("env", "key"),
    [
        pytest.param({"OHP_GATEWAY_IDLE_TIMEOUT": "half an hour"}, "idle_timeout", id="number"),
        pytest.param({"OHP_GATEWAY_SECURE_COOKIES": "maybe"}, "secure_cookies", id="bool"),
        pytest.param({"OHP_GATEWAY_RULES": "[{"}, "rules", id="json"),
        pytest.param({}, "site_id", id="missing-site"),
    ],
)
def test_environment_errors_name_the_key(env: dict[str, str], key: str) -> None:
    base = {"OHP_GATEWAY_SITE_ID": "s", "OHP_GATEWAY_KEYS": KEYS} if env else {}
    with pytest.raises(ConfigError) as info:
        GatewayConfig.from_env({**base, **env})
    assert info.value.key == key


def test_masked_hides_secrets() -> None:
    c = GatewayConfig(
        site_id="s", keys=KEYS, issuer="https://idp", client_id="c", client_secret="hunter2"
    )
    masked = c.masked()
    assert masked["keys"] == ["k1:***"] and masked["client_secret"] == "***"
    assert "hunter2" not in repr(c) and KEYS.split(":")[1] not in repr(c)


def test_load_config_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="config"):
        load_config(42)  # type: ignore[arg-type]
