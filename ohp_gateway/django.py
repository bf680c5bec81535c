"""``GatewayMiddleware`` as a Django middleware: one line in ``settings.MIDDLEWARE``.

```python
MIDDLEWARE = ["ohp_gateway.django.GatewayMiddleware", ...]   # first
OHP_GATEWAY_CONFIG = "/etc/ohp/gateway.toml"   # or a GatewayConfig; unset: OHP_GATEWAY_* env
```

It runs the same engine as the WSGI adapter, on ``request.META`` (Django's WSGI environ, or
the environ Django builds from an ASGI scope), so identity headers are stripped and injected
exactly as there. Unlike wrapping ``wsgi.py``, it also runs under Django's own test ``Client``,
so a site's tests see the gateway. ``OHP_GATEWAY_CLOCK`` (optional) is the clock, for tests.
"""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

from . import SUBSCRIBER_KEY
from .gateway import Gateway
from .outcome import Reply
from .wsgi.environ import environ_key, request_from_environ, strip_identity_headers

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse, HttpResponseBase

__all__ = ["GatewayMiddleware"]


class GatewayMiddleware:
    """Django middleware around the sans-I/O engine. Put it first in ``MIDDLEWARE``."""

    sync_capable = True
    async_capable = False  # Django adapts it; the engine itself never awaits

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.gateway = Gateway(
            getattr(settings, "OHP_GATEWAY_CONFIG", None),
            getattr(settings, "OHP_GATEWAY_CLOCK", None),
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request.META
        strip_identity_headers(meta, self.gateway.strip_prefix)
        engine_request = request_from_environ(meta)
        if self.gateway.needs_body(engine_request):
            engine_request = engine_request._replace(body=request.body)
        outcome = self.gateway.handle(engine_request)
        if isinstance(outcome, Reply):
            return _response(outcome, head=request.method == "HEAD")
        for name, value in outcome.headers:
            meta[environ_key(name)] = value
        meta[SUBSCRIBER_KEY] = outcome.subscriber
        request.__dict__.pop("headers", None)  # Django caches request.headers from META
        request.ohp_subscriber = outcome.subscriber
        response = self.get_response(request)
        for header in outcome.set_cookies:
            _set_cookie(response, header)
        return response


def _response(reply: Reply, *, head: bool) -> HttpResponse:
    from django.http import HttpResponse

    response = HttpResponse(b"" if head else reply.body, status=reply.status)
    for name, value in reply.headers:
        if name.lower() == "set-cookie":
            _set_cookie(response, value)
        else:
            response[name] = value
    return response


def _set_cookie(response: Any, header: str) -> None:
    """Carry a ``Set-Cookie`` value over, attributes and all (Django keeps cookies apart)."""
    parsed: SimpleCookie = SimpleCookie()
    parsed.load(header)
    for name, morsel in parsed.items():
        response.cookies[name] = morsel
