"""ASGI entry point: ``uvicorn examples.django_site.asgi:application``.

The gateway reads ``OHP_GATEWAY_*`` (``OHP_GATEWAY_CONFIG`` may name a TOML file).
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from ohp_gateway.asgi import GatewayMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")

application = GatewayMiddleware(get_asgi_application())
