"""Put a session cookie on (or take it off) the test clients of the common frameworks.

Clients are recognised by the modules their classes come from, so no framework is imported
here and a project only needs the ones it uses.
"""

from __future__ import annotations

import os
import time
from typing import Any

from ..config import GatewayConfig, load_config
from ..gateway import Gateway
from ..identity import Subscriber
from .factories import make_subscriber

__all__ = ["SUPPORTED_CLIENTS", "login", "logout", "session_cookie"]

ConfigLike = GatewayConfig | str | os.PathLike[str] | None

SUPPORTED_CLIENTS = (
    "werkzeug.test.Client (and Flask's app.test_client())",
    "starlette.testclient.TestClient (and FastAPI's)",
    "httpx.Client",
    "httpx.AsyncClient",
    "requests.Session",
    "django.test.Client (and AsyncClient)",
)

# Werkzeug keys its test cookies by (domain, path, name); "localhost" is its default host, and
# the domain a Set-Cookie from the app (a refreshed session) is stored under.
WERKZEUG_DOMAIN = "localhost"


def session_cookie(
    config: ConfigLike, subscriber: Subscriber, now: float | None = None
) -> tuple[str, str]:
    """The session cookie ``(name, value)`` the gateway of ``config`` would set at ``now``.

    ``now`` (unix seconds) defaults to the wall clock; pass the app's ``FakeClock.now()`` when
    the app runs on one. ``ValueError`` when ``subscriber.auth_time`` lies further in the
    future than ``clock_skew``: the gateway would refuse such a cookie.
    """
    when = time.time() if now is None else now
    gateway = Gateway(load_config(config))
    if subscriber.auth_time > when + gateway.config.clock_skew:
        raise ValueError(
            f"auth_time: {subscriber.auth_time!r} is after now ({when!r}), so the gateway "
            "would refuse the cookie; build the subscriber with make_subscriber(clock=...) "
            "using the clock the app runs on"
        )
    return gateway.seal(subscriber, when)


def login(
    client: Any,
    subscriber: Subscriber | None = None,
    config: ConfigLike = None,
    *,
    now: float | None = None,
    domain: str | None = None,
) -> Subscriber:
    """Sign ``client`` in as ``subscriber`` (default: :func:`make_subscriber`); return it.

    ``config`` must hold the keys and ``site_id`` of the app's gateway. ``domain`` is the host
    the cookie belongs to, by default the one the client talks to (Werkzeug: ``localhost``;
    httpx: its ``base_url``; requests: any host). Give it when the app has a ``SERVER_NAME``
    or, for ``requests``, the server's host, so a cookie the gateway refreshes replaces this
    one instead of being sent beside it (two different session cookies open as none).
    """
    kind = _kind(client)
    cfg = load_config(config)
    if subscriber is None:
        subscriber = make_subscriber(auth_time=time.time() if now is None else now)
    name, value = session_cookie(cfg, subscriber, now)
    if kind == "werkzeug":
        client.set_cookie(name, value, domain=domain or WERKZEUG_DOMAIN)
    elif kind == "django":
        client.cookies[name] = value
    else:  # httpx (and Starlette's TestClient) and requests share cookies.set
        client.cookies.set(name, value, domain=_jar_domain(client, kind, domain))
    return subscriber


def logout(client: Any, config: ConfigLike = None, *, domain: str | None = None) -> None:
    """Remove the session cookie from ``client`` (what closing the browser does)."""
    kind = _kind(client)
    name = load_config(config).cookie_name or ""
    if kind == "werkzeug":
        client.delete_cookie(name, domain=domain or WERKZEUG_DOMAIN)
    elif kind == "django":
        client.cookies.pop(name, None)
    elif kind == "httpx":
        client.cookies.delete(name, domain=domain)
    else:
        client.cookies.set(name, None, domain=domain)  # requests removes a cookie set to None


def _jar_domain(client: Any, kind: str, domain: str | None) -> str:
    """The domain an ``http.cookiejar`` files a host-only cookie from the client's host under."""
    host = domain
    if host is None and kind == "httpx":
        host = client.base_url.host
    if not host:
        return ""  # sent to every host
    # http.cookiejar.eff_request_host: a dotless host name is read as "<host>.local".
    if "." not in host:
        return host + ".local"
    return host


def _kind(client: Any) -> str:
    for cls in type(client).__mro__:
        module = cls.__module__
        if module == "werkzeug.test" and cls.__name__ == "Client":
            return "werkzeug"
        if module.startswith("django.test") and cls.__name__ == "ClientMixin":
            return "django"
        if module.startswith("httpx") and cls.__name__ in ("Client", "AsyncClient"):
            return "httpx"
        if module == "requests.sessions" and cls.__name__ == "Session":
            return "requests"
    raise TypeError(
        f"login: {type(client).__module__}.{type(client).__qualname__} is not a supported test "
        f"client; use one of: {'; '.join(SUPPORTED_CLIENTS)}"
    )
