"""Sign-in through the real server: ``ohp-gateway idp serve`` (gunicorn, 2 sync workers).

Run: ``python benchmarks/bench_idp_serve.py``. A demo community is seeded with the default
Argon2id cost (m=19456 KiB, t=2, p=1), then a few client threads, each a browser-like
``requests.Session`` with its own CSRF token (fetched once from ``GET /login``), POST
``/login`` with a valid password for a bounded time. The session cookie a sign-in sets is
dropped so the next sign-in starts from the same state (the token stays bound to the browser).

Baselines measured in the same run:
- the Argon2id derive alone, in this process, with the same parameters (what a sign-in
  cannot go below);
- ``GET /.well-known/openid-configuration`` through the same server (no work: what the
  server, the network stack and the client threads cost by themselves).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from ohp_gateway.idp.config import Argon2Params
from ohp_gateway.idp.context import open_context
from ohp_gateway.idp.seed import seed_demo

HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SESSION_COOKIE = "ohp_idp"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("ohp-gateway")),
        "idp",
        "--db",
        str(db),
        "serve",
        "--listen",
        f"{HOST}:{port}",
        "--issuer",
        f"http://{HOST}:{port}",
        "--insecure-cookies",
        "--workers",
        str(workers),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited early (status {process.returncode})")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within 30 s")


def argon2_per_op(params: Argon2Params, rounds: int) -> float:
    """Seconds per Argon2id derive with ``params`` (median of ``rounds``)."""
    times = []
    for _ in range(rounds):
        kdf = Argon2id(
            salt=secrets.token_bytes(16),
            length=32,
            iterations=params.iterations,
            lanes=params.lanes,
            memory_cost=params.memory_kib,
        )
        start = time.perf_counter()
        kdf.derive(b"correct horse staple battery 42")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def browser() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def csrf_token(session: requests.Session, base: str) -> str:
    match = CSRF.search(session.get(f"{base}/login", timeout=10).text)
    if match is None:
        raise SystemExit("no CSRF token on /login")
    return html.unescape(match[1])


Request = Callable[[requests.Session], None]


class UnexpectedStatus(Exception):
    pass


def expect(response: requests.Response, status: int) -> None:
    if response.status_code != status:
        raise UnexpectedStatus(f"{response.request.method} {response.url}: {response.status_code}")


def load(
    clients: int, seconds: float, prepare: Callable[[int], Request]
) -> tuple[int, list[float], int]:
    """Run ``clients`` threads for ``seconds``; returns (requests, latencies, errors)."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    ready = threading.Barrier(clients + 1)
    stop = threading.Event()

    def work(n: int) -> None:
        one = prepare(n)
        session = browser()
        one(session)  # warm up: connection, cookies, token
        ready.wait()
        while not stop.is_set():
            start = time.perf_counter()
            try:
                one(session)
            except (requests.RequestException, UnexpectedStatus):
                errors[n] += 1
                continue
            latencies[n].append(time.perf_counter() - start)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [x for per in latencies for x in per]
    return round(len(flat) / elapsed), flat, sum(errors)


def sign_in_request(base: str, subscriber_id: str, password: str) -> Request:
    token: dict[int, str] = {}

    def one(session: requests.Session) -> None:
        key = id(session)
        if key not in token:
            token[key] = csrf_token(session, base)
        data = {"subscriber_id": subscriber_id, "password": password, "csrf_token": token[key]}
        response = session.post(f"{base}/login", data=data, allow_redirects=False, timeout=30)
        expect(response, 303)
        for cookie in list(session.cookies):
            if cookie.name == SESSION_COOKIE:
                session.cookies.clear(cookie.domain, cookie.path, cookie.name)

    return one


def discovery_request(base: str) -> Request:
    def one(session: requests.Session) -> None:
        response = session.get(f"{base}/.well-known/openid-configuration", timeout=10)
        expect(response, 200)

    return one


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="sign-in load duration")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    params = Argon2Params()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "idp.sqlite3"
        community = seed_demo(open_context(db))  # default Argon2id cost
        members = [s for org in community["organizations"] for s in org["subscribers"]]
        port = free_port()
        base = f"http://{HOST}:{port}"
        process = start_server(db, port, args.workers)
        try:
            wait_until_up(f"{base}/login", process)
            argon2 = argon2_per_op(params, 15)
            found, sign_ins, sign_in_errors = load(
                args.clients,
                args.seconds,
                lambda n: sign_in_request(
                    base, members[n % len(members)]["subscriber_id"], community["password"]
                ),
            )
            rate, gets, get_errors = load(
                args.clients, min(args.seconds, 3.0), lambda n: discovery_request(base)
            )
        finally:
            process.terminate()  # SIGTERM: gunicorn stops its workers gracefully
            process.wait(timeout=20)
    report(args, params, argon2, found, sign_ins, sign_in_errors, rate, gets, get_errors)
    return 0


def report(
    args: argparse.Namespace,
    params: Argon2Params,
    argon2: float,
    sign_in_rate: int,
    sign_ins: list[float],
    sign_in_errors: int,
    get_rate: int,
    gets: list[float],
    get_errors: int,
) -> None:
    cores = os.cpu_count() or 1
    ideal = min(args.workers, cores) / argon2
    p50, p99 = percentile(sign_ins, 50), percentile(sign_ins, 99)
    print(
        f"ohp-gateway idp serve: {args.workers} gunicorn workers, {args.clients} client threads, "
        f"{cores} cores, Argon2id m={params.memory_kib} t={params.iterations} p={params.lanes}"
    )
    print(f"  Argon2id derive alone (in process):  {argon2 * 1000:7.1f} ms/op")
    print(
        f"  POST /login (sign-in):     {sign_in_rate:6d} req/s  p50 {p50 * 1000:6.1f} ms  "
        f"p99 {p99 * 1000:6.1f} ms  ({len(sign_ins)} requests, {sign_in_errors} errors)"
    )
    print(
        f"  GET  discovery (no work):  {get_rate:6d} req/s  "
        f"p50 {percentile(gets, 50) * 1000:6.1f} ms  p99 {percentile(gets, 99) * 1000:6.1f} ms  "
        f"({len(gets)} requests, {get_errors} errors)"
    )
    print(f"  sign-in p50 / Argon2id op:              {p50 / argon2:5.2f}")
    print(
        f"  sign-in rate / hash-bound ceiling:      {sign_in_rate / ideal:5.2f}  "
        f"(ceiling {ideal:.0f}/s = min(workers, cores) / Argon2id op)"
    )
    print(f"  discovery rate / sign-in rate:          {get_rate / max(sign_in_rate, 1):5.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
