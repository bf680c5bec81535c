"""The OpenID Connect provider as the pages see it, and how it is found.

The provider lives in :mod:`ohp_gateway.idp.oidc`; it is imported only when an ``issuer`` is
configured, so the pages work (and are tested) on their own.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

from werkzeug.wrappers import Request, Response

from ..context import Context
from ..sessions import IdpSession

log = logging.getLogger(__name__)


class Provider(Protocol):
    def handle(
        self, request: Request, session: IdpSession | None, login_url: Callable[[str], str]
    ) -> Response | None: ...

    def sign_out(self, session: IdpSession, reason: str) -> None: ...

    def process_logout_events(self) -> None: ...

    def delivery_failures(self) -> list[dict[str, Any]]: ...


def load_provider(ctx: Context, issuer: str, session_cookie: str) -> Provider:
    """Build ``ohp_gateway.idp.oidc.OidcProvider``; a clear error when it is not installed."""
    try:
        module = importlib.import_module("ohp_gateway.idp.oidc")
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            f"issuer: the OpenID Connect provider is unavailable ({error})"
        ) from error
    provider: Provider = module.OidcProvider(ctx, issuer, session_cookie=session_cookie)
    return provider
