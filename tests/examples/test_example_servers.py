"""Each example site under its production server (gunicorn, uvicorn) on 127.0.0.1.

Requests go over a raw ``http.client`` connection so header names reach the server exactly as
written: underscores, case and repetition are not normalised by a client library. gunicorn
drops (``header_map = "drop"``, the default since 22), refuses, or merges (``"dangerous"``)
underscore headers; uvicorn passes both spellings through. None of them may grant identity.
"""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest
from example_support import SERVERS, session_cookie, subscriber

Response = tuple[int, dict[str, str], str]


def fetch(port: int, path: str, headers: list[tuple[str, str]]) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


@pytest.fixture(params=list(SERVERS))
def port(request: pytest.FixtureRequest, servers: dict[str, int]) -> int:
    return servers[request.param]


def test_valid_cookie_shows_the_subscriber(port: int, site_toml: Path) -> None:
    status, _, body = fetch(port, "/", [("Cookie", session_cookie(site_toml, subscriber()))])
    assert status == 200
    assert "Hello, Jane Doe" in body
    assert "91-7654321" in body


def test_no_cookie_redirects_to_sign_in(port: int) -> None:
    status, headers, _ = fetch(port, "/", [])
    assert status == 302
    assert headers["location"] == "/.ohp/login?return_to=/"


def test_claims_without_billing_role_is_403(port: int, site_toml: Path) -> None:
    cookie = ("Cookie", session_cookie(site_toml, subscriber()))
    assert fetch(port, "/claims/", [cookie])[0] == 403


SPOOFS = [
    pytest.param([("X-OHP-Roles", "Billing")], id="canonical"),
    pytest.param([("X_OHP_Roles", "Billing")], id="underscores"),
    pytest.param([("x-ohp-roles", "Billing")], id="lowercase"),
    pytest.param([("X-OHP-Roles", "Billing"), ("X-OHP-Roles", "Billing")], id="repeated"),
    pytest.param([("X-OHP-Roles", "Billing"), ("X_OHP_Roles", "Billing")], id="both-spellings"),
    pytest.param([("X_Ohp-Roles", "Billing")], id="mixed"),
]


@pytest.mark.parametrize("spoof", SPOOFS)
def test_spoofed_role_does_not_open_claims(
    port: int, site_toml: Path, spoof: list[tuple[str, str]]
) -> None:
    cookie = ("Cookie", session_cookie(site_toml, subscriber()))
    status, _, _ = fetch(port, "/claims/", [cookie, *spoof])
    assert status in (403, 400)  # 400: gunicorn's header_map = "refuse"


@pytest.mark.parametrize("spoof", SPOOFS)
def test_spoofed_identity_never_reaches_the_app(
    port: int, site_toml: Path, spoof: list[tuple[str, str]]
) -> None:
    marked = [(name, "SpoofedRole") for name, _ in spoof]
    public = fetch(port, "/public/", marked)
    home = fetch(port, "/", [("Cookie", session_cookie(site_toml, subscriber())), *marked])
    for status, _, body in (public, home):
        assert status in (200, 400)
        assert "SpoofedRole" not in body
    if home[0] == 200:
        assert "X-Ohp-Roles: Clinician" in home[2]


@pytest.mark.parametrize("spoof", SPOOFS)
def test_spoofed_identity_without_a_cookie_is_sent_to_sign_in(
    port: int, spoof: list[tuple[str, str]]
) -> None:
    assert fetch(port, "/", spoof)[0] in (302, 400)
