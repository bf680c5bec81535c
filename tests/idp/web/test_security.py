from __future__ import annotations

import pytest

from ohp_gateway.idp import create_app
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.web.app import ROUTES
from ohp_gateway.idp.web.security import CSP

from ..conftest import Org, add_member
from .conftest import SECRET, Browser

PATHS = sorted({r.path.replace("<name>", "style.css") for r in ROUTES})


def _assert_headers(response: object, https: bool = False) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["Content-Security-Policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert ("Strict-Transport-Security" in headers) is https


@pytest.mark.parametrize("path", PATHS)
def test_every_page_carries_the_security_headers(support_browser: Browser, path: str) -> None:
    response = support_browser.get(path)
    assert response.status_code < 500
    _assert_headers(response)


def test_error_responses_carry_them_too(browser: Browser) -> None:
    for response in (
        browser.get("/no/such/page"),
        browser.client.delete("/login"),
        browser.raw_post("/login", {}),
    ):
        assert response.status_code in (400, 404, 405)
        _assert_headers(response)


def test_unknown_route_and_wrong_method_pages(browser: Browser) -> None:
    missing = browser.get("/nowhere")
    assert missing.status_code == 404 and "Page not found" in missing.text
    wrong = browser.client.put("/profile")
    assert wrong.status_code == 405 and "does not accept PUT" in wrong.text
    assert "GET" in wrong.headers["Allow"]


def test_no_inline_script_or_style(support_browser: Browser) -> None:
    for path in PATHS:
        text = support_browser.get(path).text
        assert "<script" not in text and "style=" not in text and "<style" not in text


def test_https_gets_hsts_and_host_prefixed_cookies(ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    app = create_app(ctx, secret_key=SECRET)
    browser = Browser(app, base_url="https://localhost")
    first = browser.get("/login")
    _assert_headers(first, https=True)
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("__Host-ohp_idp_browser=") and "Secure" in cookie
    response = browser.sign_in(member)
    session = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-ohp_idp=")
    )
    assert all(part in session for part in ("Secure", "HttpOnly", "Path=/", "SameSite=Lax"))
    assert "Max-Age" not in session and "Domain" not in session
    assert browser.get("/profile").status_code == 200


def test_pages_are_not_cached(browser: Browser) -> None:
    assert browser.get("/login").headers["Cache-Control"] == "no-store"


def test_sessions_survive_between_app_instances(ctx: Context, org: Org) -> None:
    """Workers share the store and secret: one signs in, another serves the next page."""
    member = add_member(ctx, org)
    one = Browser(create_app(ctx, secure_cookies=False, secret_key=SECRET))
    one.sign_in(member)
    two = create_app(ctx, secure_cookies=False, secret_key=SECRET)
    one.client.application = two
    assert one.get("/profile").status_code == 200
