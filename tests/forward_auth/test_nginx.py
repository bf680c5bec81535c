"""Forward auth behind a real nginx (``auth_request``), configured as docs/forward-auth.md says."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from werkzeug.serving import make_server

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring
from ohp_gateway.wsgi import GatewayMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

START = 1_767_225_600.0
HEADERS = [
    "Subscriber-Id",
    "Subscriber-Name",
    "Email",
    "Organization-Id",
    "Organization-Name",
    "Tax-Ids",
    "Roles",
    "Session-Expires",
    "Assertion",
]

NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
{site}
    }}
}}
"""


def site_snippet(gateway: str, upstream: str) -> str:
    """The server-block snippet of docs/forward-auth.md, with real addresses."""
    sets = "\n".join(
        f"        auth_request_set $ohp_{i} $upstream_http_x_ohp_{h.lower().replace('-', '_')};"
        for i, h in enumerate(HEADERS)
    )
    passes = "\n".join(
        f"        proxy_set_header X-OHP-{h} $ohp_{i};" for i, h in enumerate(HEADERS)
    )
    return f"""
    location = /.ohp/auth {{
        internal;
        proxy_pass http://{gateway};
        proxy_pass_request_body off;
        proxy_set_header Content-Length "";
        proxy_set_header X-Forwarded-Uri $request_uri;
        proxy_set_header X-Forwarded-Method $request_method;
        proxy_set_header X-Forwarded-Host $host;
    }}
    location /.ohp/ {{
        proxy_pass http://{gateway};
    }}
    location @ohp_login {{
        return 302 /.ohp/login?return_to=$request_uri;
    }}
    location / {{
        auth_request /.ohp/auth;
{sets}
        auth_request_set $ohp_cookie $upstream_http_set_cookie;
        add_header Set-Cookie $ohp_cookie;
{passes}
        error_page 401 = @ohp_login;
        proxy_pass http://{upstream};
    }}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def upstream_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    seen = {k: v for k, v in environ.items() if k.startswith("HTTP_X_OHP")}
    body = json.dumps(seen).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def not_found(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


class Stack:
    def __init__(self, port: int, clock: FakeClock, config: GatewayConfig) -> None:
        self.port = port
        self.clock = clock
        self.config = config

    def request(
        self, path: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, resp.headers, body

    def cookie(self, subscriber: Subscriber) -> dict[str, str]:
        from ohp_gateway.session import SessionCodec

        codec = SessionCodec(self.config.keyring, self.config.site_id)
        return {"Cookie": f"{self.config.cookie_name}={codec.seal(subscriber, self.clock.now())}"}


def serve(app: object, port: int) -> object:
    server = make_server("127.0.0.1", port, app, threaded=True)  # type: ignore[arg-type]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    tmp = tmp_path_factory.mktemp("nginx")
    clock = FakeClock(START)
    config = GatewayConfig(
        site_id="nginx-site",
        keys=Keyring.generate("k1"),
        secure_cookies=False,
        rules=[
            {"path": "/public/", "public": True},
            {"path": "/claims/", "roles_any": ["Billing"]},
        ],
    )
    g_port, u_port, n_port = free_port(), free_port(), free_port()
    servers = [
        serve(GatewayMiddleware(not_found, config, clock=clock), g_port),
        serve(upstream_app, u_port),
    ]
    conf = tmp / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            user="user root;" if os.geteuid() == 0 else "",
            tmp=tmp,
            port=n_port,
            site=site_snippet(f"127.0.0.1:{g_port}", f"127.0.0.1:{u_port}"),
        )
    )
    proc = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", n_port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("nginx did not start: " + (tmp / "error.log").read_text())
                time.sleep(0.05)
        yield Stack(n_port, clock, config)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for server in servers:
            server.shutdown()  # type: ignore[attr-defined]


def who(**overrides: object) -> Subscriber:
    values: dict[str, object] = {
        "subscriber_id": "S42",
        "name": "José Núñez",
        "email": "jose.nunez@clinic.example",
        "organization_id": "ORG-7",
        "organization_name": "Clinic",
        "tax_ids": ("91-1234567",),
        "roles": ("Eligibility",),
        "session_id": "sid-nginx",
        "auth_time": START,
    }
    values.update(overrides)
    return Subscriber(**values)  # type: ignore[arg-type]


def test_anonymous_browser_is_sent_to_sign_in(stack: Stack) -> None:
    status, headers, _ = stack.request("/claims/7?x=1")
    assert status == 302
    assert headers["Location"].endswith("/.ohp/login?return_to=/claims/7?x=1")


def test_signed_in_subscriber_reaches_upstream_with_identity(stack: Stack) -> None:
    status, _, body = stack.request("/home", stack.cookie(who()))
    assert status == 200
    seen = json.loads(body)
    assert seen["HTTP_X_OHP_SUBSCRIBER_ID"] == "S42"
    assert seen["HTTP_X_OHP_SUBSCRIBER_NAME"] == "Jos%C3%A9 N%C3%BA%C3%B1ez"
    assert seen["HTTP_X_OHP_ROLES"] == "Eligibility"


@pytest.mark.parametrize(
    "spoof",
    [
        pytest.param({"X-OHP-Roles": "Billing"}, id="canonical"),
        pytest.param({"x-ohp-roles": "Billing"}, id="lower"),
        pytest.param({"X_OHP_Roles": "Billing"}, id="underscore"),
        pytest.param({"X-Forwarded-Uri": "/public/x"}, id="forwarded-uri"),
        pytest.param({"X-Original-URI": "/public/x"}, id="original-uri"),
    ],
)
def test_spoofed_headers_grant_nothing(stack: Stack, spoof: dict[str, str]) -> None:
    status, _, _ = stack.request("/claims/1", {**stack.cookie(who()), **spoof})
    assert status == 403
    status, _, body = stack.request("/home", {**stack.cookie(who()), **spoof})
    assert status == 200
    seen = json.loads(body)
    assert seen["HTTP_X_OHP_ROLES"] == "Eligibility"
    assert all("Billing" not in v for v in seen.values())


def test_spoofed_identity_without_a_session_reaches_nothing(stack: Stack) -> None:
    headers = {"X-OHP-Subscriber-Id": "S1", "X-OHP-Roles": "Billing", "Accept": "application/json"}
    status, _, _ = stack.request("/claims/1", headers)
    assert status == 302  # nginx turns the gateway's 401 into the sign-in redirect
    status, _, body = stack.request("/public/a", headers)
    assert status == 200
    assert "HTTP_X_OHP_SUBSCRIBER_ID" not in json.loads(body)


def test_encoded_traversal_is_held_to_the_stricter_rule(stack: Stack) -> None:
    status, _, _ = stack.request("/public/..%2fclaims/1", stack.cookie(who()))
    assert status == 403


def test_refreshed_cookie_reaches_the_browser(stack: Stack) -> None:
    cookie = stack.cookie(who(auth_time=stack.clock.now()))
    stack.clock.advance(120)
    status, headers, _ = stack.request("/home", cookie)
    assert status == 200
    assert headers["Set-Cookie"].startswith("ohp_session=v1.k1.")
    assert "Max-Age" not in headers["Set-Cookie"]


def test_gateway_endpoints_are_reachable_through_nginx(stack: Stack) -> None:
    status, _, body = stack.request("/.ohp/health")
    assert status == 200 and json.loads(body) == {"status": "ok"}
