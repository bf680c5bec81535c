"""DESIGN "Gateway endpoints": answered by the gateway, never by the app."""

from __future__ import annotations

import json

import pytest

from ohp_gateway import Subscriber

from .harness import Client


def test_health_answers_without_the_app(client: Client) -> None:
    result = client.get("/.ohp/health")
    assert result.status == 200
    assert json.loads(result.body) == {"status": "ok"}
    assert result.header("content-length") == str(len(result.body))
    assert result.seen is None


def test_session_endpoint_describes_the_session(client: Client, jane: Subscriber) -> None:
    result = client.get("/.ohp/session", cookie=client.cookie(jane))
    body = json.loads(result.body)
    assert body["authenticated"] is True
    assert body["subscriber"]["subscriber_id"] == "S2000001"
    assert body["idle_expires_at"] == client.clock.now() + 1800
    assert body["absolute_expires_at"] == jane.auth_time + 28800


def test_session_endpoint_without_a_session_is_401(client: Client) -> None:
    result = client.get("/.ohp/session")
    assert result.status == 401
    assert json.loads(result.body)["authenticated"] is False


@pytest.mark.parametrize(
    "return_to",
    [
        pytest.param("//evil.example/", id="scheme-relative"),
        pytest.param("/\\evil.example/", id="backslash"),
        pytest.param("https://evil.example/", id="absolute"),
        pytest.param("/x%0d%0aSet-Cookie:a=b", id="crlf"),
    ],
)
def test_login_rejects_a_foreign_return_to(client: Client, return_to: str) -> None:
    result = client.get(f"/.ohp/login?return_to={return_to}")
    assert result.status == 400
    assert json.loads(result.body)["field"] == "return_to"


def test_logout_clears_the_cookie_and_revokes_the_session(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    result = client.request("POST", "/.ohp/logout?return_to=/bye", cookie=cookie)
    assert result.status == 302
    assert result.header("location") == "/bye"
    assert "Max-Age=0" in result.set_cookies[0]
    assert client.get("/", cookie=cookie).status == 302


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("/.OHP/health", id="case"),
        pytest.param("//.ohp/health", id="double-slash"),
        pytest.param("/%2eohp/health", id="encoded-dot"),
        pytest.param("/x/../.ohp/health", id="dot-dot"),
    ],
)
def test_endpoint_prefix_is_matched_after_normalisation(client: Client, target: str) -> None:
    result = client.get(target)
    assert result.status == 200
    assert result.seen is None


def test_unknown_endpoint_is_404_from_the_gateway(client: Client) -> None:
    result = client.get("/.ohp/nope")
    assert result.status == 404
    assert result.seen is None


def test_wrong_method_on_an_endpoint_is_405_with_allow(client: Client) -> None:
    result = client.request("DELETE", "/.ohp/health")
    assert result.status == 405
    assert result.header("allow") == "GET, HEAD"


def test_forward_auth_endpoint_judges_the_forwarded_uri(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    ok = client.get("/.ohp/auth", [("X-Forwarded-Uri", "/patients/")], cookie=cookie)
    assert ok.status == 200
    assert ok.header("x-ohp-roles") == "Clinician"
    denied = client.get("/.ohp/auth", [("X-Forwarded-Uri", "/claims/")], cookie=cookie)
    assert denied.status == 403
    assert client.get("/.ohp/auth", [("X-Forwarded-Uri", "/patients/")]).status == 401
