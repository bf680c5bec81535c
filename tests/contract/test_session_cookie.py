"""DESIGN "Session cookie": refresh, idle and absolute expiry, attributes, malformed cookies."""

from __future__ import annotations

import base64

import pytest

from ohp_gateway import Subscriber

from .harness import Client, contract_subscriber

IDLE = 1800
ABSOLUTE = 28800
REFRESH = 60


def _value(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0]


def test_no_set_cookie_before_the_refresh_interval(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    client.clock.advance(REFRESH - 1)
    result = client.get("/", cookie=cookie)
    assert result.status == 200
    assert result.set_cookies == []


def test_session_is_refreshed_after_the_refresh_interval(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    client.clock.advance(REFRESH)
    result = client.get("/", cookie=cookie)
    assert result.status == 200
    (refreshed,) = result.set_cookies
    assert _value(refreshed) != cookie
    assert result.seen is not None
    expected = str(int(client.clock.now() + IDLE))
    assert result.seen.header("x-ohp-session-expires") == expected


def test_refreshed_cookie_slides_the_idle_window(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    for _ in range(3):
        client.clock.advance(IDLE - 10)
        result = client.get("/", cookie=cookie)
        assert result.status == 200
        cookie = _value(result.set_cookies[0])


def test_session_idles_out_after_idle_timeout(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    client.clock.advance(IDLE + 1)
    result = client.get("/", cookie=cookie)
    assert result.status == 302
    assert result.seen is None
    (cleared,) = result.set_cookies
    assert "Max-Age=0" in cleared


def test_session_ends_at_absolute_timeout_despite_activity(
    client: Client, jane: Subscriber
) -> None:
    cookie = client.cookie(jane)
    while client.clock.now() - jane.auth_time + IDLE / 2 <= ABSOLUTE:
        client.clock.advance(IDLE / 2)
        result = client.get("/", cookie=cookie)
        assert result.status == 200
        cookie = _value(result.set_cookies[0])
    client.clock.advance(IDLE / 2)
    assert client.get("/", cookie=cookie).status == 302


def test_absolute_timeout_counts_from_auth_time_not_from_the_cookie(client: Client) -> None:
    early = contract_subscriber(auth_time=client.clock.now() - ABSOLUTE - 1)
    assert client.get("/", cookie=client.cookie(early)).status == 302


def test_session_endpoint_does_not_extend_a_session(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    client.clock.advance(IDLE - 5)
    result = client.get("/.ohp/session", cookie=cookie)
    assert result.status == 200
    assert result.set_cookies == []
    client.clock.advance(10)
    assert client.get("/", cookie=cookie).status == 302


def test_passive_rule_does_not_extend_a_session(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    client.clock.advance(IDLE - 5)
    result = client.get("/poll/messages", cookie=cookie)
    assert result.status == 200
    assert result.set_cookies == []
    assert result.seen is not None
    assert result.seen.subscriber == jane
    client.clock.advance(10)
    assert client.get("/poll/messages", cookie=cookie).status == 302


def test_passive_rule_still_needs_a_session(client: Client) -> None:
    assert client.get("/poll/messages").status == 302


def test_refreshed_cookie_has_host_prefix_and_browser_session_attributes(
    client: Client, jane: Subscriber
) -> None:
    cookie = client.cookie(jane)
    client.clock.advance(REFRESH)
    (set_cookie,) = client.get("/", cookie=cookie).set_cookies
    name, _, rest = set_cookie.partition("=")
    attributes = [a.strip() for a in rest.split(";")[1:]]
    assert name == "__Host-ohp_session"
    assert sorted(attributes) == ["HttpOnly", "Path=/", "SameSite=Lax", "Secure"]
    assert "max-age" not in set_cookie.lower()
    assert "expires" not in set_cookie.lower()
    assert "domain" not in set_cookie.lower()


def test_insecure_cookie_name_and_attributes_when_secure_cookies_is_off(
    make_client: object, jane: Subscriber
) -> None:
    client = make_client(secure_cookies=False)  # type: ignore[operator]
    cookie = client.cookie(jane)
    assert cookie.startswith("ohp_session=")
    client.clock.advance(REFRESH)
    (set_cookie,) = client.get("/", cookie=cookie).set_cookies
    assert set_cookie.startswith("ohp_session=")
    assert "Secure" not in set_cookie
    assert "HttpOnly" in set_cookie


def test_refresh_cookie_is_added_to_the_apps_own_headers(client: Client, jane: Subscriber) -> None:
    cookie = client.cookie(jane)
    client.clock.advance(REFRESH)
    result = client.get("/", cookie=cookie)
    assert result.header("content-type") == "text/plain"
    assert len(result.set_cookies) == 1


def _tampered(value: str) -> str:
    version, kid, body = value.split(".", 2)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    raw[-1] ^= 1
    return f"{version}.{kid}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"


MALFORMED = [
    pytest.param(lambda v: "", id="empty"),
    pytest.param(lambda v: "garbage", id="garbage"),
    pytest.param(lambda v: "v1.", id="version-only"),
    pytest.param(lambda v: "v1.contract1.", id="no-payload"),
    pytest.param(lambda v: "v1.contract1.!!!", id="not-base64"),
    pytest.param(lambda v: "v1.contract1.AAAA", id="too-short"),
    pytest.param(lambda v: "v2" + v[2:], id="other-version"),
    pytest.param(lambda v: v.replace("contract1", "unknown", 1), id="unknown-key-id"),
    pytest.param(lambda v: v[:-10], id="truncated"),
    pytest.param(_tampered, id="tampered"),
    pytest.param(lambda v: v + "é", id="non-ascii"),
    pytest.param(lambda v: "v1." + "A" * 5000, id="huge"),
]


@pytest.mark.parametrize("mangle", MALFORMED)
def test_malformed_cookie_is_no_session_never_a_500(
    client: Client, jane: Subscriber, mangle: object
) -> None:
    name, _, value = client.cookie(jane).partition("=")
    bad = mangle(value)  # type: ignore[operator]
    assert client.get("/", cookie=f"{name}={bad}").status == 302
    public = client.get("/public/", cookie=f"{name}={bad}")
    assert public.status == 200
    assert public.seen is not None
    assert public.seen.subscriber is None


def test_two_different_session_cookies_are_no_session(client: Client, jane: Subscriber) -> None:
    first = client.cookie(jane)
    second = client.cookie(contract_subscriber(subscriber_id="S2000002"))
    assert client.get("/", cookie=f"{first}; {second}").status == 302


def test_cookie_for_another_site_does_not_open(
    make_client: object, client: Client, jane: Subscriber
) -> None:
    other = make_client(site_id="other.example")  # type: ignore[operator]
    assert client.get("/", cookie=other.cookie(jane)).status == 302


def test_session_cookie_among_other_cookies_is_found(client: Client, jane: Subscriber) -> None:
    cookie = f"theme=dark; {client.cookie(jane)}; lang=en"
    assert client.get("/", cookie=cookie).status == 200
