"""One behaviour suite, three front doors: every contract test runs against each adapter.

``wsgi-raw-uri`` builds the environ as gunicorn does (``RAW_URI`` carries the request target),
``wsgi-path-info`` as wsgiref or waitress do (only the decoded ``PATH_INFO``), and ``asgi``
the scope as uvicorn does (``raw_path``, one entry per header line).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ohp_gateway import Subscriber
from ohp_gateway.clock import FakeClock

from .harness import ADAPTERS, START, Client, build_client, contract_subscriber

MakeClient = Callable[..., Client]


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def make_client(adapter: str, fake_clock: FakeClock) -> MakeClient:
    """``make_client(**config_overrides)``: a client for this adapter and the shared clock."""

    def make(**config: Any) -> Client:
        return build_client(adapter, fake_clock, **config)

    return make


@pytest.fixture
def client(make_client: MakeClient) -> Client:
    return make_client()


@pytest.fixture
def jane() -> Subscriber:
    """A clinician with one Tax ID and no billing role."""
    return contract_subscriber()
