from __future__ import annotations

import re
from collections.abc import Mapping

import pytest
from werkzeug.test import Client, TestResponse

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import create_app, totp
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.web.app import IdpApp

from ..conftest import PASSWORD, Org, make_org

SECRET = b"s" * 32
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A Werkzeug test client that fills in the CSRF token the way a browser would."""

    def __init__(self, app: IdpApp, base_url: str = "http://localhost") -> None:
        self.app = app
        self.client = Client(app)
        self.base_url = base_url

    def get(self, path: str, **kwargs: object) -> TestResponse:
        return self.client.get(path, base_url=self.base_url, **kwargs)  # type: ignore[arg-type]

    def csrf(self, path: str = "/login") -> str:
        match = _CSRF.search(self.get(path).text)
        assert match is not None, f"no CSRF token on {path}"
        return match[1]

    def post(
        self, path: str, data: Mapping[str, object], *, token_from: str | None = None
    ) -> TestResponse:
        """Fetch the form's page for a token, then post the form with it."""
        token = self.csrf(token_from or path)
        return self.raw_post(path, {**data, "csrf_token": token})

    def raw_post(self, path: str, data: Mapping[str, object]) -> TestResponse:
        return self.client.post(path, data=dict(data), base_url=self.base_url)

    def cookie(self, name: str) -> str | None:
        found = self.client.get_cookie(name, domain="localhost")
        return found.value if found is not None else None

    def sign_in(
        self, subscriber_id: str, password: str = PASSWORD, next_url: str = ""
    ) -> TestResponse:
        data = {"subscriber_id": subscriber_id, "password": password, "next": next_url}
        return self.post("/login", data)

    def second_factor(self, code: str, next_url: str = "") -> TestResponse:
        return self.post("/login/totp", {"code": code, "next": next_url})


def fresh_code(clock: FakeClock, secret: str) -> str:
    """A code of a step not used yet (each step is accepted once)."""
    clock.advance(30)
    return totp.now_code(secret, clock.now())


class Admin:
    def __init__(self, org: Org, secret: str) -> None:
        self.org = org
        self.id = org.admin.id
        self.secret = secret


@pytest.fixture
def app(ctx: Context, support_admin: Admin) -> IdpApp:
    return create_app(
        ctx, secure_cookies=False, secret_key=SECRET, support_operators=[support_admin.id]
    )


@pytest.fixture
def browser(app: IdpApp) -> Browser:
    return Browser(app)


def _admin(ctx: Context, **kwargs: object) -> Admin:
    org = make_org(ctx, **kwargs)
    with ctx.store.read() as tx:
        secret = tx.scalar("SELECT totp_secret FROM subscribers WHERE id = ?", (org.admin.id,))
    return Admin(org, str(secret))


@pytest.fixture
def admin(ctx: Context) -> Admin:
    return _admin(ctx)


@pytest.fixture
def support_admin(ctx: Context) -> Admin:
    return _admin(
        ctx,
        name="Community Support Desk",
        tax_ids=["94-7777777"],
        email="sam.support@desk.example",
    )


@pytest.fixture
def admin_browser(browser: Browser, admin: Admin, clock: FakeClock) -> Browser:
    browser.sign_in(admin.id)
    response = browser.second_factor(fresh_code(clock, admin.secret))
    assert response.status_code == 303, response.text
    return browser


@pytest.fixture
def support_browser(browser: Browser, support_admin: Admin, clock: FakeClock) -> Browser:
    browser.sign_in(support_admin.id)
    response = browser.second_factor(fresh_code(clock, support_admin.secret))
    assert response.status_code == 303, response.text
    return browser


def field_error(response: TestResponse, field: str) -> str:
    """The text of the error tied to ``field``'s input, or ''."""
    match = re.search(rf'id="f-{re.escape(field)}-error">([^<]*)<', response.text)
    return match[1] if match else ""
