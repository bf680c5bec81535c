"""Reference IdP throughput: sign-in verifications/s (bounded by Argon2id) and nominations/s.

Run: ``python benchmarks/bench_idp.py``. The baseline is one Argon2id verification at the
default cost (m=19456 KiB, t=2, p=1) measured in the same run; sign-in is reported as a ratio
to it, so the SQLite and audit overhead on top of the hash is visible.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from ohp_gateway.idp import admins, nomination, signin, totp
from ohp_gateway.idp.context import Context, open_context
from ohp_gateway.idp.mail import Message
from ohp_gateway.idp.passwords import PasswordHasher
from ohp_gateway.idp.seed import seed_demo

SIGNINS = 60
NOMINATIONS = 400


class NullOutbox:
    def send(self, message: Message) -> None:
        pass


def argon2_baseline(rounds: int = SIGNINS) -> float:
    hasher = PasswordHasher()
    encoded = hasher.hash("violet kettle marching slowly")
    start = time.perf_counter()
    for _ in range(rounds):
        hasher.verify("violet kettle marching slowly", encoded)
    return (time.perf_counter() - start) / rounds


def signins_per_second(ctx: Context, subscriber_id: str, password: str) -> float:
    start = time.perf_counter()
    for _ in range(SIGNINS):
        signin.authenticate(ctx, subscriber_id, password, "bench")
    return SIGNINS / (time.perf_counter() - start)


def nominations_per_second(ctx: Context, demo: dict[str, Any]) -> float:
    org = demo["organizations"][0]
    admin = org["administrators"][1]
    code = totp.now_code(admin["totp_secret"], time.time())
    actor = admins.step_up(ctx, admin["subscriber_id"], code, "bench")
    start = time.perf_counter()
    for n in range(NOMINATIONS):
        form = nomination.Nomination("Pat Smith", f"pat.smith{n}@evergreen.example", ["Claims"])
        nomination.nominate(ctx, actor, form)
    return NOMINATIONS / (time.perf_counter() - start)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ctx = open_context(Path(folder) / "idp.sqlite3", outbox=NullOutbox())
        demo = seed_demo(ctx)
        person = demo["organizations"][0]["subscribers"][0]
        baseline = argon2_baseline()
        rate = signins_per_second(ctx, person["subscriber_id"], person["password"])
        nominations = nominations_per_second(ctx, demo)
    per_signin = 1 / rate
    print(f"cpu count                         {os.cpu_count()}")
    print(f"argon2id verify (m=19456,t=2,p=1) {baseline * 1000:8.1f} ms  (baseline)")
    print(f"sign-in, one process              {per_signin * 1000:8.1f} ms  = {rate:7.1f} /s")
    print(f"sign-in / argon2id ratio          {per_signin / baseline:8.2f} x")
    print(f"nominations into SQLite           {nominations:8.1f} /s")


if __name__ == "__main__":
    main()
