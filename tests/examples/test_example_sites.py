"""Each example site, under its framework's own test client: the one-line promise holds."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import werkzeug.test
from example_support import session_cookie, subscriber

Get = Callable[[str, list[tuple[str, str]]], tuple[int, dict[str, str], str]]


def _werkzeug(client: werkzeug.test.Client) -> Get:
    def get(path: str, headers: list[tuple[str, str]]) -> tuple[int, dict[str, str], str]:
        response = client.get(path, headers=headers, base_url="https://testserver")
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status_code, headers, response.get_data(as_text=True)

    return get


def _starlette(app: object) -> Get:
    with warnings.catch_warnings():  # Starlette 1.x prefers the httpx2 fork; httpx still works
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient
    client = TestClient(app, base_url="https://testserver")  # type: ignore[arg-type]

    def get(path: str, headers: list[tuple[str, str]]) -> tuple[int, dict[str, str], str]:
        response = client.get(path, headers=headers, follow_redirects=False)
        return response.status_code, dict(response.headers.items()), response.text

    return get


def _flask(toml: Path) -> Get:
    from examples.flask_app import create_app

    return _werkzeug(create_app(str(toml)).test_client(use_cookies=False))


def _fastapi(toml: Path) -> Get:
    from examples.fastapi_app import create_app

    return _starlette(create_app(str(toml)))


def _starlette_site(toml: Path) -> Get:
    from examples.starlette_app import create_app

    return _starlette(create_app(str(toml)))


def _django(kind: str) -> Callable[[Path], Get]:
    def make(toml: Path) -> Get:
        with pytest.MonkeyPatch.context() as env:  # the entry points read the environment
            env.setenv("OHP_GATEWAY_CONFIG", str(toml))
            module = importlib.import_module(f"examples.django_site.{kind}")
            module = importlib.reload(module)
        if kind == "wsgi":
            return _werkzeug(werkzeug.test.Client(module.application, use_cookies=False))
        return _starlette(module.application)

    return make


SITES = [
    pytest.param(_flask, id="flask"),
    pytest.param(_django("wsgi"), id="django-wsgi"),
    pytest.param(_fastapi, id="fastapi"),
    pytest.param(_starlette_site, id="starlette"),
    pytest.param(_django("asgi"), id="django-asgi"),
]


@pytest.fixture(params=SITES)
def get(request: pytest.FixtureRequest, site_toml: Path) -> Iterator[Get]:
    yield request.param(site_toml)


pytestmark = pytest.mark.filterwarnings(
    "ignore:Using `httpx` with `starlette.testclient` is deprecated"
)


def test_valid_cookie_shows_the_subscriber(get: Get, site_toml: Path) -> None:
    status, _, body = get("/", [("Cookie", session_cookie(site_toml, subscriber()))])
    assert status == 200
    assert "Hello, Jane Doe" in body
    assert "91-1234567" in body
    assert "91-7654321" in body
    assert "Clinician" in body
    assert "X-Ohp-Roles: Clinician" in body


def test_no_cookie_redirects_to_sign_in(get: Get) -> None:
    status, headers, _ = get("/", [])
    assert status == 302
    assert headers["location"].endswith("/.ohp/login?return_to=/") or headers["Location"].endswith(
        "/.ohp/login?return_to=/"
    )


def test_claims_without_billing_role_is_403(get: Get, site_toml: Path) -> None:
    status, _, _ = get("/claims/", [("Cookie", session_cookie(site_toml, subscriber()))])
    assert status == 403


def test_claims_with_billing_role_is_shown(get: Get, site_toml: Path) -> None:
    billing = subscriber(roles=("Billing",))
    status, _, body = get("/claims/", [("Cookie", session_cookie(site_toml, billing))])
    assert status == 200
    assert "Claims for Valley Clinic" in body


@pytest.mark.parametrize("name", ["X-OHP-Roles", "X_OHP_Roles", "x-ohp-roles"])
def test_spoofed_role_header_grants_nothing(get: Get, site_toml: Path, name: str) -> None:
    cookie = ("Cookie", session_cookie(site_toml, subscriber()))
    assert get("/claims/", [cookie, (name, "Billing")])[0] == 403
    status, _, body = get("/public/", [(name, "SpoofedRole")])
    assert status == 200
    assert "SpoofedRole" not in body
