"""A Starlette participating site. Run: ``uvicorn --factory examples.starlette_app:create_app``.

The gateway reads its configuration from ``OHP_GATEWAY_*`` (``OHP_GATEWAY_CONFIG`` may name a
TOML file), unless ``create_app`` is given a ``GatewayConfig`` or a TOML path.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from examples import site
from ohp_gateway import GatewayConfig, Subscriber, current_subscriber
from ohp_gateway.asgi import GatewayMiddleware
from ohp_gateway.clock import Clock

Page = Callable[[Subscriber | None, list[tuple[str, str]]], str]


def _view(page: Page) -> Callable[[Request], HTMLResponse]:
    def view(request: Request) -> HTMLResponse:
        return HTMLResponse(page(current_subscriber(request.scope), request.headers.items()))

    return view


def create_app(config: GatewayConfig | str | None = None, clock: Clock | None = None) -> Starlette:
    routes = [
        Route("/", _view(site.home)),
        Route("/claims/", _view(site.claims)),
        Route("/public/", _view(site.public)),
    ]
    return Starlette(
        routes=routes, middleware=[Middleware(GatewayMiddleware, config=config, clock=clock)]
    )
