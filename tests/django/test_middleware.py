"""The Django middleware under Django's own test Client (which skips wsgi.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from ohp_gateway import current_subscriber
from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring
from ohp_gateway.session import SessionCodec

START = 1_767_225_600.0
CONFIG = GatewayConfig(
    site_id="django-site",
    keys=Keyring.generate("k1"),
    secure_cookies=False,
    rules=[{"path": "/public/", "public": True}, {"path": "/claims/", "roles_any": ["Billing"]}],
)


def view(request: HttpRequest) -> HttpResponse:
    who = current_subscriber(request.META)
    roles = request.headers.get("X-OHP-Roles", "")
    return HttpResponse(f"{who.name if who else 'anonymous'}|{roles}")


urlpatterns = [path("", view), path("claims/", view), path("public/", view)]


@pytest.fixture
def clock() -> Iterator[FakeClock]:
    if not settings.configured:  # the example site's settings, as the other Django suites
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_site.settings")
        import django

        django.setup()
    clock = FakeClock(START)
    with override_settings(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        MIDDLEWARE=["ohp_gateway.django.GatewayMiddleware"],
        OHP_GATEWAY_CONFIG=CONFIG,
        OHP_GATEWAY_CLOCK=clock,
    ):
        yield clock


def signed_in(client: Client, roles: tuple[str, ...] = ("Billing",)) -> Client:
    who = Subscriber(
        "S9", "Ana Lima", "ana.lima@clinic.example", "O1", "Clinic", ("91-1234567",), roles,
        "sid-dj", START,
    )  # fmt: skip
    client.cookies[CONFIG.cookie_name or ""] = SessionCodec(CONFIG.keyring, "django-site").seal(
        who, START
    )
    return client


def test_signed_in_subscriber_reaches_the_view(clock: FakeClock) -> None:
    response = signed_in(Client()).get("/claims/", HTTP_X_OHP_ROLES="Admin")
    assert response.status_code == 200
    assert response.content.decode() == "Ana Lima|Billing"


def test_anonymous_is_redirected_and_api_gets_401(clock: FakeClock) -> None:
    assert Client().get("/claims/").status_code == 302
    assert Client().get("/claims/").headers["Location"] == "/.ohp/login?return_to=/claims/"
    assert Client().get("/claims/", HTTP_ACCEPT="application/json").status_code == 401


def test_spoofed_identity_headers_are_stripped_on_public_paths(clock: FakeClock) -> None:
    response = Client().get("/public/", HTTP_X_OHP_ROLES="Billing", HTTP_X_OHP_SUBSCRIBER_ID="S1")
    assert response.content.decode() == "anonymous|"


def test_missing_role_is_403(clock: FakeClock) -> None:
    assert signed_in(Client(), roles=("Claims",)).get("/claims/").status_code == 403


def test_refresh_sets_the_cookie_without_max_age(clock: FakeClock) -> None:
    client = signed_in(Client())
    clock.advance(120)
    response = client.get("/")
    morsel = response.cookies[CONFIG.cookie_name or ""]
    assert morsel.value.startswith("v1.k1.") and morsel["httponly"] and not morsel["max-age"]


def test_idle_expiry_signs_out(clock: FakeClock) -> None:
    client = signed_in(Client())
    clock.advance(1801)
    assert client.get("/").status_code == 302


def test_gateway_endpoints_answer(clock: FakeClock) -> None:
    assert Client().get("/.ohp/health").json() == {"status": "ok"}
    logout = signed_in(Client()).get("/.ohp/logout")
    assert logout.status_code == 302
    assert logout.cookies[CONFIG.cookie_name or ""]["max-age"] == "0"
