"""The example sites under their frameworks' test clients and under real servers.

Servers run as subprocesses on 127.0.0.1, on free ports, started together once per session
and terminated by PID at the end.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the examples package lives at the repository root
    sys.path.insert(0, str(ROOT))

from examples import site  # noqa: E402
from ohp_gateway.config import GatewayConfig  # noqa: E402
from ohp_gateway.gateway import Gateway  # noqa: E402
from ohp_gateway.identity import Subscriber  # noqa: E402
from ohp_gateway.keys import Keyring  # noqa: E402
from ohp_gateway.testing import make_subscriber  # noqa: E402

KEYS = Keyring.generate("examples1")
BIN = Path(sys.executable).parent

# name -> command line (after the bind options); {port} is filled in.
SERVERS = {
    "flask-gunicorn-drop": ["gunicorn", "--header-map", "drop", "examples.flask_app:create_app()"],
    "flask-gunicorn-refuse": [
        "gunicorn", "--header-map", "refuse", "examples.flask_app:create_app()"
    ],
    "flask-gunicorn-dangerous": [
        "gunicorn", "--header-map", "dangerous", "examples.flask_app:create_app()"
    ],
    "django-gunicorn-dangerous": [
        "gunicorn", "--header-map", "dangerous", "examples.django_site.wsgi:application"
    ],
    "fastapi-uvicorn": ["uvicorn", "--factory", "examples.fastapi_app:create_app"],
    "starlette-uvicorn": ["uvicorn", "--factory", "examples.starlette_app:create_app"],
    "django-uvicorn": ["uvicorn", "examples.django_site.asgi:application"],
}  # fmt: skip


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return f'"{value}"'


def write_site_toml(path: Path) -> Path:
    lines = ['site_id = "example-site"', f'keys = "{KEYS.serialize()}"']
    for rule in site.RULES:
        lines.append("[[rules]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in rule.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="session")
def site_toml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_site_toml(tmp_path_factory.mktemp("site") / "gateway.toml")


def subscriber(**overrides: Any) -> Subscriber:
    """Jane, a clinician of two Tax IDs and no billing role, signed in just now."""
    values = {"roles": ("Clinician",), "tax_ids": ("91-1234567", "91-7654321"), **overrides}
    return make_subscriber(**values)


def session_cookie(toml: Path, who: Subscriber) -> str:
    """A ``Cookie`` header value for ``who`` at the example site (real clock)."""
    name, value = Gateway(GatewayConfig.from_toml(toml)).seal(who)
    return f"{name}={value}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _command(argv: list[str], port: int) -> list[str]:
    program, *rest = argv
    bind = ["-b", f"127.0.0.1:{port}", "-w", "1"] if program == "gunicorn" else []
    if program == "uvicorn":
        bind = ["--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"]
    return [str(BIN / program), *bind, *rest]


def _ready(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/.ohp/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _start(argv: list[str], port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            _command(argv, port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=sink
        )


@pytest.fixture(scope="session")
def servers(site_toml: Path) -> Iterator[dict[str, int]]:
    """Every example under its production server: name -> port."""
    logs = site_toml.parent
    env = {**os.environ, "OHP_GATEWAY_CONFIG": str(site_toml), "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    ports = {name: _free_port() for name in SERVERS}
    procs = {
        name: _start(argv, ports[name], env, logs / f"{name}.log") for name, argv in SERVERS.items()
    }
    try:
        deadline = time.monotonic() + 30
        waiting = set(SERVERS)
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                if procs[name].poll() is not None:
                    log = (logs / f"{name}.log").read_text()
                    raise RuntimeError(f"{name} exited: {log}")
                if _ready(ports[name]):
                    waiting.discard(name)
            time.sleep(0.1)
        if waiting:
            raise RuntimeError(f"not ready after 30 s: {sorted(waiting)}")
        yield ports
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
