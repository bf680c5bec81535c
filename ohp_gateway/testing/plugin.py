"""pytest plugin: act as an authenticated subscriber in a site's own tests.

Loaded through the ``pytest11`` entry point. Nothing here is autouse and the toolkit is only
imported when a test asks for one of the ``ohp_*`` fixtures, so test runs that do not use it
are unaffected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..clock import FakeClock
    from ..config import GatewayConfig
    from ..identity import Subscriber

MARKER = "ohp_subscriber"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**fields): shape the ohp_subscriber fixture, e.g. "
        f"@pytest.mark.{MARKER}(roles=['Billing'], tax_ids=['91-1234567'])",
    )


@pytest.fixture
def ohp_config() -> GatewayConfig:
    """A test ``GatewayConfig``: fresh keys, ``site_id="test-site"``, ``secure_cookies=False``.

    Override it by defining a fixture of the same name (e.g. to add the site's ``rules``).
    """
    from .factories import make_config

    return make_config()


@pytest.fixture
def ohp_clock() -> FakeClock:
    """A ``FakeClock``; hand it to the app's ``GatewayMiddleware(..., clock=ohp_clock)``.

    It starts at the wall clock's current second, so cookies sealed on it also open at an app
    that runs on the real clock; only an app given this clock sees it :meth:`advance`.
    """
    import time

    from ..clock import FakeClock

    return FakeClock(start=int(time.time()))


@pytest.fixture
def ohp_subscriber(request: pytest.FixtureRequest, ohp_clock: FakeClock) -> Subscriber:
    """A valid subscriber signed in at ``ohp_clock.now()``, from ``make_subscriber``.

    Shaped by ``@pytest.mark.ohp_subscriber(**fields)``; markers on the module, class and
    function merge, the closest one winning per field.
    """
    from .factories import make_subscriber

    fields: dict[str, Any] = {}
    for marker in request.node.iter_markers(MARKER):  # closest first
        if marker.args:
            raise TypeError(f"@pytest.mark.{MARKER} takes keyword arguments only")
        fields = {**marker.kwargs, **fields}
    return make_subscriber(clock=ohp_clock, **fields)


@pytest.fixture
def ohp_session_cookie(
    ohp_config: GatewayConfig, ohp_subscriber: Subscriber, ohp_clock: FakeClock
) -> tuple[str, str]:
    """``(name, value)`` of ``ohp_subscriber``'s session cookie, sealed at ``ohp_clock.now()``."""
    from .clients import session_cookie

    return session_cookie(ohp_config, ohp_subscriber, ohp_clock.now())


@pytest.fixture
def ohp_login(
    ohp_config: GatewayConfig, ohp_subscriber: Subscriber, ohp_clock: FakeClock
) -> Callable[..., Subscriber]:
    """``ohp_login(client, subscriber=None)``: sign a test client in; returns the subscriber.

    The default subscriber is ``ohp_subscriber``; the cookie is sealed at ``ohp_clock.now()``.
    """
    from .clients import login

    def ohp_login(client: Any, subscriber: Subscriber | None = None) -> Subscriber:
        return login(client, subscriber or ohp_subscriber, ohp_config, now=ohp_clock.now())

    return ohp_login
