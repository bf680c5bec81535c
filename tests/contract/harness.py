"""The contract harness: a small client per adapter, and the apps that record what they saw.

``wsgi-raw-uri`` builds the environ as gunicorn does (``RAW_URI`` carries the request target),
``wsgi-path-info`` as wsgiref or waitress do (only the decoded ``PATH_INFO``), and ``asgi``
the scope as uvicorn does (``raw_path``, one entry per header line). The inner apps are
framework-free and record what they saw.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes

import attrs
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ohp_gateway import SUBSCRIBER_KEY, Subscriber, current_subscriber
from ohp_gateway.asgi import GatewayMiddleware as ASGIGatewayMiddleware
from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.gateway import Gateway
from ohp_gateway.keys import Keyring
from ohp_gateway.wsgi import GatewayMiddleware as WSGIGatewayMiddleware

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ohp_gateway.asgi.types import Message, Receive, Scope, Send

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
KEYS = Keyring.generate("contract1")
ASSERTION_KEY = (
    ed25519.Ed25519PrivateKey.generate()
    .private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    .decode()
)
RULES = [
    {"path": "/public/", "public": True},
    {"path": "/poll/", "passive": True},
    {"path": "/admin/", "roles_any": ["Administrator"]},
    {"path": "/claims/", "roles_any": ["Billing"]},
    {"path": "/reports/", "roles_all": ["Billing", "Auditor"]},
    {"path": "/plan/", "tax_ids_any": ["91-7654321"]},
    {"path": "/uploads/", "methods": ["POST"], "roles_any": ["Uploader"]},
]
APP_BODY = b"hello from the app"


def contract_config(**overrides: Any) -> GatewayConfig:
    values: dict[str, Any] = {"site_id": "contract.example", "keys": KEYS, "rules": RULES}
    values.update(overrides)
    return GatewayConfig(**values)


def contract_subscriber(**overrides: Any) -> Subscriber:
    values: dict[str, Any] = {
        "subscriber_id": "S2000001",
        "name": "Jane Doe",
        "email": "jane.doe@valleyclinic.example",
        "organization_id": "ORG-7",
        "organization_name": "Valley Clinic",
        "tax_ids": ("91-1234567",),
        "roles": ("Clinician",),
        "session_id": "sid-contract",
        "auth_time": START,
    }
    values.update(overrides)
    return Subscriber(**values)


@attrs.frozen
class Seen:
    """What the inner app received: its path, its headers (lowercase, ``-``) and subscriber."""

    path: str
    headers: tuple[tuple[str, str], ...]
    subscriber: Subscriber | None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)

    def identity_headers(self) -> dict[str, str]:
        return {k: v for k, v in self.headers if k.startswith("x-ohp-")}


@attrs.frozen
class Result:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    seen: Seen | None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def set_cookies(self) -> list[str]:
        return self.all("set-cookie")


HeaderList = Iterable[tuple[str, str]]


class Client:
    """Sends one request through an adapter and reports the answer and what the app saw."""

    gateway: Gateway

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.seen: list[Seen] = []

    def cookie(self, subscriber: Subscriber, *, at: float | None = None) -> str:
        """A ``Cookie`` header value holding a fresh session for ``subscriber``."""
        name, value = self.gateway.seal(subscriber, at)
        return f"{name}={value}"

    def request(
        self, method: str, target: str, headers: HeaderList = (), *, cookie: str | None = None
    ) -> Result:
        header_list = list(headers) + ([("Cookie", cookie)] if cookie is not None else [])
        self.seen.clear()
        status, response_headers, body = self._send(method, target, header_list)
        return Result(status, tuple(response_headers), body, self.seen[0] if self.seen else None)

    def get(self, target: str, headers: HeaderList = (), *, cookie: str | None = None) -> Result:
        return self.request("GET", target, headers, cookie=cookie)

    def _send(
        self, method: str, target: str, headers: list[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        raise NotImplementedError


class WSGIClient(Client):
    def __init__(self, config: GatewayConfig, clock: FakeClock, *, raw_uri: bool) -> None:
        super().__init__(clock)
        self.raw_uri = raw_uri
        self.middleware = WSGIGatewayMiddleware(self._app, config, clock)
        self.gateway = self.middleware.gateway

    def _app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        headers = tuple(
            (k[5:].lower().replace("_", "-"), v) for k, v in environ.items() if k[:5] == "HTTP_"
        )
        assert SUBSCRIBER_KEY in environ
        self.seen.append(Seen(environ["PATH_INFO"], headers, current_subscriber(environ)))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [APP_BODY]

    def environ(self, method: str, target: str, headers: list[tuple[str, str]]) -> dict[str, Any]:
        """An environ as a server builds it: one key per name, repeated lines comma-joined."""
        path, _, query = target.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": "site.example",
            "SERVER_PORT": "443",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if self.raw_uri:
            environ["RAW_URI"] = target
        for name, value in [("Host", "site.example"), *headers]:
            key = "HTTP_" + name.upper().replace("-", "_")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _send(
        self, method: str, target: str, headers: list[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started.append((status, headers))
            return lambda data: None

        chunks = self.middleware(self.environ(method, target, headers), start_response)
        body = b"".join(chunks)
        status, response_headers = started[0]
        return int(status.split()[0]), response_headers, body


class ASGIClient(Client):
    def __init__(self, config: GatewayConfig, clock: FakeClock) -> None:
        super().__init__(clock)
        self.middleware = ASGIGatewayMiddleware(self._app, config, clock)
        self.gateway = self.middleware.gateway

    async def _app(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
        assert SUBSCRIBER_KEY in scope
        self.seen.append(Seen(scope["path"], headers, current_subscriber(scope)))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        await send({"type": "http.response.body", "body": APP_BODY})

    def scope(self, method: str, target: str, headers: list[tuple[str, str]]) -> dict[str, Any]:
        """A scope as uvicorn builds it: lowercase names, one entry per header line."""
        path, _, query = target.partition("?")
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": method,
            "scheme": "https",
            "path": unquote(path),
            "raw_path": path.encode("ascii"),
            "root_path": "",
            "query_string": query.encode("ascii"),
            "headers": [
                (n.lower().encode("latin-1"), v.encode("latin-1"))
                for n, v in [("Host", "site.example"), *headers]
            ],
            "server": ("site.example", 443),
            "client": ("127.0.0.1", 50000),
        }

    def _send(
        self, method: str, target: str, headers: list[tuple[str, str]]
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        sent: list[Message] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            sent.append(message)

        asyncio.run(self.middleware(self.scope(method, target, headers), receive, send))
        start = sent[0]
        assert start["type"] == "http.response.start"
        response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
        body = b"".join(m.get("body", b"") for m in sent[1:])
        return start["status"], response_headers, body


ADAPTERS = ["wsgi-raw-uri", "wsgi-path-info", "asgi"]


def build_client(adapter: str, clock: FakeClock, **config: Any) -> Client:
    cfg = contract_config(**config)
    if adapter == "asgi":
        return ASGIClient(cfg, clock)
    return WSGIClient(cfg, clock, raw_uri=adapter == "wsgi-raw-uri")
