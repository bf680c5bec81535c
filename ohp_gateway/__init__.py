"""ohp_gateway: single sign-on for participating sites of a healthcare trusted community.

Names load on first use, so importing the package (the pytest plugin does) costs nothing
until a name is needed.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import GatewayConfig as GatewayConfig
    from .errors import ConfigError as ConfigError
    from .errors import GatewayError as GatewayError
    from .errors import InvalidSession as InvalidSession
    from .gateway import Gateway as Gateway
    from .identity import Subscriber as Subscriber
    from .keys import Keyring as Keyring

__all__ = [
    "ConfigError",
    "Gateway",
    "GatewayConfig",
    "GatewayError",
    "InvalidSession",
    "Keyring",
    "Subscriber",
    "current_subscriber",
]

SUBSCRIBER_KEY = "ohp.subscriber"

_HOMES = {
    "ConfigError": ".errors",
    "Gateway": ".gateway",
    "GatewayConfig": ".config",
    "GatewayError": ".errors",
    "InvalidSession": ".errors",
    "Keyring": ".keys",
    "Subscriber": ".identity",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'ohp_gateway' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def current_subscriber(environ_or_scope: Mapping[str, Any]) -> Subscriber | None:
    """The subscriber of a WSGI ``environ`` or ASGI ``scope``, or None when anonymous."""
    from .identity import Subscriber

    value = environ_or_scope.get(SUBSCRIBER_KEY)
    return value if isinstance(value, Subscriber) else None
