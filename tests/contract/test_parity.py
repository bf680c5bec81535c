"""The adapters hold no policy: the same requests give the same answers through each.

One difference is inherent: a WSGI server that gives no ``RAW_URI``/``REQUEST_URI`` has
already decoded the path, so the encoded spelling cannot appear in a sign-in ``return_to``.
"""

from __future__ import annotations

import re

from ohp_gateway.clock import FakeClock

from .harness import ADAPTERS, START, build_client, contract_subscriber

REQUESTS = [
    ("GET", "/", [], True),
    ("GET", "/", [("Accept", "application/json")], False),
    ("POST", "/claims/", [], True),
    ("GET", "/claims/", [("X_OHP_Roles", "Billing")], True),
    ("GET", "/admin%2f", [], True),
    ("GET", "/public/%2e%2e/admin/", [], True),
    ("GET", "/public/x", [("X-OHP-Roles", "Billing")], False),
    ("GET", "/.ohp/session", [], True),
    ("GET", "/.ohp/login?return_to=//evil", [], False),
    ("HEAD", "/patients/", [], False),
]


def _transcript(adapter: str) -> list[object]:
    clock = FakeClock(START)
    client = build_client(adapter, clock)
    cookie = client.cookie(contract_subscriber())
    out: list[object] = []
    for method, target, headers, with_cookie in REQUESTS:
        clock.advance(61)
        result = client.request(method, target, headers, cookie=cookie if with_cookie else None)
        # Sealed cookies carry a random nonce: compare their shape, not their bytes.
        response = [(k.lower(), re.sub(r"=v1\.[^;]+", "=<sealed>", v)) for k, v in result.headers]
        seen = result.seen and (result.seen.identity_headers(), result.seen.subscriber)
        out.append((result.status, response, result.body, seen))
    return out


def test_every_adapter_gives_identical_results() -> None:
    first, *others = [_transcript(adapter) for adapter in ADAPTERS]
    for other in others:
        assert other == first


def test_without_a_raw_path_only_the_sign_in_return_to_keeps_the_decoded_form() -> None:
    raw = build_client("wsgi-raw-uri", FakeClock(START)).get("/public/%2e%2e/admin/")
    decoded = build_client("wsgi-path-info", FakeClock(START)).get("/public/%2e%2e/admin/")
    assert raw.status == decoded.status == 302
    assert raw.header("location") == "/.ohp/login?return_to=/public/%252e%252e/admin/"
    assert decoded.header("location") == "/.ohp/login?return_to=/public/../admin/"
