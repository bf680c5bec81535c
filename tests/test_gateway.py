from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from core_support import START, build_subscriber
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.gateway import Gateway
from ohp_gateway.identity import Subscriber
from ohp_gateway.outcome import Forward, Reply, Request

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


@pytest.fixture
def gateway(config: GatewayConfig, clock: FakeClock) -> Gateway:
    return Gateway(config, clock=clock)


def cookie_for(gateway: Gateway, subscriber: Subscriber, now: float = START) -> dict[str, str]:
    name, value = gateway.seal(subscriber, now)
    return {"cookie": f"other=1; {name}={value}"}


def get(gateway: Gateway, path: str, headers: dict[str, str] | None = None, **kw: str):  # type: ignore[no-untyped-def]
    path, _, query = path.partition("?")
    return gateway.handle(Request(kw.get("method", "GET"), path, query, headers or {}))


def test_valid_cookie_forwards_with_identity(gateway: Gateway, subscriber: Subscriber) -> None:
    outcome = get(gateway, "/home", cookie_for(gateway, subscriber))
    assert isinstance(outcome, Forward) and outcome.subscriber == subscriber
    headers = dict(outcome.headers)
    assert headers["X-OHP-Subscriber-Id"] == "S1000001"
    assert headers["X-OHP-Session-Expires"] == str(int(START + 1800))
    assert outcome.set_cookies == ()


def test_anonymous_browser_is_redirected_to_sign_in_with_return_to(gateway: Gateway) -> None:
    outcome = get(gateway, "/claims/7?tab=1", {"accept": BROWSER})
    assert isinstance(outcome, Reply) and outcome.status == 302
    assert outcome.header("Location") == "/.ohp/login?return_to=/claims/7%3Ftab%3D1"


@pytest.mark.parametrize(
    ("method", "accept"),
    [
        pytest.param("GET", "application/json", id="json-get"),
        pytest.param("POST", BROWSER, id="post"),
        pytest.param("DELETE", "", id="delete"),
    ],
)
def test_anonymous_api_request_gets_401_json(gateway: Gateway, method: str, accept: str) -> None:
    outcome = get(gateway, "/api/x", {"accept": accept}, method=method)
    assert isinstance(outcome, Reply) and outcome.status == 401
    assert json.loads(outcome.body)["error"] == "unauthenticated"
    assert outcome.header("Content-Type") == "application/json"


def test_subscriber_without_the_role_gets_403(gateway: Gateway) -> None:
    who = build_subscriber(roles=("Eligibility",))
    outcome = get(gateway, "/claims/1", {**cookie_for(gateway, who), "accept": BROWSER})
    assert isinstance(outcome, Reply) and outcome.status == 403
    assert b"Access denied" in outcome.body


