"""WSGI entry point: ``gunicorn examples.django_site.wsgi``.

The gateway reads ``OHP_GATEWAY_*`` (``OHP_GATEWAY_CONFIG`` may name a TOML file).
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from ohp_gateway.wsgi import GatewayMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")

application = GatewayMiddleware(get_wsgi_application())
