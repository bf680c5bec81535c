"""WSGI adapter: ``app = GatewayMiddleware(app, config)``."""

from __future__ import annotations

from .environ import strip_identity_headers as strip_identity_headers
from .middleware import GatewayMiddleware as GatewayMiddleware

__all__ = ["GatewayMiddleware", "strip_identity_headers"]
