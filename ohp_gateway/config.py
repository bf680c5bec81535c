"""``GatewayConfig``: every key of the design with its default, validated at construction.

Invalid configuration fails at start-up with a :class:`ConfigError` naming the key.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .errors import ConfigError
from .keys import Keyring
from .policy import Rule

__all__ = ["DEFAULT_CLAIMS", "GatewayConfig", "load_config"]

ENV_PREFIX = "OHP_GATEWAY_"
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token: cookie and header names
_SITE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

# Claim names of the reference identity provider; any OIDC provider can be mapped.
DEFAULT_CLAIMS: Mapping[str, str] = {
    "subscriber_id": "sub",
    "name": "name",
    "email": "email",
    "organization_id": "ohp_org_id",
    "organization_name": "ohp_org_name",
    "tax_ids": "ohp_tax_ids",
    "roles": "ohp_roles",
    "session_id": "sid",
    "auth_time": "auth_time",
}


def _positive(inst: object, attr: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(attr.name, f"{value!r} must be a positive number of seconds")


def _non_negative(inst: object, attr: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(attr.name, f"{value!r} must be zero or a positive number of seconds")


def _optional_str(inst: object, attr: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(attr.name, f"{value!r} must be a non-empty string")


def _to_keyring(value: Keyring | str | None) -> Keyring | None:
    if value is None or isinstance(value, Keyring):
        return value
    if isinstance(value, str):
        return Keyring.parse(value)
    raise ConfigError("keys", f"expected 'kid:base64url_key[,...]', got {type(value).__name__}")


def _to_rules(value: Any) -> tuple[Rule, ...]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ConfigError("rules", "must be a list of tables ([[rules]] in TOML)")
    rules = []
    for i, item in enumerate(value):
        if isinstance(item, Rule):
            rules.append(item)
        elif isinstance(item, Mapping):
            rules.append(Rule.from_mapping(item, key=f"rules[{i}]"))
        else:
            raise ConfigError(f"rules[{i}]", f"expected a table, got {type(item).__name__}")
    return tuple(rules)


def _to_claims(value: Mapping[str, str] | None) -> Mapping[str, str]:
    if value is None:
        return dict(DEFAULT_CLAIMS)
    if not isinstance(value, Mapping):
        raise ConfigError("claims", "must be a table mapping subscriber fields to claim names")
    for field, claim in value.items():
        if field not in DEFAULT_CLAIMS:
            raise ConfigError(f"claims.{field}", f"unknown field; known: {list(DEFAULT_CLAIMS)}")
        if not isinstance(claim, str) or not claim:
            raise ConfigError(f"claims.{field}", f"{claim!r} must be a claim name")
    return {**DEFAULT_CLAIMS, **value}


@attrs.frozen(kw_only=True)
class GatewayConfig:
    """Configuration of one gateway in front of one participating site."""

    site_id: str = attrs.field()
    keys: Keyring | None = attrs.field(default=None, converter=_to_keyring)
    keys_file: str | None = attrs.field(default=None, validator=_optional_str)
    issuer: str | None = attrs.field(default=None, validator=_optional_str)
    client_id: str | None = attrs.field(default=None, validator=_optional_str)
    client_secret: str | None = attrs.field(default=None, repr=False, validator=_optional_str)
    cookie_name: str | None = attrs.field(default=None)
    secure_cookies: bool = attrs.field(default=True)
    # NIST SP 800-63B AAL2: 30 min idle; absolute 8 h = one shift (Shibboleth 28800 s,
    # mod_auth_openidc and Apereo CAS 8 h; NIST allows 12 h).
    idle_timeout: float = attrs.field(default=1800, validator=_positive)
    absolute_timeout: float = attrs.field(default=28800, validator=_positive)
    refresh_interval: float = attrs.field(default=60, validator=_non_negative)
    clock_skew: float = attrs.field(default=30, validator=_non_negative)
    header_prefix: str = attrs.field(default="X-OHP-")
    endpoint_prefix: str = attrs.field(default="/.ohp")
    rules: tuple[Rule, ...] = attrs.field(default=(), converter=_to_rules)
    claims: Mapping[str, str] = attrs.field(default=None, converter=_to_claims)
    revocation: str = attrs.field(default="memory")
    assertion_key: str | None = attrs.field(default=None, repr=False, validator=_optional_str)

    @site_id.validator
    def _check_site_id(self, attr: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _SITE_ID.fullmatch(value):
            raise ConfigError("site_id", f"{value!r} must be 1-128 of [A-Za-z0-9._:-]")

    @secure_cookies.validator
    def _check_secure(self, attr: attrs.Attribute[bool], value: bool) -> None:
        if not isinstance(value, bool):
            raise ConfigError("secure_cookies", f"{value!r} must be true or false")

    @header_prefix.validator
    def _check_prefix(self, attr: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*-", value):
            raise ConfigError("header_prefix", f"{value!r} must be letters/digits/'-', ending '-'")

    @endpoint_prefix.validator
    def _check_endpoint_prefix(self, attr: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", value):
            raise ConfigError("endpoint_prefix", f"{value!r} must look like '/.ohp'")

    @revocation.validator
    def _check_revocation(self, attr: attrs.Attribute[str], value: str) -> None:
        if value != "memory" and not (
            isinstance(value, str) and value.startswith(("redis://", "rediss://", "unix://"))
        ):
            raise ConfigError("revocation", f"{value!r} must be 'memory' or a redis:// URL")

    def __attrs_post_init__(self) -> None:
        if self.keys is None:
            if self.keys_file is None:
                raise ConfigError(
                    "keys",
                    "no keys: set keys, keys_file or OHP_GATEWAY_KEYS "
                    "(make one with `ohp-gateway keygen`)",
                )
            try:
                text = Path(self.keys_file).read_text()
            except OSError as exc:
                raise ConfigError(
                    "keys_file", f"cannot read {self.keys_file!r}: {exc.strerror}"
                ) from None
            object.__setattr__(self, "keys", Keyring.parse(text))
        name = self.cookie_name
        if name is None:
            name = "__Host-ohp_session" if self.secure_cookies else "ohp_session"
            object.__setattr__(self, "cookie_name", name)
        elif not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise ConfigError("cookie_name", f"{name!r} is not a valid cookie name")
        elif name.startswith(("__Host-", "__Secure-")) and not self.secure_cookies:
            raise ConfigError("cookie_name", f"{name!r} needs secure_cookies = true")
        if self.absolute_timeout < self.idle_timeout:
            raise ConfigError(
                "absolute_timeout",
                f"{self.absolute_timeout} is shorter than idle_timeout {self.idle_timeout}",
            )
        if self.refresh_interval >= self.idle_timeout:
            raise ConfigError(
                "refresh_interval",
                f"{self.refresh_interval} must be shorter "
                f"than idle_timeout {self.idle_timeout}, or sessions idle out",
            )
        if self.issuer is not None and not self.issuer.startswith(("https://", "http://")):
            raise ConfigError("issuer", f"{self.issuer!r} must be an http(s) URL")
        if self.issuer is not None and self.client_id is None:
            raise ConfigError("client_id", "required when issuer is set")

    @property
    def keyring(self) -> Keyring:
        assert self.keys is not None  # set in __attrs_post_init__
        return self.keys

    # -- loaders --------------------------------------------------------------------------

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "config") -> GatewayConfig:
        """Build from a plain mapping (a parsed TOML table); unknown keys are errors."""
        names = [a.name for a in attrs.fields(cls)]
        for key in data:
            if key not in names:
                near = difflib.get_close_matches(key, names, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise ConfigError(key, f"unknown key in {source}{hint}")
        if "site_id" not in data:
            raise ConfigError("site_id", f"required (missing from {source})")
        try:
            return cls(**data)
        except TypeError as exc:  # e.g. a value of the wrong shape reaching a converter
            raise ConfigError("config", f"{source}: {exc}") from None

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> GatewayConfig:
        """Read a TOML file; keys at top level or in a ``[gateway]`` table."""
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except OSError as exc:
            raise ConfigError(
                "config", f"cannot read {os.fspath(path)!r}: {exc.strerror}"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("config", f"{os.fspath(path)!r} is not valid TOML: {exc}") from None
        if isinstance(data.get("gateway"), dict):
            data = data["gateway"]
        base = Path(path).parent
        if isinstance(data.get("keys_file"), str):
            data["keys_file"] = str(base / data["keys_file"])
        return cls.from_mapping(data, source=os.fspath(path))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GatewayConfig:
        """``OHP_GATEWAY_<KEY>`` variables, over the TOML file ``OHP_GATEWAY_CONFIG`` if set."""
        env = os.environ if environ is None else environ
        data: dict[str, Any] = {}
        if env.get(ENV_PREFIX + "CONFIG"):
            data = attrs.asdict(cls.from_toml(env[ENV_PREFIX + "CONFIG"]), recurse=False)
        for attr in attrs.fields(cls):
            raw = env.get(ENV_PREFIX + attr.name.upper())
            if raw is not None:
                data[attr.name] = _parse_env(attr.name, raw)
        return cls.from_mapping(data, source="environment")

    def masked(self) -> dict[str, Any]:
        """The effective configuration with every secret masked (for check-config)."""
        out: dict[str, Any] = {}
        for attr in attrs.fields(type(self)):
            value = getattr(self, attr.name)
            if attr.name == "keys":
                value = [f"{kid}:***" for kid in self.keyring.ids()]
            elif attr.name in ("client_secret", "assertion_key") and value is not None:
                value = "***"
            elif attr.name == "rules":
                value = [_rule_dict(r) for r in value]
            elif attr.name == "claims":
                value = dict(value)
            out[attr.name] = value
        return out


def _rule_dict(rule: Rule) -> dict[str, Any]:
    d: dict[str, Any] = {"path": rule.path, "access": rule.access.value}
    if rule.methods is not None:
        d["methods"] = sorted(rule.methods)
    for k in ("roles_any", "roles_all", "tax_ids_any"):
        if getattr(rule, k):
            d[k] = list(getattr(rule, k))
    return d


_NUMBERS = {"idle_timeout", "absolute_timeout", "refresh_interval", "clock_skew"}


def _parse_env(name: str, raw: str) -> Any:
    key = ENV_PREFIX + name.upper()
    if name in _NUMBERS:
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(name, f"{key}={raw!r} is not a number") from None
    if name == "secure_cookies":
        lowered = raw.strip().lower()
        if lowered not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
            raise ConfigError(name, f"{key}={raw!r} must be true or false")
        return lowered in {"1", "true", "yes", "on"}
    if name in ("rules", "claims"):
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise ConfigError(name, f"{key} is not JSON: {exc}") from None
    return raw


def load_config(config: GatewayConfig | str | os.PathLike[str] | None) -> GatewayConfig:
    """A ``GatewayConfig``, a path to a TOML file, or None (read the environment)."""
    if isinstance(config, GatewayConfig):
        return config
    if config is None:
        return GatewayConfig.from_env()
    if isinstance(config, (str, os.PathLike)):
        return GatewayConfig.from_toml(config)
    raise TypeError(f"config: expected GatewayConfig, a TOML path or None, got {config!r}")
