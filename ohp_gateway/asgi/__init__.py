"""ASGI adapter: ``app = GatewayMiddleware(app, config)``."""

from __future__ import annotations

from .middleware import GatewayMiddleware as GatewayMiddleware
from .scope import strip_identity_headers as strip_identity_headers

__all__ = ["GatewayMiddleware", "strip_identity_headers"]
