"""A participating site's own test suite, run through ``pytester`` with the plugin.

The same site tests run against a Flask and a FastAPI site wrapped by the real
``GatewayMiddleware``; each site's conftest shows the wiring: an app factory that takes the
plugin's ``ohp_config`` and ``ohp_clock``.
"""

from __future__ import annotations

import pytest

from .test_plugin import INNER_ARGS

SITE_TESTS = """
import pytest

from ohp_gateway.testing import logout


def text(response):
    return response.text if hasattr(response, "text") else response.content.decode()


@pytest.mark.ohp_subscriber(name="Ana Ruiz", tax_ids=["91-1234567", "91-7654321"])
def test_home_page_greets_the_signed_in_subscriber(client, ohp_login):
    ohp_login(client)
    response = client.get("/")
    assert response.status_code == 200
    assert "Ana Ruiz" in text(response)
    assert "91-7654321" in text(response)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["location"] == "/.ohp/login?return_to=/"


@pytest.mark.ohp_subscriber(roles=["Billing"])
def test_claims_are_open_to_billing(client, ohp_login):
    ohp_login(client)
    assert client.get("/claims/").status_code == 200


@pytest.mark.ohp_subscriber(roles=["Eligibility"])
def test_claims_without_the_billing_role_are_forbidden(client, ohp_login):
    ohp_login(client)
    assert client.get("/claims/").status_code == 403


def test_idle_session_ends_and_sends_to_sign_in(client, ohp_login, ohp_clock, ohp_config):
    ohp_login(client)
    ohp_clock.advance(ohp_config.idle_timeout - 1)
    assert client.get("/").status_code == 200  # activity: the session slides on
    ohp_clock.advance(ohp_config.idle_timeout - 1)
    assert client.get("/").status_code == 200
    ohp_clock.advance(ohp_config.idle_timeout + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["location"].startswith("/.ohp/login")


def test_gateway_logout_signs_out(client, ohp_login):
    ohp_login(client)
    assert client.get("/.ohp/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_logout_helper_signs_out(client, ohp_login, ohp_config):
    ohp_login(client)
    logout(client, ohp_config)
    assert client.get("/").status_code == 302
"""

FLASK_SITE = """
import flask

from ohp_gateway import current_subscriber
from ohp_gateway.wsgi import GatewayMiddleware


def create_app(config=None, clock=None):
    app = flask.Flask(__name__)

    @app.get("/")
    def home():
        s = current_subscriber(flask.request.environ)
        return f"Hello {s.name}: {', '.join(s.tax_ids)} / {', '.join(s.roles)}"

    @app.get("/claims/")
    def claims():
        return "claims"

    app.wsgi_app = GatewayMiddleware(app.wsgi_app, config, clock=clock)
    return app
"""

FASTAPI_SITE = """
import fastapi

from ohp_gateway import current_subscriber
from ohp_gateway.asgi import GatewayMiddleware


def create_app(config=None, clock=None):
    app = fastapi.FastAPI()

    @app.get("/", response_class=fastapi.responses.PlainTextResponse)
    def home(request: fastapi.Request):
        s = current_subscriber(request.scope)
        return f"Hello {s.name}: {', '.join(s.tax_ids)} / {', '.join(s.roles)}"

    @app.get("/claims/", response_class=fastapi.responses.PlainTextResponse)
    def claims():
        return "claims"

    app.add_middleware(GatewayMiddleware, config=config, clock=clock)
    return app
"""

DJANGO_SITE = """
import django
from django.conf import settings

settings.configure(
    ALLOWED_HOSTS=["localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="test-only",
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

from ohp_gateway import current_subscriber
from ohp_gateway.wsgi import GatewayMiddleware


def home(request):
    s = current_subscriber(request.environ)
    return HttpResponse(f"Hello {s.name}: {', '.join(s.tax_ids)} / {', '.join(s.roles)}")


def claims(request):
    return HttpResponse("claims")


urlpatterns = [path("", home), path("claims/", claims)]


def create_app(config=None, clock=None):
    return GatewayMiddleware(get_wsgi_application(), config, clock=clock)
"""

RULES = '[{"path": "/claims/", "roles_any": ["Billing"]}]'

CONFTESTS = {
    "flask": f"""
import pytest
from ohp_gateway.testing import make_config
from site_app import create_app


@pytest.fixture
def ohp_config():
    return make_config(rules={RULES})


@pytest.fixture
def client(ohp_config, ohp_clock):
    return create_app(ohp_config, clock=ohp_clock).test_client()
""",
    "fastapi": f"""
import warnings

import pytest
from ohp_gateway.testing import make_config
from site_app import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*install `httpx2`", category=UserWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def ohp_config():
    return make_config(rules={RULES})


@pytest.fixture
def client(ohp_config, ohp_clock):
    with TestClient(create_app(ohp_config, clock=ohp_clock), follow_redirects=False) as client:
        yield client
""",
}

# Django's test client calls Django's handler, not the WSGI app: test through the middleware
# with a Werkzeug client, as docs/testing.md recommends.
CONFTESTS["django"] = f"""
import pytest
from werkzeug.test import Client
from ohp_gateway.testing import make_config
from site_app import create_app


@pytest.fixture
def ohp_config():
    return make_config(rules={RULES})


@pytest.fixture
def client(ohp_config, ohp_clock):
    return Client(create_app(ohp_config, clock=ohp_clock))
"""

SITES = {"flask": FLASK_SITE, "fastapi": FASTAPI_SITE, "django": DJANGO_SITE}


@pytest.mark.parametrize("framework", ["flask", "fastapi", "django"])
def test_site_suite_passes_with_the_plugin(pytester: pytest.Pytester, framework: str) -> None:
    pytester.makepyfile(site_app=SITES[framework], test_site=SITE_TESTS)
    pytester.makeconftest(CONFTESTS[framework])
    if framework == "django":  # settings are process-wide: give Django its own process
        result = pytester.runpytest_subprocess(*INNER_ARGS)
    else:
        result = pytester.runpytest(*INNER_ARGS)
    result.assert_outcomes(passed=7)
