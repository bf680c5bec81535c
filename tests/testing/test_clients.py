"""``login``/``logout`` on every supported test client, against the real engine."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ohp_gateway import Gateway, GatewayConfig
from ohp_gateway.clock import FakeClock
from ohp_gateway.testing import login, logout, make_config, make_subscriber, session_cookie

from . import apps

# Opens a client on an app that answers with the signed-in subscriber id, yields
# (client, get) where get() fetches "/" and returns the answer.
ClientFactory = Callable[[apps.Who], Any]


@contextmanager
def flask_client(who: apps.Who) -> Iterator[tuple[Any, Callable[[], str]]]:
    client = apps.flask_app(who).test_client()
    yield client, lambda: client.get("/").get_data(as_text=True)


@contextmanager
def werkzeug_client(who: apps.Who) -> Iterator[tuple[Any, Callable[[], str]]]:
    from werkzeug.test import Client

    client = Client(apps.wsgi_app(who))
    yield client, lambda: client.get("/").get_data(as_text=True)


def starlette_test_client_class() -> Any:
    with warnings.catch_warnings():
        # Starlette >= 1.x asks for httpx2 and warns when it falls back to httpx.
        warnings.filterwarnings("ignore", message=".*install `httpx2`", category=UserWarning)
        from starlette.testclient import TestClient
    return TestClient


@contextmanager
def starlette_client(who: apps.Who) -> Iterator[tuple[Any, Callable[[], str]]]:
    with starlette_test_client_class()(apps.asgi_app(who)) as client:
        yield client, lambda: client.get("/").text


@contextmanager
def httpx_client(who: apps.Who) -> Iterator[tuple[Any, Callable[[], str]]]:
    import httpx

    transport = httpx.WSGITransport(app=apps.wsgi_app(who))
    with httpx.Client(transport=transport, base_url="http://testserver") as client:
        yield client, lambda: client.get("/").text


@contextmanager
def httpx_async_client(who: apps.Who) -> Iterator[tuple[Any, Callable[[], str]]]:
    import httpx

    transport = httpx.ASGITransport(app=apps.asgi_app(who))
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async def get() -> str:
        return (await client.get("/")).text

    yield client, lambda: asyncio.run(get())
    asyncio.run(client.aclose())


@contextmanager
def requests_session(who: apps.Who) -> Iterator[tuple[Any, Callable[[], str]]]:
    import requests

    with apps.http_server(who) as base_url, requests.Session() as session:
        yield session, lambda: session.get(base_url + "/", timeout=5).text


@contextmanager
def django_client(who: apps.Who) -> Iterator[tuple[Any, Callable[[], str]]]:
    apps.django_configured()
    from django.test import Client, override_settings

    apps.DJANGO_WHO.append(who)
    try:
        with override_settings(ROOT_URLCONF=apps.__name__, ALLOWED_HOSTS=["testserver"]):
            client = Client()
            yield client, lambda: client.get("/").content.decode()
    finally:
        apps.DJANGO_WHO.pop()


# A live server's host: requests cannot know it before the first request.
HOSTS: dict[ClientFactory, str] = {requests_session: "127.0.0.1"}

CLIENTS = [
    pytest.param(flask_client, id="flask"),
    pytest.param(werkzeug_client, id="werkzeug"),
    pytest.param(starlette_client, id="starlette"),
    pytest.param(httpx_client, id="httpx"),
    pytest.param(httpx_async_client, id="httpx-async"),
    pytest.param(requests_session, id="requests"),
    pytest.param(django_client, id="django"),
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config() -> GatewayConfig:
    return make_config()


@pytest.fixture
def who(config: GatewayConfig, clock: FakeClock) -> apps.Who:
    return apps.who_for(Gateway(config, clock))


@pytest.mark.parametrize("open_client", CLIENTS)
def test_login_signs_the_client_in(
    open_client: ClientFactory, who: apps.Who, config: GatewayConfig, clock: FakeClock
) -> None:
    subscriber = make_subscriber(clock=clock, subscriber_id="S42")
    with open_client(who) as (client, get):
        assert get() == "anonymous"
        assert login(client, subscriber, config, now=clock.now()) is subscriber
        assert get() == "S42"


@pytest.mark.parametrize("open_client", CLIENTS)
def test_a_session_the_gateway_refreshes_replaces_the_login_cookie(
    open_client: ClientFactory, who: apps.Who, config: GatewayConfig, clock: FakeClock
) -> None:
    with open_client(who) as (client, get):
        login(
            client,
            make_subscriber(clock=clock),
            config,
            now=clock.now(),
            domain=HOSTS.get(open_client),
        )
        for _ in range(3):  # each step refreshes; the last would be idle without the refresh
            clock.advance(config.idle_timeout - 1)
            assert get() == "S1000001"


@pytest.mark.parametrize("open_client", CLIENTS)
def test_logout_signs_the_client_out(
    open_client: ClientFactory, who: apps.Who, config: GatewayConfig, clock: FakeClock
) -> None:
    with open_client(who) as (client, get):
        login(client, make_subscriber(clock=clock), config, now=clock.now())
        logout(client, config)
        assert get() == "anonymous"


@pytest.mark.parametrize("open_client", CLIENTS)
def test_logout_of_a_client_never_signed_in_is_harmless(
    open_client: ClientFactory, who: apps.Who, config: GatewayConfig
) -> None:
    with open_client(who) as (client, get):
        logout(client, config)
        assert get() == "anonymous"


def test_login_without_a_subscriber_signs_in_the_default_one(config: GatewayConfig) -> None:
    who = apps.who_for(Gateway(config))  # the wall clock, as login's default "now"
    with flask_client(who) as (client, get):
        subscriber = login(client, config=config)
        assert get() == subscriber.subscriber_id == "S1000001"


def test_login_with_secure_cookies_uses_the_host_prefixed_cookie(clock: FakeClock) -> None:
    config = make_config(secure_cookies=True)
    with flask_client(apps.who_for(Gateway(config, clock))) as (client, get):
        login(client, make_subscriber(clock=clock, subscriber_id="S7"), config, now=clock.now())
        assert client.get_cookie("__Host-ohp_session") is not None
        assert get() == "S7"


def test_login_on_a_werkzeug_client_for_another_host_needs_its_domain(
    config: GatewayConfig, clock: FakeClock
) -> None:
    from werkzeug.test import Client

    client = Client(apps.wsgi_app(apps.who_for(Gateway(config, clock))))
    login(client, make_subscriber(clock=clock), config, now=clock.now(), domain="clinic.test")
    assert client.get("/").get_data(as_text=True) == "anonymous"
    assert client.get("/", base_url="http://clinic.test").get_data(as_text=True) == "S1000001"


class NotAClient:
    cookies: dict[str, str] = {}


@pytest.mark.parametrize(
    "client",
    [
        pytest.param(object(), id="object"),
        pytest.param(NotAClient(), id="lookalike-with-cookies"),
        pytest.param(None, id="none"),
    ],
)
def test_login_refuses_an_unknown_client_naming_the_supported_ones(
    client: object, config: GatewayConfig
) -> None:
    with pytest.raises(TypeError) as raised:
        login(client, make_subscriber(), config)
    message = str(raised.value)
    for name in ("werkzeug", "TestClient", "httpx.AsyncClient", "requests.Session", "django"):
        assert name in message


def test_logout_refuses_an_unknown_client(config: GatewayConfig) -> None:
    with pytest.raises(TypeError, match=r"requests\.Session"):
        logout(object(), config)


# -- session_cookie --------------------------------------------------------------------------


def test_session_cookie_opens_at_a_gateway_of_the_same_config(
    config: GatewayConfig, clock: FakeClock
) -> None:
    subscriber = make_subscriber(clock=clock, roles=["Billing", "Eligibility"])
    name, value = session_cookie(config, subscriber, clock.now())
    assert name == "ohp_session"
    opened = Gateway(config, clock).codec.open(value, clock.now())
    assert opened.subscriber == subscriber
    assert opened.last_seen == clock.now()


def test_session_cookie_for_another_site_does_not_open(
    config: GatewayConfig, clock: FakeClock
) -> None:
    other = make_config(site_id="other-site", keys=config.keys)
    _, value = session_cookie(other, make_subscriber(clock=clock), clock.now())
    assert apps.who_for(Gateway(config, clock))(f"ohp_session={value}")[0] == "anonymous"


def test_session_cookie_reads_a_toml_config_file(tmp_path: Path, clock: FakeClock) -> None:
    config = make_config()
    path = tmp_path / "gateway.toml"
    path.write_text(
        f'site_id = "test-site"\nkeys = "{config.keyring.serialize()}"\nsecure_cookies = false\n'
    )
    name, value = session_cookie(str(path), make_subscriber(clock=clock), clock.now())
    assert apps.who_for(Gateway(config, clock))(f"{name}={value}")[0] == "S1000001"


def test_session_cookie_reads_the_environment_without_a_config(
    monkeypatch: pytest.MonkeyPatch, config: GatewayConfig, clock: FakeClock
) -> None:
    monkeypatch.setenv("OHP_GATEWAY_SITE_ID", "test-site")
    monkeypatch.setenv("OHP_GATEWAY_KEYS", config.keyring.serialize())
    name, value = session_cookie(None, make_subscriber(clock=clock), clock.now())
    assert name == "__Host-ohp_session"  # secure_cookies defaults to true
    assert Gateway(config, clock).codec.open(value, clock.now()).subscriber.subscriber_id


def test_session_cookie_refuses_a_sign_in_time_the_gateway_would_reject(
    config: GatewayConfig, clock: FakeClock
) -> None:
    late = make_subscriber(auth_time=clock.now() + 3600)
    with pytest.raises(ValueError, match=r"^auth_time: .*make_subscriber\(clock=\.\.\.\)"):
        session_cookie(config, late, clock.now())


def test_session_cookie_allows_a_sign_in_time_within_the_clock_skew(
    config: GatewayConfig, clock: FakeClock
) -> None:
    slightly_late = make_subscriber(auth_time=clock.now() + config.clock_skew)
    assert session_cookie(config, slightly_late, clock.now())[1].startswith("v1.test.")
