"""Testing toolkit: act as an authenticated subscriber without an identity provider.

Also a pytest plugin (``ohp_gateway.testing.plugin``) with the ``ohp_*`` fixtures. pytest
imports the plugin in every project where ohp_gateway is installed, and that import passes
through this package, so the names below are loaded on first use (PEP 562), not here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..clock import FakeClock as FakeClock
    from .clients import login as login
    from .clients import logout as logout
    from .clients import session_cookie as session_cookie
    from .factories import make_config as make_config
    from .factories import make_subscriber as make_subscriber

__all__ = ["FakeClock", "login", "logout", "make_config", "make_subscriber", "session_cookie"]

_HOMES = {
    "FakeClock": "ohp_gateway.clock",
    "login": "ohp_gateway.testing.clients",
    "logout": "ohp_gateway.testing.clients",
    "session_cookie": "ohp_gateway.testing.clients",
    "make_config": "ohp_gateway.testing.factories",
    "make_subscriber": "ohp_gateway.testing.factories",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
