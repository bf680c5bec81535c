"""The engine's input and output: an immutable request view, and what to do with it."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from .identity import Subscriber
from .session import Session

__all__ = ["Forward", "Outcome", "Reply", "Request"]

Headers = tuple[tuple[str, str], ...]
RawHeaders = tuple[tuple[bytes, bytes], ...]
_EMPTY: Mapping[str, str] = MappingProxyType({})


class Request(NamedTuple):
    """What the engine needs of a request. ``headers`` is keyed by lowercase name.

    ``path`` is the path as received (still percent-encoded), without the query string.
    An immutable named tuple: one is built for every request, so it must be cheap.
    """

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = _EMPTY
    scheme: str = "https"
    host: str = ""
    body: bytes = b""  # read by adapters only when ``Gateway.needs_body`` says so

    @property
    def origin(self) -> str:
        """``scheme://host`` as the client addressed this site."""
        return f"{self.scheme}://{self.host or self.headers.get('host', '')}"

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name, default)


class Forward(NamedTuple):
    """Pass the request on to the app, with these identity headers and cookies.

    ``raw_headers`` are the same identity headers as lowercase latin-1 bytes, ready for ASGI.
    """

    subscriber: Subscriber | None
    headers: Headers = ()
    set_cookies: tuple[str, ...] = ()
    session: Session | None = None
    raw_headers: RawHeaders = ()


class Reply(NamedTuple):
    """Answer the request here; the app never sees it."""

    status: int
    headers: Headers = ()
    body: bytes = b""

    @classmethod
    def json(cls, status: int, data: Mapping[str, Any], headers: Headers = ()) -> Reply:
        body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        return cls(status, (*_NO_STORE, ("Content-Type", "application/json"), *headers), body)

    @classmethod
    def page(cls, status: int, title: str, message: str, headers: Headers = ()) -> Reply:
        body = (
            f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}"
            f"</title><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></html>"
        ).encode()
        return cls(
            status, (*_NO_STORE, ("Content-Type", "text/html; charset=utf-8"), *headers), body
        )

    @classmethod
    def redirect(cls, location: str, headers: Headers = ()) -> Reply:
        return cls(302, (*_NO_STORE, ("Location", location), *headers))

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


_NO_STORE: Headers = (("Cache-Control", "no-store"),)

Outcome = Forward | Reply
