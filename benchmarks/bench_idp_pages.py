"""Render time of each identity provider page (GET) through the WSGI app, in process.

Run: ``python benchmarks/bench_idp_pages.py``. Sessions are started directly in the store, so
no Argon2id hashing is measured; each request still resumes the session, loads the subscriber,
renders the template and adds the security headers. The baseline is a bare Werkzeug "hello"
``Response`` through the same test client, measured in the same run. Target: p99 < 50 ms.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from ohp_gateway.idp import create_app, sessions
from ohp_gateway.idp.config import TEST_ARGON2, IdpConfig
from ohp_gateway.idp.context import Context, open_context
from ohp_gateway.idp.mail import Message
from ohp_gateway.idp.seed import seed_demo

ROUNDS = 300
PAGES: dict[str, tuple[str, ...]] = {
    "anonymous": (
        "/",
        "/login",
        "/login?site=1",
        "/sites",
        "/activate",
        "/forgot",
        "/reset?token=x",
        "/register",
        "/no-such-page",
    ),
    "subscriber": ("/", "/profile"),
    "admin": (
        "/admin",
        "/admin/nominate",
        "/admin/roles",
        "/admin/affiliations",
        "/admin/lookup",
        "/admin/terminate",
        "/admin/totp",
    ),
    "support": ("/support", "/support/release", "/support/promote"),
}


class NullOutbox:
    def send(self, message: Message) -> None:
        pass


@Request.application  # type: ignore[arg-type]
def hello(request: Request) -> Response:
    return Response("hello")


def timings(client: Client, path: str, rounds: int = ROUNDS) -> list[float]:
    client.get(path)  # warm the template cache
    found = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        response.close()
        found.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 500, path
    return found


def percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100)
    return statistics.median(values), cuts[98]


def clients(ctx: Context, demo: dict[str, Any]) -> dict[str, Client]:
    org = demo["organizations"][0]
    admin_id = org["administrators"][0]["subscriber_id"]
    operator_id = demo["organizations"][1]["administrators"][0]["subscriber_id"]
    app = create_app(ctx, secure_cookies=False, support_operators=[operator_id])
    made = {"anonymous": Client(app)}
    for kind, sub_id, second in (
        ("subscriber", org["subscribers"][0]["subscriber_id"], False),
        ("admin", admin_id, True),
        ("support", operator_id, True),
    ):
        _, token = sessions.start(ctx, sub_id, "bench", second_factor=second)
        client = Client(app)
        client.set_cookie("ohp_idp", token)
        made[kind] = client
    return made


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = IdpConfig(argon2=TEST_ARGON2)
        ctx = open_context(Path(folder) / "idp.sqlite3", config=config, outbox=NullOutbox())
        demo = seed_demo(ctx)
        base50, base99 = percentiles(timings(Client(hello), "/"))
        print(f"{'baseline: bare Werkzeug hello':40s} p50 {base50:6.3f} ms  p99 {base99:6.3f} ms")
        worst = 0.0
        for kind, client in clients(ctx, demo).items():
            for path in PAGES[kind]:
                p50, p99 = percentiles(timings(client, path))
                worst = max(worst, p99)
                label = f"{kind} {path}"
                print(
                    f"{label:40s} p50 {p50:6.3f} ms  p99 {p99:6.3f} ms  "
                    f"(x{p50 / base50:5.1f} baseline p50)"
                )
        verdict = "meets" if worst < 50 else "MISSES"
        print(f"worst p99 {worst:.3f} ms: {verdict} the 50 ms target")


if __name__ == "__main__":
    main()
