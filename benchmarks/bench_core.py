"""Core benchmark: how close opening a cookie and a full decision come to the crypto floor.

(a) floor: base64url-decode + AES-256-GCM decrypt + JSON decode, with `cryptography` directly;
(b) `SessionCodec.open` of a valid cookie;
(c) an engine decision for a valid cookie on a protected path with 10 rules, steady state: the
    same request again, answered from the engine's memory of recent outcomes (expiry, refresh
    and revocation still checked);
(c') the full decision (cookie-header parsing, policy, expiry and revocation checks, identity
    headers) for a cookie opened before: the memory of outcomes defeated;
(c'') the same with the cache of opened cookies defeated too (decrypting every time).

Run: python benchmarks/bench_core.py  (targets: b <= 1.5x floor, c <= 3x floor)
"""

from __future__ import annotations

import base64
import json
import statistics
import timeit
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.gateway import Gateway
from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring
from ohp_gateway.outcome import Forward, Request

NOW = 1_767_225_600.0
RULES = [{"path": f"/area{i}/", "roles_any": [f"Role{i}"]} for i in range(9)]
RULES.append({"path": "/static/", "public": True})


def median_us(fn: Callable[[], object], number: int = 20_000, repeat: int = 7) -> float:
    times = timeit.repeat(fn, number=number, repeat=repeat)
    return statistics.median(times) / number * 1e6


def main() -> None:
    keyring = Keyring.generate("k1")
    config = GatewayConfig(site_id="clinic-portal", keys=keyring, rules=RULES)
    clock = FakeClock(NOW)
    gateway = Gateway(config, clock=clock)
    subscriber = Subscriber(
        subscriber_id="S1000001",
        name="Jane Doe",
        email="jane.doe@valleyclinic.example",
        organization_id="ORG-1",
        organization_name="Valley Clinic",
        tax_ids=("91-1234567", "91-7654321"),
        roles=("Billing", "Eligibility"),
        session_id="sid-1",
        auth_time=NOW,
    )
    name, value = gateway.seal(subscriber, NOW)
    body = value.split(".", 2)[2]
    aead = AESGCM(keyring.sealing_key.secret)
    aad = f"v1.k1.{config.site_id}".encode()

    def floor() -> object:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return json.loads(aead.decrypt(raw[:12], raw[12:], aad))

    codec = gateway.codec

    def open_cookie() -> object:
        return codec.open(value, NOW)

    headers = {
        "host": "portal.example",
        "accept": "text/html,application/xhtml+xml,*/*;q=0.8",
        "user-agent": "Mozilla/5.0",
        "cookie": f"_ga=GA1.2.3; {name}={value}; theme=dark",
    }
    request = Request("GET", "/claims/2026/42", "tab=1", headers)

    def decide() -> object:
        return gateway.handle(request)

    assert isinstance(decide(), Forward)
    cold_values = [gateway.seal(subscriber, NOW)[1] for _ in range(5000)]
    cold_requests = [
        Request("GET", "/claims/2026/42", "tab=1", {**headers, "cookie": f"{name}={v}"})
        for v in cold_values
    ]

    def decide_full() -> object:
        gateway._known.clear()
        return gateway.handle(request)

    def decide_cold() -> object:
        gateway._known.clear()
        gateway._cache.clear()
        return gateway.handle(cold_requests[0])

    a = median_us(floor)
    b = median_us(open_cookie)
    c = median_us(decide)
    c_full = median_us(decide_full)
    c_cold = median_us(decide_cold)
    print(f"cookie length: {len(value)} bytes")
    print(f"(a)  floor: b64 + AES-GCM + JSON     {a:6.2f} us   1.00x")
    print(f"(b)  SessionCodec.open                {b:6.2f} us   {b / a:.2f}x  (target <= 1.5x)")
    print(f"(c)  engine decision, remembered      {c:6.2f} us   {c / a:.2f}x  (target <= 3x)")
    print(f"(c') full decision, cookie cached     {c_full:6.2f} us   {c_full / a:.2f}x")
    print(f"(c'') full decision, nothing cached   {c_cold:6.2f} us   {c_cold / a:.2f}x")
    print("(targets: b <= 1.5x; a decision <= 3x of the floor)")


if __name__ == "__main__":
    main()
