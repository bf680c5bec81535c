"""Reading a WSGI ``environ``: identity-header hygiene, a header view and the raw path.

PEP 3333 hands the app ``PATH_INFO`` already percent-decoded (as latin-1 text of the raw
bytes), so ``%2F`` and ``/`` look alike there. The engine must see the path as the client sent
it, so when the server also gives the request target (gunicorn ``RAW_URI``, uWSGI and
mod_wsgi ``REQUEST_URI``) and it still agrees with ``SCRIPT_NAME + PATH_INFO``, that is used;
otherwise the decoded path is percent-encoded again. The agreement check matters: a
middleware in front of ours may have rewritten ``PATH_INFO``, and the policy must judge the
path the app will route on, not a stale one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote_to_bytes, urlsplit

from ..outcome import Request

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["EnvironHeaders", "environ_key", "request_from_environ", "request_path"]

# Characters RFC 3986 allows unescaped in a path; everything else is percent-encoded.
_PATH_SAFE = "/!$&'()*+,;=:@-._~"
_UNPREFIXED = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


@lru_cache(maxsize=256)
def environ_key(name: str) -> str:
    """The ``environ`` key a server files header ``name`` under (``X-A_b`` -> ``HTTP_X_A_B``)."""
    lowered = name.lower()
    return _UNPREFIXED.get(lowered) or "HTTP_" + lowered.upper().replace("-", "_")


def strip_identity_headers(environ: WSGIEnvironment, prefix: str) -> None:
    """Delete every ``HTTP_*`` key that reads as a header starting with ``prefix``.

    ``prefix`` is in the engine's form (``x-ohp-``). A key is compared with ``_`` read as ``-``
    and case ignored, because WSGI servers file ``X-OHP-Roles`` and ``X_OHP_Roles`` under the
    same key ``HTTP_X_OHP_ROLES`` (Django CVE-2015-0219; gunicorn < 22, and gunicorn with
    ``header_map = "dangerous"``, merge them), so no spelling of ours may survive.
    """
    marker = "HTTP_" + prefix.upper().replace("-", "_")
    # One pass over all keys at once: most requests carry none of ours, and a gunicorn
    # environ has 25-30 keys, so this is several times cheaper than testing each key.
    if "\0" + marker not in "\0" + "\0".join(environ).upper().replace("-", "_"):
        return
    width = len(marker)
    doomed = [k for k in environ if k[:width].upper().replace("-", "_") == marker]
    for key in doomed:
        del environ[key]


class EnvironHeaders(Mapping[str, str]):
    """A read-only view of the request headers in ``environ``, keyed by lowercase name.

    Built per request without copying: the engine reads two or three headers at most.
    """

    __slots__ = ("_environ",)

    def __init__(self, environ: WSGIEnvironment) -> None:
        self._environ = environ

    def __getitem__(self, name: str) -> str:
        value = self._environ[environ_key(name)]
        if not isinstance(value, str):
            raise KeyError(name)
        return value

    def get(self, name: str, default: str = "") -> str:  # type: ignore[override]
        value = self._environ.get(environ_key(name))
        return value if isinstance(value, str) else default

    def __iter__(self) -> Iterator[str]:
        for key in self._environ:
            if key.startswith("HTTP_"):
                yield key[5:].lower().replace("_", "-")
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                yield key.lower().replace("_", "-")

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _wsgi_bytes(text: str) -> bytes:
    """PEP 3333 "bytes as latin-1 text" back to bytes (UTF-8 if a server broke the rule)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _target_path(target: str) -> str:
    """The path of a request target: origin-form ``/p?q`` or absolute-form ``http://h/p``."""
    if target.startswith("/"):
        return target.partition("?")[0].partition("#")[0]
    return urlsplit(target).path or "/"


def request_path(environ: WSGIEnvironment) -> str:
    """The full request path as the client sent it, percent-encoded, ``SCRIPT_NAME`` included."""
    decoded = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if target:
        raw = _target_path(target)
        if raw == decoded or ("%" in raw and unquote_to_bytes(raw) == _wsgi_bytes(decoded)):
            return raw
    return quote(_wsgi_bytes(decoded), safe=_PATH_SAFE) or "/"


def request_from_environ(environ: WSGIEnvironment) -> Request:
    """The engine's view of a WSGI request (headers are a live view, not a copy)."""
    return Request(
        environ.get("REQUEST_METHOD", "GET"),
        request_path(environ),
        environ.get("QUERY_STRING", ""),
        EnvironHeaders(environ),
        environ.get("wsgi.url_scheme", "http"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
    )
