"""Factories for test data: a valid :class:`Subscriber` and a test :class:`GatewayConfig`."""

from __future__ import annotations

import difflib
import itertools
import time
from typing import TYPE_CHECKING, Any

from ..config import GatewayConfig
from ..identity import Subscriber
from ..keys import Keyring

if TYPE_CHECKING:
    from ..clock import Clock

__all__ = ["SUBSCRIBER_DEFAULTS", "make_config", "make_subscriber"]

# A plausible clinic staff member. 91 is a valid EIN prefix (IRS, Seattle/Ogden campus); the
# e-mail is personal, as the community requires (role mailboxes such as billing@ are refused);
# the .example domain (RFC 2606) can never reach a real mailbox.
SUBSCRIBER_DEFAULTS: dict[str, Any] = {
    "subscriber_id": "S1000001",
    "name": "Jane Doe",
    "email": "jane.doe@valleyclinic.example",
    "organization_id": "ORG-1001",
    "organization_name": "Valley Clinic",
    "tax_ids": ("91-1234567",),
    "roles": ("Billing",),
}

_FIELDS = frozenset((*SUBSCRIBER_DEFAULTS, "session_id", "auth_time"))
_session_ids = itertools.count(1)


def make_subscriber(*, clock: Clock | None = None, **overrides: Any) -> Subscriber:
    """A valid :class:`Subscriber`: :data:`SUBSCRIBER_DEFAULTS` updated with ``overrides``.

    ``session_id`` is unique per call; ``auth_time`` is ``clock.now()``, or the wall clock
    when no ``clock`` is given. Overrides are validated by :class:`Subscriber` itself.
    """
    unknown = sorted(set(overrides) - _FIELDS)
    if unknown:
        hints = [_hint(name) for name in unknown]
        raise TypeError(
            f"make_subscriber: unknown field(s) {', '.join(hints)}; "
            f"known: {', '.join(sorted(_FIELDS))}"
        )
    values = {
        **SUBSCRIBER_DEFAULTS,
        "session_id": f"test-sid-{next(_session_ids)}",
        "auth_time": time.time() if clock is None else clock.now(),
        **overrides,
    }
    return Subscriber(**values)


def _hint(name: str) -> str:
    near = difflib.get_close_matches(name, _FIELDS, n=1)
    return f"{name!r} (did you mean {near[0]!r}?)" if near else repr(name)


def make_config(**overrides: Any) -> GatewayConfig:
    """A test :class:`GatewayConfig`: fresh keys, ``site_id="test-site"``, plain-http cookies.

    ``secure_cookies=False`` names the cookie ``ohp_session`` without ``Secure``, so test
    clients speaking ``http://`` send it. Any other key can be overridden, e.g. ``rules``.
    """
    values: dict[str, Any] = {
        "site_id": "test-site",
        "keys": Keyring.generate("test"),
        "secure_cookies": False,
        **overrides,
    }
    return GatewayConfig.from_mapping(values, source="make_config")
