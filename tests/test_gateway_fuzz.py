"""Nothing a client can send makes the engine raise: every request gets an outcome."""

from __future__ import annotations

from core_support import START, build_subscriber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.gateway import Gateway
from ohp_gateway.keys import Keyring
from ohp_gateway.outcome import Forward, Reply, Request

CLOCK = FakeClock(START)
GATEWAY = Gateway(
    GatewayConfig(
        site_id="fuzz",
        keys=Keyring.generate("k1"),
        rules=[{"path": "/public/", "public": True}, {"path": "/claims/", "roles_any": ["B"]}],
    ),
    clock=CLOCK,
)
NAME, VALID = GATEWAY.seal(build_subscriber(), START)

text = st.text(max_size=60)
paths = st.one_of(
    text.map(lambda t: "/" + t),
    st.sampled_from(["/.ohp/", "/.ohp/login", "/.ohp/logout", "/.ohp/auth", "/.ohp/session",
                     "/.ohp/callback", "/.ohp/backchannel-logout", "/.ohp/jwks.json"]),
    text,
)  # fmt: skip
cookies = st.one_of(text, st.just(f"{NAME}={VALID}"), text.map(lambda t: f"{NAME}={t}"))
headers = st.fixed_dictionaries(
    {},
    optional={
        "cookie": cookies,
        "accept": text,
        "host": text,
        "x-forwarded-uri": st.one_of(text, paths),
        "x-forwarded-method": text,
        "x-original-uri": text,
    },
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "get", "BREW"]),
    path=paths,
    query=text,
    headers=headers,
    body=st.binary(max_size=80),
)
def test_any_request_gets_an_outcome(
    method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> None:
    outcome = GATEWAY.handle(Request(method, path, query, headers, body=body))
    assert isinstance(outcome, (Forward, Reply))
    if isinstance(outcome, Reply):
        assert 200 <= outcome.status < 600 and outcome.status != 500
        for name, value in outcome.headers:
            assert "\r" not in value and "\n" not in value, (name, value)
