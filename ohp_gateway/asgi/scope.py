"""Reading an ASGI scope: identity-header hygiene, a header view and the raw path.

Servers give ``scope["path"]`` percent-decoded and ``scope["raw_path"]`` as received. The
engine must see the path as the client sent it (``%2F`` is not ``/``), so ``raw_path`` is used
when it still agrees with ``path``; when something before us rewrote ``path`` (or the server
gives no ``raw_path``) the decoded path is percent-encoded again, so the policy always judges
the path the app will route on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from urllib.parse import quote, unquote

from ..outcome import Request
from .types import Scope

__all__ = ["RawHeaders", "ScopeHeaders", "request_from_scope", "request_path"]

RawHeaders = list[tuple[bytes, bytes]]

# Characters RFC 3986 allows unescaped in a path; everything else is percent-encoded.
_PATH_SAFE = "/!$&'()*+,;=:@-._~"


def strip_identity_headers(
    headers: Iterable[tuple[bytes, bytes]], prefix: str
) -> tuple[RawHeaders, str]:
    """A new header list without any header whose name reads as starting with ``prefix``,
    and the request's ``Cookie`` header (repeated ones joined with ``"; "``), in one pass.

    ``prefix`` is in the engine's form (``x-ohp-``). Case is ignored and ``_`` is read as
    ``-``: uvicorn passes ``X-OHP-Roles`` and ``X_OHP_Roles`` through as two separate headers,
    and a framework or a WSGI bridge behind us may merge them (Django CVE-2015-0219), so no
    spelling of ours may reach the app. The list is always new: the caller's scope, which the
    server may still hold, is never changed.
    """
    marker, width, first = _marker(prefix)
    kept: RawHeaders = []
    cookies: list[bytes] = []
    for name, value in headers:
        if name[:1] in first and name[:width].lower().replace(b"_", b"-") == marker:
            continue
        if name == b"cookie":
            cookies.append(value)
        kept.append((name, value))
    return kept, b"; ".join(cookies).decode("latin-1")


@lru_cache(maxsize=16)
def _marker(prefix: str) -> tuple[bytes, int, tuple[bytes, bytes]]:
    marker = prefix.encode("latin-1")
    return marker, len(marker), (marker[:1], marker[:1].upper())


@lru_cache(maxsize=64)
def _encoded(name: str) -> bytes:
    return name.lower().encode("latin-1")


class ScopeHeaders(Mapping[str, str]):
    """A read-only view of ASGI headers keyed by lowercase name; repeated ones are joined.

    Built per request without copying: the engine reads two or three headers at most.
    """

    __slots__ = ("_headers",)

    def __init__(self, headers: RawHeaders) -> None:
        self._headers = headers

    def get(self, name: str, default: str = "") -> str:  # type: ignore[override]
        key = _encoded(name)
        found: bytes | None = None
        for k, v in self._headers:
            if k == key:
                # RFC 9110 5.3 joins repeated fields with ", "; RFC 9113 8.2.3 cookies with "; ".
                found = v if found is None else found + _SEPARATOR.get(key, b", ") + v
        return default if found is None else found.decode("latin-1")

    def __getitem__(self, name: str) -> str:
        value = self.get(name, _MISSING)
        if value is _MISSING:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k.decode("latin-1") for k, _ in self._headers))

    def __len__(self) -> int:
        return len({k for k, _ in self._headers})


_SEPARATOR = {b"cookie": b"; "}
_MISSING = "\0missing"


def request_path(scope: Scope) -> str:
    """The full request path as the client sent it, percent-encoded."""
    path: str = scope.get("path") or "/"
    raw_bytes: bytes | None = scope.get("raw_path")
    if raw_bytes:
        raw = raw_bytes.decode("latin-1")
        if raw == path or ("%" in raw and unquote(raw) == path):
            return raw
    return quote(path.encode("utf-8", "surrogateescape"), safe=_PATH_SAFE)


def request_from_scope(scope: Scope, headers: RawHeaders) -> Request:
    """The engine's view of an ``http`` or ``websocket`` scope with the given headers."""
    return Request(
        scope.get("method", "GET"),
        request_path(scope),
        scope.get("query_string", b"").decode("latin-1"),
        ScopeHeaders(headers),
        scope.get("scheme", "http"),
        # host: left to Request.origin, which reads the Host header only when it is needed
    )
