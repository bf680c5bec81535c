"""A FastAPI participating site. Run: ``uvicorn --factory examples.fastapi_app:create_app``.

The gateway reads its configuration from ``OHP_GATEWAY_*`` (``OHP_GATEWAY_CONFIG`` may name a
TOML file), unless ``create_app`` is given a ``GatewayConfig`` or a TOML path.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from examples import site
from ohp_gateway import GatewayConfig, current_subscriber
from ohp_gateway.asgi import GatewayMiddleware
from ohp_gateway.clock import Clock


def create_app(config: GatewayConfig | str | None = None, clock: Clock | None = None) -> FastAPI:
    app = FastAPI()
    app.add_middleware(GatewayMiddleware, config=config, clock=clock)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> str:
        return site.home(current_subscriber(request.scope), request.headers.items())

    @app.get("/claims/", response_class=HTMLResponse)
    def claims(request: Request) -> str:
        return site.claims(current_subscriber(request.scope), request.headers.items())

    @app.get("/public/", response_class=HTMLResponse)
    def public(request: Request) -> str:
        return site.public(current_subscriber(request.scope), request.headers.items())

    return app
