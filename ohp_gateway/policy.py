"""Ordered access rules over normalised paths. First match wins; the default is authenticated.

Paths are matched after normalisation: percent-decoding (``%2F`` and ``%5C`` too), ``\\`` read
as ``/``, dot-segment removal, duplicate-slash folding and lowercasing. Servers and frameworks
disagree on whether they decode before resolving dot segments, and on how often they decode,
so a path is judged under each reading that differs, and access needs every reading to allow
it: encoding can bring a path under more rules, never fewer. Rules match the path only, never
the query string (oauth2-proxy's skip-auth rules matched the query) and nothing else in a
request bypasses them (oauth2-proxy's health-check User-Agent bypass).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

import attrs

from .errors import ConfigError
from .identity import Subscriber

__all__ = [
    "Access",
    "Decision",
    "Policy",
    "Rule",
    "Verdict",
    "normalise_path",
    "path_readings",
]

_METHOD = re.compile(r"[A-Z]{1,20}")
_SLASHES = re.compile(r"/{2,}")
_MAX_DECODE_ROUNDS = 4
_ODD = re.compile(r"%|\\|//|/\.\.?(?:/|$)")  # what normalisation could change
_VERDICT_CACHE = 2048


class Access(enum.Enum):
    PUBLIC = "public"
    AUTHENTICATED = "authenticated"
    PASSIVE = "passive"  # authenticated, but not activity: never extends the session


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    for seg in path.split("/"):
        if seg == "..":
            if len(out) > 1:
                out.pop()
        elif seg != ".":
            out.append(seg)
    result = "/".join(out)
    if path.endswith(("/.", "/..")):
        result += "/"
    return result


def _fold(path: str) -> str:
    return _SLASHES.sub("/", "/" + path.replace("\\", "/").lower())


def _canonical(path: str) -> str:
    return _SLASHES.sub("/", _remove_dot_segments(_fold(path)))


def normalise_path(raw_path: str) -> str:
    """Decode once, then resolve: the common reading of a request path."""
    return _canonical(unquote(raw_path, errors="surrogateescape"))


def path_readings(raw_path: str) -> frozenset[str]:
    """Every normalised form a server or framework might give ``raw_path``."""
    if not _ODD.search(raw_path) and raw_path.startswith("/"):
        return frozenset((raw_path.lower(),))  # nothing to decode, resolve or fold
    readings = {normalise_path(raw_path)}
    if "%" in raw_path:
        # Dots resolved before decoding (a literal "%2e%2e" stays a name).
        readings.add(_fold(unquote(_canonical(raw_path), errors="surrogateescape")))
        # Decoded until stable (double encoding, "%252e").
        decoded = raw_path
        for _ in range(_MAX_DECODE_ROUNDS):
            again = unquote(decoded, errors="surrogateescape")
            if again == decoded:
                break
            decoded = again
        readings.add(_canonical(decoded))
    return frozenset(readings)


@attrs.frozen(slots=True)
class Decision:
    """What a request needs: its access kind, and the rule that decided it (None = default)."""

    access: Access
    rule: Rule | None


def _str_tuple(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ConfigError(key, f"{value!r} must be a list of strings")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ConfigError(f"{key}[{i}]", f"{item!r} must be a non-empty string")
    return tuple(value)


@attrs.frozen(slots=True)
class Rule:
    """One access rule. Build from config with :meth:`from_mapping`."""

    path: str
    access: Access = Access.AUTHENTICATED
    methods: frozenset[str] | None = None
    roles_any: tuple[str, ...] = ()
    roles_all: tuple[str, ...] = ()
    tax_ids_any: tuple[str, ...] = ()
    _match: str = attrs.field(init=False, repr=False, eq=False)
    _prefix: bool = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        canon = _canonical(self.path)
        object.__setattr__(self, "_prefix", canon.endswith("/"))  # "/" covers every path
        object.__setattr__(self, "_match", canon.rstrip("/"))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], key: str = "rules[0]") -> Rule:
        known = {"path", "methods", "public", "passive", "authenticated"}
        known |= {"roles_any", "roles_all", "tax_ids_any"}
        for name in data:
            if name not in known:
                raise ConfigError(f"{key}.{name}", f"unknown rule key; known: {sorted(known)}")
        path = data.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise ConfigError(f"{key}.path", f"{path!r} must be a path starting with '/'")
        kinds = [k for k in ("public", "passive", "authenticated") if data.get(k)]
        kinds += [k for k in ("roles_any", "roles_all", "tax_ids_any") if k in data]
        for flag in ("public", "passive", "authenticated"):
            if flag in data and not isinstance(data[flag], bool):
                raise ConfigError(f"{key}.{flag}", f"{data[flag]!r} must be true or false")
        if len(kinds) > 1:
            raise ConfigError(
                key,
                f"give one of public, passive, roles_any, roles_all, "
                f"tax_ids_any (got {', '.join(kinds)})",
            )
        methods = None
        if "methods" in data:
            methods = frozenset(m.upper() for m in _str_tuple(f"{key}.methods", data["methods"]))
            for m in methods:
                if not _METHOD.fullmatch(m):
                    raise ConfigError(f"{key}.methods", f"{m!r} is not an HTTP method")
            if "GET" in methods:
                methods |= {"HEAD"}  # frameworks answer HEAD with the GET view
        kind = kinds[0] if kinds else "authenticated"
        lists = {
            k: _str_tuple(f"{key}.{k}", data[k])
            for k in ("roles_any", "roles_all", "tax_ids_any")
            if k in data
        }
        for k, items in lists.items():
            if not items:
                raise ConfigError(f"{key}.{k}", "is empty, so no subscriber could pass")
        access = {"public": Access.PUBLIC, "passive": Access.PASSIVE}.get(
            kind, Access.AUTHENTICATED
        )
        return cls(path=path, access=access, methods=methods, **lists)

    def matches(self, method: str, path: str) -> bool:
        """``path`` is already normalised."""
        if self.methods is not None and method not in self.methods:
            return False
        if self._prefix:
            return path == self._match or path.startswith(self._match + "/")
        return path == (self._match or "/") or path == self._match + "/"

    def permits(self, subscriber: Subscriber) -> bool:
        if self.roles_any and not any(r in subscriber.roles for r in self.roles_any):
            return False
        if self.roles_all and not all(r in subscriber.roles for r in self.roles_all):
            return False
        return not self.tax_ids_any or any(t in subscriber.tax_ids for t in self.tax_ids_any)


_DEFAULT = Decision(Access.AUTHENTICATED, None)


class Policy:
    """Ordered rules; :meth:`evaluate` gives the verdict for a request."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules = tuple(rules)
        self._cache: dict[tuple[str, str], Verdict] = {}

    def _first(self, method: str, path: str) -> Decision:
        for rule in self.rules:
            if rule.matches(method, path):
                return Decision(rule.access, rule)
        return _DEFAULT

    def evaluate(self, method: str, raw_path: str) -> Verdict:
        """The verdict for a request: the decision under every reading of its path."""
        key = (method, raw_path)
        verdict = self._cache.get(key)
        if verdict is None:
            verdict = self._evaluate(method.upper(), raw_path)
            if len(self._cache) >= _VERDICT_CACHE:
                del self._cache[next(iter(self._cache))]
            self._cache[key] = verdict
        return verdict

    def _evaluate(self, method: str, raw_path: str) -> Verdict:
        readings = sorted(path_readings(raw_path))
        return Verdict(tuple({self._first(method, p): None for p in readings}))


class Verdict:
    """All decisions that apply to a request; each must allow it. Computed once per path."""

    __slots__ = ("_checks", "decisions", "passive", "public")

    def __init__(self, decisions: tuple[Decision, ...]) -> None:
        self.decisions = decisions
        self.public = all(d.access is Access.PUBLIC for d in decisions)
        self.passive = any(d.access is Access.PASSIVE for d in decisions)
        # Rules that look at roles or Tax IDs; the rest only need a subscriber.
        self._checks = tuple(
            d.rule for d in decisions if d.access is not Access.PUBLIC and d.rule is not None
        )

    def allows(self, subscriber: Subscriber | None) -> bool:
        if self.public:
            return True
        if subscriber is None:
            return False
        return all(rule.permits(subscriber) for rule in self._checks)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Verdict) and other.decisions == self.decisions

    def __hash__(self) -> int:
        return hash(self.decisions)

    def __repr__(self) -> str:
        return f"Verdict(decisions={self.decisions!r})"
