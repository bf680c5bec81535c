"""Reading a WSGI environ: the strip function, the header view and the raw path."""

from __future__ import annotations

from typing import Any

import pytest

from ohp_gateway.wsgi import strip_identity_headers
from ohp_gateway.wsgi.environ import EnvironHeaders, request_from_environ, request_path


@pytest.mark.parametrize(
    ("key", "stripped"),
    [
        pytest.param("HTTP_X_OHP_ROLES", True, id="server-key"),
        pytest.param("HTTP_X_OHP_SUBSCRIBER_ID", True, id="other-identity-header"),
        pytest.param("HTTP_X_OHP_", True, id="bare-prefix"),
        pytest.param("HTTP_X-OHP-ROLES", True, id="hyphens-kept-by-server"),
        pytest.param("HTTP_x_ohp_roles", True, id="lowercase-key"),
        pytest.param("HTTP_X_Ohp-Roles", True, id="mixed"),
        pytest.param("HTTP_X_OHPROLES", False, id="no-separator"),
        pytest.param("HTTP_X_OTHER_ROLES", False, id="other-prefix"),
        pytest.param("X_OHP_ROLES", False, id="not-a-header-key"),
        pytest.param("HTTP_COOKIE", False, id="cookie"),
        pytest.param("ohp.subscriber", False, id="typed-subscriber-key"),
    ],
)
def test_strip_identity_headers(key: str, stripped: bool) -> None:
    environ: dict[str, Any] = {key: "Billing", "PATH_INFO": "/"}
    strip_identity_headers(environ, "x-ohp-")
    assert (key not in environ) is stripped
    assert environ["PATH_INFO"] == "/"


def test_strip_identity_headers_removes_every_match() -> None:
    environ: dict[str, Any] = {f"HTTP_X_OHP_{i}": "x" for i in range(5)}
    environ["HTTP_ACCEPT"] = "*/*"
    strip_identity_headers(environ, "x-ohp-")
    assert environ == {"HTTP_ACCEPT": "*/*"}


def test_strip_identity_headers_honours_a_custom_prefix() -> None:
    environ: dict[str, Any] = {"HTTP_X_SITE_ROLES": "a", "HTTP_X_OHP_ROLES": "b"}
    strip_identity_headers(environ, "x-site-")
    assert environ == {"HTTP_X_OHP_ROLES": "b"}


def test_environ_headers_reads_by_lowercase_name() -> None:
    environ = {
        "HTTP_COOKIE": "a=b",
        "CONTENT_TYPE": "text/plain",
        "HTTP_X_A": "1",
        "PATH_INFO": "/",
    }
    headers = EnvironHeaders(environ)
    assert headers["cookie"] == "a=b"
    assert headers.get("Content-Type") == "text/plain"
    assert headers.get("accept", "none") == "none"
    assert sorted(headers) == ["content-type", "cookie", "x-a"]
    assert len(headers) == 3
    with pytest.raises(KeyError):
        headers["accept"]


@pytest.mark.parametrize(
    ("environ", "path"),
    [
        pytest.param({"PATH_INFO": "/a/b"}, "/a/b", id="plain"),
        pytest.param({"PATH_INFO": ""}, "/", id="empty"),
        pytest.param({"SCRIPT_NAME": "/app", "PATH_INFO": "/x"}, "/app/x", id="script-name"),
        pytest.param({"PATH_INFO": "/a/b", "RAW_URI": "/a%2Fb?q=1"}, "/a%2Fb", id="raw-uri"),
        pytest.param({"PATH_INFO": "/a/b", "REQUEST_URI": "/a%2fb"}, "/a%2fb", id="request-uri"),
        pytest.param(
            {"PATH_INFO": "/a/b", "RAW_URI": "http://h.example/a%2Fb"}, "/a%2Fb", id="absolute-form"
        ),
        pytest.param(
            {"SCRIPT_NAME": "/app", "PATH_INFO": "/a", "RAW_URI": "/app/a"}, "/app/a", id="mounted"
        ),
        pytest.param(
            {"PATH_INFO": "/admin/", "RAW_URI": "/public/"}, "/admin/", id="rewritten-path-info"
        ),
        pytest.param({"PATH_INFO": "/a b%"}, "/a%20b%25", id="re-encoded"),
        pytest.param({"PATH_INFO": "/caf\xc3\xa9"}, "/caf%C3%A9", id="utf8-bytes-as-latin1"),
        pytest.param(
            {"PATH_INFO": "/caf\xc3\xa9", "RAW_URI": "/caf%C3%A9"}, "/caf%C3%A9", id="raw-utf8"
        ),
    ],
)
def test_request_path(environ: dict[str, Any], path: str) -> None:
    assert request_path(environ) == path


def test_request_from_environ_reads_method_query_scheme_and_host() -> None:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/x",
        "QUERY_STRING": "a=1",
        "wsgi.url_scheme": "https",
        "HTTP_HOST": "site.example",
    }
    request = request_from_environ(environ)
    assert (request.method, request.path, request.query) == ("POST", "/x", "a=1")
    assert (request.scheme, request.host) == ("https", "site.example")