def test_public_path_passes_anonymous_and_still_knows_a_subscriber(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    anonymous = get(gateway, "/public/a.css")
    assert isinstance(anonymous, Forward) and anonymous.subscriber is None
    assert anonymous.headers == ()
    known = get(gateway, "/public/a.css", cookie_for(gateway, subscriber))
    assert isinstance(known, Forward) and known.subscriber == subscriber


def test_refresh_only_after_refresh_interval(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    headers = cookie_for(gateway, subscriber)
    clock.advance(59)
    early = get(gateway, "/home", headers)
    assert isinstance(early, Forward) and early.set_cookies == ()
    clock.advance(1)
    due = get(gateway, "/home", headers)
    assert isinstance(due, Forward) and len(due.set_cookies) == 1
    set_cookie = due.set_cookies[0]
    assert set_cookie.startswith("__Host-ohp_session=v1.k1.")
    assert "; Path=/; HttpOnly; SameSite=Lax; Secure" in set_cookie
    assert "Max-Age" not in set_cookie and "Expires" not in set_cookie
    assert dict(due.headers)["X-OHP-Session-Expires"] == str(int(START + 60 + 1800))


def test_sliding_window_keeps_an_active_session_alive(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    headers = cookie_for(gateway, subscriber)
    for _ in range(5):
        clock.advance(1500)
        outcome = get(gateway, "/home", headers)
        assert isinstance(outcome, Forward) and outcome.set_cookies
        headers = {"cookie": outcome.set_cookies[0].split(";")[0]}


def test_idle_session_is_anonymous_and_the_stale_cookie_is_cleared(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    headers = cookie_for(gateway, subscriber)
    assert isinstance(get(gateway, "/home", headers), Forward)  # warms the cache
    clock.advance(1801)
    outcome = get(gateway, "/home", {**headers, "accept": BROWSER})
    assert isinstance(outcome, Reply) and outcome.status == 302
    assert any(v.endswith("Max-Age=0") for k, v in outcome.headers if k == "Set-Cookie")


def test_absolute_expiry_ends_even_an_active_session(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    clock.advance(28801)
    headers = cookie_for(gateway, subscriber, now=clock.now())
    outcome = get(gateway, "/home", headers)
    assert isinstance(outcome, Reply) and outcome.status == 302


def test_passive_path_and_session_endpoint_never_refresh(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    headers = cookie_for(gateway, subscriber)
    clock.advance(600)
    passive = get(gateway, "/poll", headers)
    assert isinstance(passive, Forward) and passive.set_cookies == ()
    info = get(gateway, "/.ohp/session", headers)
    assert isinstance(info, Reply) and info.status == 200 and info.header("Set-Cookie") is None
    body = json.loads(info.body)
    assert body["subscriber"]["subscriber_id"] == "S1000001"
    assert body["idle_expires_at"] == START + 1800
    assert body["absolute_expires_at"] == START + 28800


def test_session_endpoint_without_session_is_401(gateway: Gateway) -> None:
    outcome = get(gateway, "/.ohp/session")
    assert isinstance(outcome, Reply) and outcome.status == 401
    assert json.loads(outcome.body)["authenticated"] is False


@pytest.mark.parametrize(
    "path",
    ["/.ohp/session", "/.OHP/session", "//.ohp/session", "/x/../.ohp/session", "/%2eohp/session"],
)
def test_endpoints_are_found_under_any_spelling(gateway: Gateway, path: str) -> None:
    outcome = get(gateway, path)
    assert isinstance(outcome, Reply) and outcome.status == 401


def test_unknown_endpoint_is_404_and_wrong_method_405(gateway: Gateway) -> None:
    missing = get(gateway, "/.ohp/nope")
    assert isinstance(missing, Reply) and missing.status == 404
    wrong = get(gateway, "/.ohp/session", method="DELETE")
    assert isinstance(wrong, Reply) and wrong.status == 405 and wrong.header("Allow")


def test_health(gateway: Gateway) -> None:
    outcome = get(gateway, "/.ohp/health")
    assert isinstance(outcome, Reply) and json.loads(outcome.body) == {"status": "ok"}


@pytest.mark.parametrize(
    ("return_to", "status"),
    [
        pytest.param("/claims/", 501, id="valid"),
        pytest.param("//evil.example", 400, id="protocol-relative"),
        pytest.param("/%5cevil.example", 400, id="encoded-backslash"),
        pytest.param("https://evil.example", 400, id="absolute"),
    ],
)
def test_login_validates_return_to_first(gateway: Gateway, return_to: str, status: int) -> None:
    outcome = get(gateway, f"/.ohp/login?return_to={return_to}")
    assert isinstance(outcome, Reply) and outcome.status == status
    body = json.loads(outcome.body)
    if status == 400:
        assert body["field"] == "return_to"
    else:
        assert "issuer" in body["message"]


def test_logout_clears_the_cookie_and_revokes_the_session_here(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    headers = cookie_for(gateway, subscriber)
    outcome = get(gateway, "/.ohp/logout?return_to=/bye", headers)
    assert isinstance(outcome, Reply) and outcome.status == 302
    assert outcome.header("Location") == "/bye"
    assert "Max-Age=0" in (outcome.header("Set-Cookie") or "")
    replay = get(gateway, "/home", {**headers, "accept": BROWSER})
    assert isinstance(replay, Reply) and replay.status == 302


def test_revoked_sid_is_refused_even_when_cached(gateway: Gateway, subscriber: Subscriber) -> None:
    headers = cookie_for(gateway, subscriber)
    assert isinstance(get(gateway, "/home", headers), Forward)
    gateway.revoke(subscriber.session_id)
    assert isinstance(get(gateway, "/home", headers), Reply)


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param("__Host-ohp_session=", id="empty"),
        pytest.param("__Host-ohp_session=v1", id="short"),
        pytest.param("__Host-ohp_session=v1.k1.%%%", id="bad-base64"),
        pytest.param("__Host-ohp_session=v2.k1.AAAA", id="version"),
        pytest.param("__Host-ohp_session=v1.zz.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", id="kid"),
        pytest.param("__Host-ohp_session=\u00e9\u00e9", id="non-ascii"),
        pytest.param("__Host-ohp_session", id="no-equals"),
    ],
)
def test_malformed_cookies_are_anonymous_never_errors(gateway: Gateway, cookie: str) -> None:
    outcome = get(gateway, "/home", {"cookie": cookie, "accept": "application/json"})
    assert isinstance(outcome, Reply) and outcome.status == 401


def test_two_different_session_cookies_are_refused(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    name, a = gateway.seal(subscriber)
    _, b = gateway.seal(build_subscriber(subscriber_id="S2"))
    outcome = get(gateway, "/home", {"cookie": f"{name}={a}; {name}={b}"})
    assert isinstance(outcome, Reply)


def test_cookie_from_another_site_is_refused(config: GatewayConfig, subscriber: Subscriber) -> None:
    other = Gateway(GatewayConfig(site_id="site-b", keys=config.keyring))
    outcome = get(Gateway(config), "/home", cookie_for(other, subscriber))
    assert isinstance(outcome, Reply) and outcome.status == 302


# -- forward auth ----------------------------------------------------------------------------


def auth(gateway: Gateway, headers: dict[str, str]) -> Reply:
    outcome = get(gateway, "/.ohp/auth", headers)
    assert isinstance(outcome, Reply)
    return outcome


def test_forward_auth_allows_with_identity_headers(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    reply = auth(gateway, {**cookie_for(gateway, subscriber), "x-forwarded-uri": "/claims/1"})
    assert reply.status == 200 and reply.header("X-OHP-Roles") == "Billing,Eligibility"


def test_forward_auth_reads_nginx_original_uri(gateway: Gateway, subscriber: Subscriber) -> None:
    reply = auth(gateway, {**cookie_for(gateway, subscriber), "x-original-uri": "/home?q=1"})
    assert reply.status == 200


@pytest.mark.parametrize(
    ("uri", "roles", "status"),
    [
        pytest.param("/home", None, 401, id="anonymous"),
        pytest.param("/public/x", None, 200, id="public-anonymous"),
        pytest.param("/claims/1", ("Eligibility",), 403, id="missing-role"),
        pytest.param("/public/..%2fclaims/1", ("Eligibility",), 403, id="encoded-traversal"),
        pytest.param("/claims/1?x=/public/", ("Eligibility",), 403, id="query-never-matches"),
    ],
)
def test_forward_auth_denials(
    gateway: Gateway, uri: str, roles: tuple[str, ...] | None, status: int
) -> None:
    headers = {"x-forwarded-uri": uri, "accept": BROWSER}
    if roles is not None:
        headers.update(cookie_for(gateway, build_subscriber(roles=roles)))
    assert auth(gateway, headers).status == status


def test_forward_auth_uses_the_forwarded_method(gateway: Gateway) -> None:
    config = GatewayConfig(
        site_id="s",
        keys=gateway.config.keyring,
        rules=[{"path": "/form", "methods": ["GET"], "public": True}],
    )
    g = Gateway(config)
    assert auth(g, {"x-forwarded-uri": "/form", "x-forwarded-method": "GET"}).status == 200
    assert auth(g, {"x-forwarded-uri": "/form", "x-forwarded-method": "POST"}).status == 401


def test_forward_auth_without_uri_is_a_clear_400(gateway: Gateway) -> None:
    reply = auth(gateway, {})
    assert reply.status == 400 and json.loads(reply.body)["field"] == "X-Forwarded-Uri"


# -- signed assertion ------------------------------------------------------------------------


def test_assertion_header_verifies_against_the_jwks(
    tmp_path: Path, config: GatewayConfig, clock: FakeClock, subscriber: Subscriber
) -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "assert.pem").write_bytes(pem)
    g = Gateway(
        GatewayConfig(
            site_id="site-a", keys=config.keyring, assertion_key=str(tmp_path / "assert.pem")
        ),
        clock=clock,
    )
    outcome = get(g, "/home", cookie_for(g, subscriber))
    assert isinstance(outcome, Forward)
    token = dict(outcome.headers)["X-OHP-Assertion"]
    jwks = json.loads(get(g, "/.ohp/jwks.json").body)  # type: ignore[union-attr]
    key = jwt.PyJWKSet.from_dict(jwks).keys[0]
    claims = jwt.decode(
        token, key, algorithms=["ES256"], audience="site-a", options={"verify_exp": False}
    )
    assert claims["sub"] == "S1000001" and claims["tax_ids"] == list(subscriber.tax_ids)
    assert claims["exp"] == int(START) + 60


def test_jwks_is_404_without_an_assertion_key(gateway: Gateway) -> None:
    outcome = get(gateway, "/.ohp/jwks.json")
    assert isinstance(outcome, Reply) and outcome.status == 404


# -- remembered outcomes ---------------------------------------------------------------------


def test_identical_requests_reuse_the_outcome_until_a_refresh_is_due(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    headers = cookie_for(gateway, subscriber)
    first = get(gateway, "/home", headers)
    assert gateway.lookup("GET", "/home", headers["cookie"]) is first
    clock.advance(59)
    assert get(gateway, "/home", headers) is first
    clock.advance(1)
    refreshed = get(gateway, "/home", headers)
    assert isinstance(refreshed, Forward) and refreshed.set_cookies  # not the remembered one


def test_remembered_outcome_is_per_method_path_and_cookie(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    headers = cookie_for(gateway, subscriber)
    get(gateway, "/home", headers)
    assert gateway.lookup("POST", "/home", headers["cookie"]) is None
    assert gateway.lookup("GET", "/claims/1", headers["cookie"]) is None
    assert gateway.lookup("GET", "/home", headers["cookie"] + "; x=1") is None


def test_remembered_outcome_is_not_used_when_the_clock_goes_back(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    clock.advance(600)
    headers = cookie_for(gateway, subscriber, now=clock.now())
    get(gateway, "/home", headers)
    clock.set(clock.now() - 31)  # before last_seen by more than the skew
    assert gateway.lookup("GET", "/home", headers["cookie"]) is None
    assert isinstance(get(gateway, "/home", headers), Reply)


def test_passive_polling_is_remembered_only_until_the_session_idles_out(
    gateway: Gateway, subscriber: Subscriber, clock: FakeClock
) -> None:
    headers = {**cookie_for(gateway, subscriber), "accept": "application/json"}
    assert isinstance(get(gateway, "/poll", headers), Forward)
    clock.advance(1800)
    assert isinstance(get(gateway, "/poll", headers), Forward)
    clock.advance(1)
    outcome = get(gateway, "/poll", headers)
    assert isinstance(outcome, Reply) and outcome.status == 401
