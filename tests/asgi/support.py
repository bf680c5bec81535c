"""Shared pieces of the ASGI adapter tests."""

from __future__ import annotations

from typing import Any

from ohp_gateway.config import GatewayConfig
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring

KEYS = Keyring.generate("asgi1")
START = 1_767_225_600.0
JANE = Subscriber(
    "S1", "Jane Doe", "jane@clinic.example", "O1", "Clinic", ("91-1234567",), ("Billing",),
    "sid", START,
)  # fmt: skip


def config(**overrides: Any) -> GatewayConfig:
    values: dict[str, Any] = {"site_id": "asgi", "keys": KEYS}
    values.update(overrides)
    return GatewayConfig(**values)


def http_scope(
    path: str, headers: list[tuple[bytes, bytes]], *, method: str = "GET", kind: str = "http"
) -> dict[str, Any]:
    return {
        "type": kind,
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
    }
