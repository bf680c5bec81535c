"""Every example site, signed in through the ``ohp_gateway`` pytest plugin."""

from __future__ import annotations

from typing import Any

import pytest

from ohp_gateway import GatewayConfig
from ohp_gateway.clock import FakeClock
from ohp_gateway.testing import logout

LoginFn = Any  # ohp_login(client, subscriber=None)


def text(response: Any) -> str:
    return str(response.text if hasattr(response, "text") else response.get_data(as_text=True))


@pytest.mark.ohp_subscriber(name="Ana Ruiz", tax_ids=["91-1234567", "91-7654321"])
def test_home_page_greets_the_subscriber_with_tax_ids_and_roles(
    client: Any, ohp_login: LoginFn
) -> None:
    ohp_login(client)
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "Welcome, Ana Ruiz of Valley Clinic" in page
    assert "<li>91-7654321</li>" in page
    assert "<li>Billing</li>" in page


def test_anonymous_visitor_is_sent_to_sign_in(client: Any) -> None:
    response = client.get("/claims/")
    assert response.status_code == 302
    assert response.headers["location"] == "/.ohp/login?return_to=/claims/"


def test_public_page_needs_no_sign_in(client: Any) -> None:
    response = client.get("/public/")
    assert response.status_code == 200
    assert "you are not signed in" in text(response)


@pytest.mark.ohp_subscriber(roles=["Billing"])
def test_claims_are_open_to_billing_staff(client: Any, ohp_login: LoginFn) -> None:
    ohp_login(client)
    assert client.get("/claims/").status_code == 200


@pytest.mark.ohp_subscriber(roles=["Clinician"])
def test_claims_without_the_billing_role_are_forbidden(client: Any, ohp_login: LoginFn) -> None:
    ohp_login(client)
    response = client.get("/claims/")
    assert response.status_code == 403
    assert "Jane Doe" in text(response)


@pytest.mark.usefixtures("on_ohp_clock")
def test_session_idle_past_the_timeout_is_sent_to_sign_in(
    client: Any, ohp_login: LoginFn, ohp_clock: FakeClock, ohp_config: GatewayConfig
) -> None:
    ohp_login(client)
    ohp_clock.advance(ohp_config.idle_timeout - 1)
    assert client.get("/").status_code == 200  # activity: the session slides on
    ohp_clock.advance(ohp_config.idle_timeout - 1)
    assert client.get("/").status_code == 200
    ohp_clock.advance(ohp_config.idle_timeout + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["location"] == "/.ohp/login?return_to=/"


def test_gateway_logout_ends_the_session(client: Any, ohp_login: LoginFn) -> None:
    ohp_login(client)
    response = client.get("/.ohp/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_dropping_the_cookie_signs_out(
    client: Any, ohp_login: LoginFn, ohp_config: GatewayConfig
) -> None:
    ohp_login(client)
    logout(client, ohp_config)
    assert client.get("/").status_code == 302
