"""Middleware benchmark: hello-world apps under real servers, over loopback, in one run.

WSGI under gunicorn (one sync worker): the raw app, and the app behind ``GatewayMiddleware``
with a valid session cookie. ASGI under uvicorn (one worker): the raw app, behind
``GatewayMiddleware`` with a valid cookie, and behind Starlette's ``SessionMiddleware`` with a
valid session cookie (the peer). Load comes from ``wrk`` when installed (Debian: ``apt-get
install wrk``), else from a small threaded Python client. Prints requests/s, p99 latency,
server CPU per request (utime + stime of the server's processes from /proc) and the ratios to
the raw app measured in the same run.

Run: python benchmarks/bench_middleware.py [--duration 5] [--connections 16]
Targets: GatewayMiddleware >= 0.85x raw throughput (WSGI and ASGI), ahead of SessionMiddleware.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SESSION_SECRET = "benchmark-secret"
TICKS = os.sysconf("SC_CLK_TCK")

# -- the apps (imported by the servers from this file) ------------------------------------

BODY = b"Hello, world!"


def wsgi_hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "13")])
    return [BODY]


def wsgi_gateway() -> Any:
    from ohp_gateway.wsgi import GatewayMiddleware

    return GatewayMiddleware(wsgi_hello)


async def asgi_hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"13")],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


def asgi_gateway() -> Any:
    from ohp_gateway.asgi import GatewayMiddleware

    return GatewayMiddleware(asgi_hello)


def asgi_session() -> Any:
    from starlette.middleware.sessions import SessionMiddleware

    return SessionMiddleware(asgi_hello, secret_key=SESSION_SECRET)


# -- cookies --------------------------------------------------------------------------------


def gateway_setup(workdir: Path) -> tuple[Path, str]:
    """A TOML config and a valid ``Cookie`` header for the gateway."""
    from ohp_gateway.config import GatewayConfig
    from ohp_gateway.gateway import Gateway
    from ohp_gateway.identity import Subscriber
    from ohp_gateway.keys import Keyring

    toml = workdir / "gateway.toml"
    toml.write_text(f'site_id = "bench"\nkeys = "{Keyring.generate("b1").serialize()}"\n')
    subscriber = Subscriber(
        "S1000001", "Jane Doe", "jane.doe@valleyclinic.example", "ORG-1", "Valley Clinic",
        ("91-1234567", "91-7654321"), ("Billing", "Eligibility"), "sid-bench", time.time(),
    )  # fmt: skip
    name, value = Gateway(GatewayConfig.from_toml(toml)).seal(subscriber)
    return toml, f"{name}={value}"


def session_cookie() -> str:
    """A valid Starlette session cookie holding about what our cookie holds."""
    import itsdangerous

    data = {"user": "S1000001", "name": "Jane Doe", "roles": ["Billing", "Eligibility"]}
    payload = base64.b64encode(json.dumps(data).encode())
    return "session=" + itsdangerous.TimestampSigner(SESSION_SECRET).sign(payload).decode()


# -- servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(kind: str, target: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    if kind == "wsgi":
        argv = [str(BIN / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "1"]
        argv += ["--log-level", "warning", target]
    else:
        argv = [str(BIN / "uvicorn"), "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--no-access-log", "--log-level", "warning", "--lifespan", "off"]
        argv += [target] if target.endswith("hello") else ["--factory", target]
    return subprocess.Popen(argv, cwd=HERE, env=env)


def wait_ready(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", "/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"server on port {port} not ready after {timeout} s")


def server_cpu(pid: int) -> float:
    """utime + stime, in seconds, of ``pid`` and its children (gunicorn's worker)."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                pids.append(int(entry.name))
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


# -- load -----------------------------------------------------------------------------------


def load_wrk(port: int, cookie: str, duration: float, connections: int) -> tuple[int, float, float]:
    """(requests, seconds, p99 ms) from wrk."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency"]
    argv += ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        [*argv, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True
    ).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    if not done or not p99:
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    seconds = float(done[2]) / (1000 if done[3] == "ms" else 1)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99[2]]
    return int(done[1]), seconds, float(p99[1]) * scale


def load_python(
    port: int, cookie: str, duration: float, connections: int
) -> tuple[int, float, float]:
    """The same measurement with keep-alive http.client threads (slower than wrk)."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    stop = time.monotonic() + duration
    headers = {"Cookie": cookie} if cookie else {}

    def worker(out: list[float]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            began = time.perf_counter()
            try:
                conn.request("GET", "/", headers=headers)
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            out.append(time.perf_counter() - began)
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(out,)) for out in latencies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    merged = sorted(x for out in latencies for x in out)
    p99 = statistics.quantiles(merged, n=100)[98] * 1000 if len(merged) > 100 else float("nan")
    return len(merged), elapsed, p99


# -- the run --------------------------------------------------------------------------------

CASES = [
    # (label, kind, target, cookie kind, baseline label)
    # The raw apps get the same Cookie header: a browser sends it whether or not it is read.
    ("WSGI raw (gunicorn)", "wsgi", "bench_middleware:wsgi_hello", "gateway", None),
    ("WSGI + GatewayMiddleware", "wsgi", "bench_middleware:wsgi_gateway()", "gateway", "WSGI"),
    ("ASGI raw (uvicorn)", "asgi", "bench_middleware:asgi_hello", "gateway", None),
    ("ASGI + GatewayMiddleware", "asgi", "bench_middleware:asgi_gateway", "gateway", "ASGI"),
    ("ASGI + SessionMiddleware", "asgi", "bench_middleware:asgi_session", "session", "ASGI"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per case")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    load = load_wrk if shutil.which("wrk") else load_python
    print(f"load generator: {'wrk' if load is load_wrk else 'python http.client threads'}")
    with tempfile.TemporaryDirectory() as tmp:
        toml, gateway_cookie = gateway_setup(Path(tmp))
        cookies = {"gateway": gateway_cookie, "session": session_cookie()}
        env = {**os.environ, "OHP_GATEWAY_CONFIG": str(toml)}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")])
        raw: dict[str, tuple[float, float]] = {}
        header = f"{'case':<28}{'req/s':>10}{'p99 ms':>9}{'CPU µs/req':>12}{'x raw req/s':>13}"
        print(header + f"{'x raw CPU':>11}")
        for label, kind, target, cookie_kind, baseline in CASES:
            port = free_port()
            proc = start(kind, target, port, env)
            try:
                wait_ready(port)
                load(port, cookies[cookie_kind], 1.0, args.connections)  # warm up
                cpu_before = server_cpu(proc.pid)
                requests, seconds, p99 = load(
                    port, cookies[cookie_kind], args.duration, args.connections
                )
                cpu = (server_cpu(proc.pid) - cpu_before) / requests * 1e6
            finally:
                proc.terminate()
                proc.wait(timeout=10)
            rate = requests / seconds
            if baseline is None:
                raw[kind.upper()] = (rate, cpu)
                ratios = f"{'1.00':>13}{'1.00':>11}"
            else:
                base_rate, base_cpu = raw[baseline]
                ratios = f"{rate / base_rate:>13.2f}{cpu / base_cpu:>11.2f}"
            print(f"{label:<28}{rate:>10.0f}{p99:>9.2f}{cpu:>12.1f}{ratios}", flush=True)


if __name__ == "__main__":
    main()
