"""The gateway as an OpenID Connect relying party, against a real provider on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from provider import Provider

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.gateway import Gateway
from ohp_gateway.keys import Keyring
from ohp_gateway.outcome import Forward, Reply, Request

SITE = "https://portal.example"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    op = Provider()
    yield op
    op.close()


@pytest.fixture(autouse=True)
def fresh_claims(provider: Provider) -> None:
    provider.tamper = {}
    provider.alg = "RS256"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture
def gateway(provider: Provider, clock: FakeClock) -> Gateway:
    config = GatewayConfig(
        site_id="site-a",
        keys=Keyring.generate("k1"),
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
    )
    return Gateway(config, clock=clock)


def handle(gateway: Gateway, target: str, cookie: str = "", method: str = "GET") -> Reply | Forward:
    path, _, query = target.partition("?")
    headers = {"host": "portal.example", "cookie": cookie}
    return gateway.handle(Request(method, path, query, headers, scheme="https"))


def set_cookies(reply: Reply) -> dict[str, str]:
    out = {}
    for name, value in reply.headers:
        if name == "Set-Cookie":
            key, _, rest = value.partition("=")
            out[key] = rest.split(";")[0]
    return out


def start(gateway: Gateway, return_to: str = "/claims/7") -> tuple[str, str]:
    """/.ohp/login: the provider URL and the state cookie."""
    reply = handle(gateway, f"/.ohp/login?return_to={return_to}")
    assert isinstance(reply, Reply) and reply.status == 302, reply
    return reply.header("Location") or "", set_cookies(reply)["__Host-ohp_oidc"]


def at_provider(url: str) -> str:
    """The browser at the provider: returns the callback target on this site."""
    response = requests.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(f"{SITE}/.ohp/callback?")
    return location[len(SITE) :]


def sign_in(gateway: Gateway, return_to: str = "/claims/7") -> Reply:
    url, state = start(gateway, return_to)
    reply = handle(gateway, at_provider(url), cookie=f"__Host-ohp_oidc={state}")
    assert isinstance(reply, Reply)
    return reply


def test_login_redirects_with_pkce_state_and_nonce(gateway: Gateway, provider: Provider) -> None:
    url, state = start(gateway)
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{provider.issuer}/authorize"
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [f"{SITE}/.ohp/callback"]
    assert query["state"][0] and query["nonce"][0] and state


def test_full_sign_in_mints_a_session_and_returns(gateway: Gateway, clock: FakeClock) -> None:
    reply = sign_in(gateway)
    assert reply.status == 302 and reply.header("Location") == "/claims/7"
    cookies = set_cookies(reply)
    assert cookies["__Host-ohp_oidc"] == ""  # the one-time state is cleared
    outcome = handle(
        gateway, "/claims/7", cookie=f"__Host-ohp_session={cookies['__Host-ohp_session']}"
    )
    assert isinstance(outcome, Forward) and outcome.subscriber is not None
    who = outcome.subscriber
    assert (who.subscriber_id, who.organization_name, who.session_id) == (
        "S1000001",
        "Valley Clinic",
        "idp-sid-1",
    )
    assert who.tax_ids == ("91-1234567",) and who.roles == ("Billing",)


def test_claim_mapping_is_configurable(provider: Provider, clock: FakeClock) -> None:
    provider.tamper = {"tins": "91-7654321, 91-1234567", "groups": ["Claims"]}
    config = GatewayConfig(
        site_id="site-a",
        keys=Keyring.generate("k1"),
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        claims={"tax_ids": "tins", "roles": "groups"},
    )
    gateway = Gateway(config, clock=clock)
    cookie = set_cookies(sign_in(gateway))["__Host-ohp_session"]
    outcome = handle(gateway, "/x", cookie=f"__Host-ohp_session={cookie}")
    assert isinstance(outcome, Forward) and outcome.subscriber is not None
    assert outcome.subscriber.tax_ids == ("91-7654321", "91-1234567")
    assert outcome.subscriber.roles == ("Claims",)


@pytest.mark.parametrize(
    ("tamper", "alg"),
    [
        pytest.param({"nonce": "replayed"}, "RS256", id="wrong-nonce"),
        pytest.param({"aud": "another-site"}, "RS256", id="wrong-audience"),
        pytest.param({"iss": "https://evil.example"}, "RS256", id="wrong-issuer"),
        pytest.param({"exp": 1}, "RS256", id="expired"),
        pytest.param({}, "HS256", id="hmac-algorithm-confusion"),
        pytest.param({"ohp_tax_ids": ["12-345"]}, "RS256", id="invalid-tax-id-claim"),
    ],
)
def test_bad_id_tokens_are_refused_without_a_session(
    gateway: Gateway, provider: Provider, tamper: dict[str, object], alg: str
) -> None:
    provider.tamper = tamper
    provider.alg = alg
    reply = sign_in(gateway)
    assert reply.status in (400, 502)
    assert "__Host-ohp_session" not in set_cookies(reply)
    assert b"Sign-in failed" in reply.body


def test_state_must_match_this_browser(gateway: Gateway) -> None:
    url, _ = start(gateway)
    _, other_state = start(gateway)
    reply = handle(gateway, at_provider(url), cookie=f"__Host-ohp_oidc={other_state}")
    assert isinstance(reply, Reply) and reply.status == 400


def test_missing_or_altered_state_cookie_is_refused(gateway: Gateway) -> None:
    url, state = start(gateway)
    callback = at_provider(url)
    assert handle(gateway, callback).status == 400  # type: ignore[union-attr]
    altered = state[:-2] + ("AA" if state[-2:] != "AA" else "BB")
    assert handle(gateway, callback, cookie=f"__Host-ohp_oidc={altered}").status == 400  # type: ignore[union-attr]


def test_state_expires_after_ten_minutes(gateway: Gateway, clock: FakeClock) -> None:
    url, state = start(gateway)
    callback = at_provider(url)
    clock.advance(601)
    reply = handle(gateway, callback, cookie=f"__Host-ohp_oidc={state}")
    assert isinstance(reply, Reply) and reply.status == 400


def test_code_is_single_use(gateway: Gateway, provider: Provider) -> None:
    url, state = start(gateway)
    callback = at_provider(url)
    first = handle(gateway, callback, cookie=f"__Host-ohp_oidc={state}")
    second = handle(gateway, callback, cookie=f"__Host-ohp_oidc={state}")
    assert isinstance(first, Reply) and first.status == 302
    assert isinstance(second, Reply) and second.status == 400


def test_provider_error_is_shown_not_crashed(gateway: Gateway) -> None:
    reply = handle(gateway, "/.ohp/callback?error=access_denied&error_description=<b>no</b>")
    assert isinstance(reply, Reply) and reply.status == 401
    assert b"&lt;b&gt;no&lt;/b&gt;" in reply.body


def test_key_rotation_at_the_provider_is_followed(gateway: Gateway, provider: Provider) -> None:
    assert sign_in(gateway).status == 302
    provider.rotate_key()
    gateway.clock.advance(31)  # type: ignore[attr-defined]
    assert sign_in(gateway).status == 302


def test_unreachable_provider_is_a_502_page(clock: FakeClock) -> None:
    config = GatewayConfig(
        site_id="site-a", keys=Keyring.generate("k1"), issuer="http://127.0.0.1:9", client_id="c"
    )
    reply = handle(Gateway(config, clock=clock), "/.ohp/login?return_to=/")
    assert isinstance(reply, Reply) and reply.status == 502


def test_logout_goes_to_the_providers_end_session(gateway: Gateway, provider: Provider) -> None:
    cookie = set_cookies(sign_in(gateway))["__Host-ohp_session"]
    reply = handle(gateway, "/.ohp/logout?return_to=/bye", cookie=f"__Host-ohp_session={cookie}")
    assert isinstance(reply, Reply) and reply.status == 302
    location = reply.header("Location") or ""
    assert location.startswith(f"{provider.issuer}/logout?")
    assert parse_qs(urlsplit(location).query)["post_logout_redirect_uri"] == [f"{SITE}/bye"]


# -- back-channel logout ---------------------------------------------------------------------


def post_logout(gateway: Gateway, token: str) -> Reply:
    body = f"logout_token={token}".encode()
    request = Request("POST", "/.ohp/backchannel-logout", "", {}, body=body)
    assert gateway.needs_body(request)
    reply = gateway.handle(request)
    assert isinstance(reply, Reply)
    return reply


def test_backchannel_logout_ends_the_session(gateway: Gateway, provider: Provider) -> None:
    cookie = f"__Host-ohp_session={set_cookies(sign_in(gateway))['__Host-ohp_session']}"
    assert isinstance(handle(gateway, "/x", cookie=cookie), Forward)
    assert post_logout(gateway, provider.logout_token()).status == 200
    assert isinstance(handle(gateway, "/x", cookie=cookie), Reply)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"events": None}, id="no-event"),
        pytest.param({"nonce": "x"}, id="has-nonce"),
        pytest.param({"sid": None}, id="no-sid"),
        pytest.param({"aud": "other"}, id="other-audience"),
    ],
)
def test_invalid_logout_tokens_are_refused(
    gateway: Gateway, provider: Provider, overrides: dict[str, object]
) -> None:
    reply = post_logout(gateway, provider.logout_token(**overrides))
    assert reply.status == 400 and b"logout_token" in reply.body


def test_logout_without_token_names_the_field(gateway: Gateway) -> None:
    assert post_logout(gateway, "").status == 400
