"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def build_subscriber(**overrides: object) -> Subscriber:
    values: dict[str, object] = {
        "subscriber_id": "S1000001",
        "name": "Jane Doe",
        "email": "jane.doe@valleyclinic.example",
        "organization_id": "ORG-1",
        "organization_name": "Valley Clinic",
        "tax_ids": ("91-1234567", "91-7654321"),
        "roles": ("Billing", "Eligibility"),
        "session_id": "sid-1",
        "auth_time": START,
    }
    values.update(overrides)
    return Subscriber(**values)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate("k1")


@pytest.fixture
def subscriber() -> Subscriber:
    return build_subscriber()


@pytest.fixture
def config(keyring: Keyring) -> GatewayConfig:
    return GatewayConfig(
        site_id="site-a",
        keys=keyring,
        rules=[
            {"path": "/public/", "public": True},
            {"path": "/poll", "passive": True},
            {"path": "/claims/", "roles_any": ["Billing"]},
            {"path": "/admin/", "roles_all": ["Admin", "Billing"]},
            {"path": "/plan/", "tax_ids_any": ["91-7654321"]},
        ],
    )
