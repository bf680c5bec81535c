"""The example sites as a participating site's own test suite would test them: with the
``ohp_gateway`` pytest plugin, the sites' access rules, and the plugin's test keys and clock.
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from examples import site
from ohp_gateway import GatewayConfig
from ohp_gateway.clock import FakeClock
from ohp_gateway.testing import make_config

with warnings.catch_warnings():
    # Starlette >= 1.x asks for httpx2 and warns when it falls back to httpx.
    warnings.filterwarnings("ignore", message=".*install `httpx2`", category=UserWarning)
    from starlette.testclient import TestClient

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")


@pytest.fixture
def ohp_config() -> GatewayConfig:
    """The example sites' rules, with the plugin's fresh test keys."""
    return make_config(rules=site.RULES)


def _factory_app(module: str, config: GatewayConfig, clock: FakeClock) -> tuple[Any, bool]:
    """``create_app(config, clock=...)``; without the clock when the factory takes none."""
    import importlib

    create_app: Callable[..., Any] = importlib.import_module(module).create_app
    if "clock" in inspect.signature(create_app).parameters:
        return create_app(config, clock=clock), True
    return create_app(config), False


def _django_wsgi(config: GatewayConfig, clock: FakeClock) -> tuple[Any, bool]:
    # wsgi.py's one line, with the test config and clock: Django's own test client would call
    # Django's handler directly and bypass it.
    from django.core.wsgi import get_wsgi_application

    from ohp_gateway.wsgi import GatewayMiddleware

    return GatewayMiddleware(get_wsgi_application(), config, clock=clock), True


def _django_asgi(config: GatewayConfig, clock: FakeClock) -> tuple[Any, bool]:
    from django.core.asgi import get_asgi_application

    from ohp_gateway.asgi import GatewayMiddleware

    return GatewayMiddleware(get_asgi_application(), config, clock=clock), True


APPS: dict[str, Callable[[GatewayConfig, FakeClock], tuple[Any, bool]]] = {
    "flask": lambda config, clock: _factory_app("examples.flask_app", config, clock),
    "fastapi": lambda config, clock: _factory_app("examples.fastapi_app", config, clock),
    "starlette": lambda config, clock: _factory_app("examples.starlette_app", config, clock),
    "django-wsgi": _django_wsgi,
    "django-asgi": _django_asgi,
}


@pytest.fixture(params=list(APPS))
def example(
    request: pytest.FixtureRequest, ohp_config: GatewayConfig, ohp_clock: FakeClock
) -> tuple[Any, bool]:
    """(app, whether the app's gateway reads ``ohp_clock``)."""
    return APPS[request.param](ohp_config, ohp_clock)


@pytest.fixture
def client(example: tuple[Any, bool]) -> Iterator[Any]:
    """A test client that does not follow redirects, so tests see the gateway's 302."""
    app, _ = example
    if hasattr(app, "test_client"):  # Flask
        yield app.test_client()
    elif hasattr(app, "gateway") and not inspect.iscoroutinefunction(app.__call__):
        from werkzeug.test import Client

        yield Client(app)
    else:  # not entered as a context manager: Django's ASGI handler refuses lifespan
        yield TestClient(app, follow_redirects=False)


@pytest.fixture
def on_ohp_clock(example: tuple[Any, bool]) -> None:
    """Skip a test that moves ``ohp_clock`` when the app's gateway does not read it."""
    if not example[1]:
        pytest.skip("this example's create_app takes no clock=; its gateway reads the wall clock")
