"""Views of the example Django site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from examples import site
from ohp_gateway import Subscriber, current_subscriber


def subscriber_of(request: HttpRequest) -> Subscriber | None:
    """Under WSGI the subscriber is in ``request.META`` (the environ); under ASGI in the scope."""
    scope = getattr(request, "scope", None)
    return current_subscriber(scope if scope is not None else request.META)


def _headers(request: HttpRequest) -> list[tuple[str, str]]:
    return list(request.headers.items())


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse(site.home(subscriber_of(request), _headers(request)))


def claims(request: HttpRequest) -> HttpResponse:
    return HttpResponse(site.claims(subscriber_of(request), _headers(request)))


def public(request: HttpRequest) -> HttpResponse:
    return HttpResponse(site.public(subscriber_of(request), _headers(request)))
