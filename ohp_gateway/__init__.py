"""ohp_gateway: single sign-on for participating sites of a healthcare trusted community."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def current_subscriber(environ_or_scope: Mapping[str, Any]) -> Subscriber | None:
    """The subscriber of a WSGI ``environ`` or ASGI ``scope``, or None when anonymous."""
    value = environ_or_scope.get(SUBSCRIBER_KEY)
    return value if isinstance(value, Subscriber) else None
