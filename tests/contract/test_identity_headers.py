"""DESIGN "Identity headers": stripped in every spelling, injected only from the session."""

from __future__ import annotations

import pytest

from ohp_gateway import Subscriber

from .harness import ASSERTION_KEY, Client, contract_subscriber

SPOOFS = [
    pytest.param([("X-OHP-Roles", "Billing")], id="canonical"),
    pytest.param([("x-ohp-roles", "Billing")], id="lowercase"),
    pytest.param([("X-OHP-ROLES", "Billing")], id="uppercase"),
    pytest.param([("X_OHP_Roles", "Billing")], id="underscores"),
    pytest.param([("x_ohp-roles", "Billing")], id="mixed-separators"),
    pytest.param([("X-Ohp_Roles", "Billing")], id="mixed-case-and-separators"),
    pytest.param([("X-OHP-Roles", "Billing"), ("X-OHP-Roles", "Administrator")], id="repeated"),
    pytest.param([("X-OHP-Roles", "Billing"), ("X_OHP_Roles", "Billing")], id="both-spellings"),
    pytest.param([("X-OHP-Subscriber-Id", "S9999999")], id="subscriber-id"),
    pytest.param([("X-OHP-Tax-Ids", "91-7654321")], id="tax-ids"),
    pytest.param([("X-OHP-Assertion", "eyJhbGciOiJub25lIn0.e30.")], id="assertion"),
    pytest.param([("X-OHP-Not-Yet-Invented", "1")], id="unknown-suffix"),
]


@pytest.mark.parametrize("spoof", SPOOFS)
def test_spoofed_identity_header_never_reaches_app_on_public_path(
    client: Client, spoof: list[tuple[str, str]]
) -> None:
    result = client.get("/public/page", spoof)
    assert result.status == 200
    assert result.seen is not None
    assert result.seen.identity_headers() == {}
    assert result.seen.subscriber is None


@pytest.mark.parametrize("spoof", SPOOFS)
def test_spoofed_identity_header_is_replaced_by_the_sessions_identity(
    client: Client, jane: Subscriber, spoof: list[tuple[str, str]]
) -> None:
    result = client.get("/", spoof, cookie=client.cookie(jane))
    assert result.seen is not None
    seen = result.seen.identity_headers()
    assert seen["x-ohp-roles"] == "Clinician"
    assert seen["x-ohp-subscriber-id"] == "S2000001"
    assert seen["x-ohp-tax-ids"] == "91-1234567"
    assert "x-ohp-not-yet-invented" not in seen
    assert "x-ohp-assertion" not in seen
    assert [k for k, _ in result.seen.headers].count("x-ohp-roles") == 1


@pytest.mark.parametrize("spoof", SPOOFS)
def test_spoofed_role_does_not_open_a_role_protected_area(
    client: Client, jane: Subscriber, spoof: list[tuple[str, str]]
) -> None:
    result = client.get("/claims/", spoof, cookie=client.cookie(jane))
    assert result.status == 403
    assert result.seen is None


@pytest.mark.parametrize("spoof", SPOOFS)
def test_spoofed_identity_without_a_session_is_sent_to_sign_in(
    client: Client, spoof: list[tuple[str, str]]
) -> None:
    assert client.get("/", spoof).status == 302


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("X-OHPRoles", id="no-separator-after-prefix"),
        pytest.param("X-Other-Roles", id="other-prefix"),
        pytest.param("Roles", id="bare-name"),
    ],
)
def test_headers_outside_the_prefix_reach_the_app(client: Client, name: str) -> None:
    result = client.get("/public/", [(name, "kept")])
    assert result.seen is not None
    assert result.seen.header(name.replace("_", "-")) == "kept"


def test_custom_prefix_is_stripped_and_default_prefix_is_left_alone(
    make_client: object, jane: Subscriber
) -> None:
    client = make_client(header_prefix="X-Site-")  # type: ignore[operator]
    result = client.get(
        "/", [("X_Site_Roles", "Billing"), ("X-OHP-Roles", "x")], cookie=client.cookie(jane)
    )
    assert result.seen is not None
    assert result.seen.header("x-site-roles") == "Clinician"
    assert result.seen.header("x-ohp-roles") == "x"


def test_app_sees_the_documented_identity_headers(client: Client) -> None:
    subscriber = contract_subscriber(
        tax_ids=("91-1234567", "91-7654321"), roles=("Billing", "Eligibility")
    )
    result = client.get("/", cookie=client.cookie(subscriber))
    assert result.seen is not None
    assert result.seen.identity_headers() == {
        "x-ohp-subscriber-id": "S2000001",
        "x-ohp-subscriber-name": "Jane Doe",
        "x-ohp-email": "jane.doe@valleyclinic.example",
        "x-ohp-organization-id": "ORG-7",
        "x-ohp-organization-name": "Valley Clinic",
        "x-ohp-tax-ids": "91-1234567,91-7654321",
        "x-ohp-roles": "Billing,Eligibility",
        "x-ohp-session-expires": str(int(client.clock.now() + 1800)),
    }
    assert result.seen.subscriber == subscriber


def test_non_ascii_names_are_percent_encoded(client: Client) -> None:
    subscriber = contract_subscriber(name="José Müller", organization_name="Clínica Nuñez")
    result = client.get("/", cookie=client.cookie(subscriber))
    assert result.seen is not None
    assert result.seen.header("x-ohp-subscriber-name") == "Jos%C3%A9 M%C3%BCller"
    assert result.seen.header("x-ohp-organization-name") == "Cl%C3%ADnica Nu%C3%B1ez"
    assert result.seen.subscriber is not None
    assert result.seen.subscriber.name == "José Müller"


def test_assertion_header_is_injected_when_an_assertion_key_is_set(
    make_client: object, jane: Subscriber
) -> None:
    client = make_client(assertion_key=ASSERTION_KEY)  # type: ignore[operator]
    result = client.get("/", [("X-OHP-Assertion", "forged")], cookie=client.cookie(jane))
    assert result.seen is not None
    token = result.seen.header("x-ohp-assertion")
    assert token is not None
    assert token != "forged"
    assert token.count(".") == 2
