"""DESIGN "Access policy": redirect vs 401 vs 403, rules, and path-encoding bypasses."""

from __future__ import annotations

import json

import pytest

from ohp_gateway import Subscriber

from .harness import APP_BODY, Client, contract_subscriber

BROWSER = [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")]
API = [("Accept", "application/json")]


def test_anonymous_browser_navigation_is_redirected_to_sign_in(client: Client) -> None:
    result = client.get("/patients/42?tab=claims", BROWSER)
    assert result.status == 302
    assert result.header("location") == "/.ohp/login?return_to=/patients/42%3Ftab%3Dclaims"
    assert result.header("cache-control") == "no-store"
    assert result.seen is None


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        pytest.param("GET", API, id="get-accepting-json"),
        pytest.param("POST", BROWSER, id="post"),
        pytest.param("DELETE", (), id="delete"),
    ],
)
def test_anonymous_api_request_gets_401_json(
    client: Client, method: str, headers: list[tuple[str, str]]
) -> None:
    result = client.request(method, "/patients/", headers)
    assert result.status == 401
    assert result.header("content-type") == "application/json"
    assert result.header("www-authenticate") == 'Cookie realm="ohp"'
    body = json.loads(result.body)
    assert body["error"] == "unauthenticated"
    assert body["login_url"].startswith("/.ohp/login?return_to=")
    assert result.seen is None


def test_head_of_a_redirect_has_no_body(client: Client) -> None:
    result = client.request("HEAD", "/patients/")
    assert result.status == 302
    assert result.body == b""


def test_subscriber_reaches_an_authenticated_page(client: Client, jane: Subscriber) -> None:
    result = client.get("/patients/", cookie=client.cookie(jane))
    assert (result.status, result.body) == (200, APP_BODY)
    assert result.seen is not None
    assert result.seen.subscriber == jane


@pytest.mark.parametrize(
    ("path", "subscriber", "status"),
    [
        pytest.param("/claims/", contract_subscriber(roles=("Billing",)), 200, id="roles-any-ok"),
        pytest.param("/claims/", contract_subscriber(roles=("Clinician",)), 403, id="roles-any"),
        pytest.param("/claims/", contract_subscriber(roles=("billing",)), 403, id="role-case"),
        pytest.param(
            "/reports/", contract_subscriber(roles=("Billing", "Auditor")), 200, id="roles-all-ok"
        ),
        pytest.param("/reports/", contract_subscriber(roles=("Billing",)), 403, id="roles-all"),
        pytest.param(
            "/plan/", contract_subscriber(tax_ids=("91-7654321",)), 200, id="tax-ids-any-ok"
        ),
        pytest.param("/plan/", contract_subscriber(tax_ids=("91-1234567",)), 403, id="tax-ids"),
    ],
)
def test_rules_decide_by_role_and_tax_id(
    client: Client, path: str, subscriber: Subscriber, status: int
) -> None:
    assert client.get(path, BROWSER, cookie=client.cookie(subscriber)).status == status


def test_forbidden_browser_request_gets_an_html_page(client: Client, jane: Subscriber) -> None:
    result = client.get("/claims/", BROWSER, cookie=client.cookie(jane))
    assert result.status == 403
    assert result.header("content-type") == "text/html; charset=utf-8"
    assert b"Jane Doe" in result.body
    assert result.seen is None


def test_forbidden_api_request_gets_json(client: Client, jane: Subscriber) -> None:
    result = client.get("/claims/", API, cookie=client.cookie(jane))
    assert result.status == 403
    assert json.loads(result.body)["error"] == "forbidden"


def test_method_rule_applies_only_to_its_methods(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    assert client.get("/uploads/", cookie=cookie).status == 200
    assert client.request("POST", "/uploads/", cookie=cookie).status == 403


def test_public_path_lets_anonymous_through_without_identity(client: Client) -> None:
    result = client.get("/public/about")
    assert result.status == 200
    assert result.seen is not None
    assert result.seen.subscriber is None


def test_public_path_still_identifies_a_signed_in_subscriber(
    client: Client, jane: Subscriber
) -> None:
    result = client.get("/public/about", cookie=client.cookie(jane))
    assert result.seen is not None
    assert result.seen.subscriber == jane
    assert result.seen.header("x-ohp-subscriber-id") == "S2000001"


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("/patients/?next=/public/", id="query-names-public-path"),
        pytest.param("/patients/?/public/", id="query-is-public-path"),
        pytest.param("/patients/#/public/", id="fragment"),
    ],
)
def test_query_string_never_matches_a_rule(client: Client, target: str) -> None:
    assert client.get(target, BROWSER).status == 302


BYPASSES = [
    pytest.param("/admin", id="prefix-without-slash"),
    pytest.param("/Admin/", id="upper-case"),
    pytest.param("/ADMIN/users", id="all-caps"),
    pytest.param("//admin/", id="double-slash"),
    pytest.param("/./admin/", id="dot-segment"),
    pytest.param("/x/../admin/", id="dot-dot"),
    pytest.param("/public/../admin/", id="dot-dot-from-public"),
    pytest.param("/public/%2e%2e/admin/", id="encoded-dot-dot"),
    pytest.param("/public%2f..%2fadmin/", id="encoded-slash-dot-dot"),
    pytest.param("/admin%2f", id="encoded-trailing-slash"),
    pytest.param("/admin%2Fusers", id="encoded-slash"),
    pytest.param("/admin%5cusers", id="encoded-backslash"),
    pytest.param("/%61dmin/", id="encoded-letter"),
    pytest.param("/%2561dmin/", id="double-encoded-letter"),
    pytest.param("/public/..%252fadmin/", id="double-encoded-slash"),
]


@pytest.mark.parametrize("target", BYPASSES)
def test_path_encoding_cannot_slip_past_a_role_rule(
    client: Client, jane: Subscriber, target: str
) -> None:
    result = client.get(target, BROWSER, cookie=client.cookie(jane))
    assert result.status == 403
    assert result.seen is None


@pytest.mark.parametrize("target", BYPASSES)
def test_path_encoding_cannot_make_a_protected_path_public(client: Client, target: str) -> None:
    result = client.get(target, BROWSER)
    assert result.status == 302
    assert result.seen is None


def test_encoded_public_path_is_still_public(client: Client) -> None:
    result = client.get("/%70ublic/page")
    assert result.status == 200
    assert result.seen is not None
    assert result.seen.path == "/public/page"
