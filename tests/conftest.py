"""Fixtures shared by the core tests."""

from __future__ import annotations

import pytest
from core_support import START, build_subscriber

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring


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
