"""A Flask participating site. Run: ``gunicorn 'examples.flask_app:create_app()'``.

The gateway reads its configuration from ``OHP_GATEWAY_*`` (``OHP_GATEWAY_CONFIG`` may name a
TOML file), unless ``create_app`` is given a ``GatewayConfig`` or a TOML path.
"""

from __future__ import annotations

from flask import Flask, request

from examples import site
from ohp_gateway import GatewayConfig, current_subscriber
from ohp_gateway.clock import Clock
from ohp_gateway.wsgi import GatewayMiddleware


def create_app(config: GatewayConfig | str | None = None, clock: Clock | None = None) -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def home() -> str:
        return site.home(current_subscriber(request.environ), request.headers.items())

    @app.get("/claims/")
    def claims() -> str:
        return site.claims(current_subscriber(request.environ), request.headers.items())

    @app.get("/public/")
    def public() -> str:
        return site.public(current_subscriber(request.environ), request.headers.items())

    app.wsgi_app = GatewayMiddleware(app.wsgi_app, config, clock)  # type: ignore[method-assign]
    return app
