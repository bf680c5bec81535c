"""The few kinds of HTTP answers the provider gives: JSON, redirects, and a plain error page.

Protocol answers carry ``Cache-Control: no-store`` (RFC 6749 5.1) unless they are public
metadata. The error page is for the browser when redirecting back would be unsafe (unknown
client, unregistered redirect URI: RFC 6749 4.1.2.1 forbids the redirect).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit

from werkzeug.wrappers import Response

__all__ = ["error_page", "json_reply", "oauth_error", "page", "public_json", "redirect_with"]

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_reply(
    data: object, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON answer that no cache keeps."""
    body = json.dumps(data, separators=(",", ":"))
    return Response(body, status, {**NO_STORE, **(headers or {})}, mimetype="application/json")


def public_json(data: object, max_age: int) -> Response:
    """Public metadata (discovery, JWKS): cacheable, readable from any origin."""
    body = json.dumps(data, separators=(",", ":"))
    headers = {"Cache-Control": f"public, max-age={max_age}", "Access-Control-Allow-Origin": "*"}
    return Response(body, 200, headers, mimetype="application/json")


def oauth_error(
    error: str, description: str, status: int = 400, headers: Mapping[str, str] | None = None
) -> Response:
    """RFC 6749 5.2 error body."""
    return json_reply({"error": error, "error_description": description}, status, headers)


def page(status: int, title: str, message: str) -> Response:
    """A minimal, escaped HTML page (no script, no external resources)."""
    body = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title><main><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(message)}</p></main></html>"
    )
    return Response(body, status, dict(NO_STORE), mimetype="text/html")


def error_page(message: str, status: int = 400) -> Response:
    return page(status, "Sign-in request refused", message)


def redirect_with(uri: str, params: Mapping[str, str | None]) -> Response:
    """Redirect to a registered URI, adding ``params`` to the query it already has."""
    parts = urlsplit(uri)
    extra = urlencode({k: v for k, v in params.items() if v is not None})
    query = f"{parts.query}&{extra}" if parts.query and extra else parts.query or extra
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return Response(status=302, headers={"Location": location, **NO_STORE})
