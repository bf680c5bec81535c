"""Reading an ASGI scope: the strip function, the header view and the raw path."""

from __future__ import annotations

from typing import Any

import pytest

from ohp_gateway.asgi import strip_identity_headers
from ohp_gateway.asgi.scope import ScopeHeaders, request_from_scope, request_path


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        pytest.param(b"x-ohp-roles", True, id="lowercase"),
        pytest.param(b"X-OHP-Roles", True, id="server-kept-case"),
        pytest.param(b"x_ohp_roles", True, id="underscores"),
        pytest.param(b"X_Ohp-Roles", True, id="mixed"),
        pytest.param(b"x-ohp-", True, id="bare-prefix"),
        pytest.param(b"x-ohproles", False, id="no-separator"),
        pytest.param(b"x-other-roles", False, id="other-prefix"),
        pytest.param(b"x", False, id="short"),
        pytest.param(b"cookie", False, id="cookie"),
    ],
)
def test_strip_identity_headers(name: bytes, stripped: bool) -> None:
    headers = [(b"host", b"h"), (name, b"Billing")]
    kept, _ = strip_identity_headers(headers, "x-ohp-")
    assert kept == ([(b"host", b"h")] if stripped else headers)


def test_strip_identity_headers_removes_repeated_headers_and_keeps_order() -> None:
    headers = [(b"a", b"1"), (b"x-ohp-roles", b"x"), (b"b", b"2"), (b"x_ohp_roles", b"y")]
    assert strip_identity_headers(headers, "x-ohp-")[0] == [(b"a", b"1"), (b"b", b"2")]


def test_strip_identity_headers_returns_a_new_list() -> None:
    headers = [(b"a", b"1")]
    result, _ = strip_identity_headers(headers, "x-ohp-")
    assert result == headers
    assert result is not headers


def test_strip_identity_headers_also_finds_the_cookie_header() -> None:
    headers = [(b"cookie", b"a=1"), (b"x-ohp-x", b"y"), (b"cookie", b"b=2")]
    assert strip_identity_headers(headers, "x-ohp-")[1] == "a=1; b=2"
    assert strip_identity_headers([], "x-ohp-")[1] == ""


def test_scope_headers_join_repeated_values() -> None:
    headers = ScopeHeaders(
        [(b"cookie", b"a=1"), (b"accept", b"text/html"), (b"cookie", b"b=2"), (b"accept", b"*/*")]
    )
    assert headers["cookie"] == "a=1; b=2"
    assert headers.get("Accept") == "text/html, */*"
    assert headers.get("host", "none") == "none"
    assert list(headers) == ["cookie", "accept"]
    assert len(headers) == 2


@pytest.mark.parametrize(
    ("scope", "path"),
    [
        pytest.param({"path": "/a/b", "raw_path": b"/a%2Fb"}, "/a%2Fb", id="raw-path"),
        pytest.param({"path": "/a/b"}, "/a/b", id="no-raw-path"),
        pytest.param({"path": "/a b"}, "/a%20b", id="re-encoded"),
        pytest.param({"path": "/café"}, "/caf%C3%A9", id="non-ascii"),
        pytest.param({"path": "/admin/", "raw_path": b"/public/"}, "/admin/", id="rewritten-path"),
        pytest.param({"path": "/x", "raw_path": None}, "/x", id="raw-path-none"),
        pytest.param({"path": "/app/x", "raw_path": b"/app/x", "root_path": "/app"}, "/app/x",
                     id="root-path"),
    ],
)  # fmt: skip
def test_request_path(scope: dict[str, Any], path: str) -> None:
    assert request_path(scope) == path


def test_request_from_scope_reads_websocket_as_get() -> None:
    scope = {"type": "websocket", "path": "/ws", "query_string": b"a=1", "scheme": "wss"}
    request = request_from_scope(scope, [(b"host", b"site.example")])
    assert (request.method, request.path, request.query) == ("GET", "/ws", "a=1")
    assert request.origin == "wss://site.example"
