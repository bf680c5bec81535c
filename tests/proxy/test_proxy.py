"""``ohp-gateway proxy`` as a real process (uvicorn) in front of a real upstream server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring
from ohp_gateway.session import SessionCodec

KEYS = Keyring.generate("k1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@Request.application
def upstream(request: Request) -> Response:
    if request.path == "/stream":

        def chunks() -> Iterator[bytes]:
            for i in range(3):
                yield f"chunk {i}\n".encode()
                time.sleep(0.5)

        return Response(chunks(), mimetype="text/plain")
    if request.path == "/cookies":
        response = Response("two cookies")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response
    seen = {
        "method": request.method,
        "raw_uri": request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI"),
        "headers": {k: v for k, v in request.headers.items()},
        "body": request.get_data(as_text=True),
    }
    return Response(json.dumps(seen), mimetype="application/json")


def wait_for(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"proxy exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("proxy did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=10)
    if proc.stderr is not None:
        proc.stderr.close()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    up_port, proxy_port = free_port(), free_port()
    server = make_server("127.0.0.1", up_port, upstream, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = tmp_path_factory.mktemp("proxy") / "gateway.toml"
    config.write_text(
        f'site_id = "proxied"\nkeys = "{KEYS.serialize()}"\nsecure_cookies = false\n'
        '[[rules]]\npath = "/public/"\npublic = true\n'
        '[[rules]]\npath = "/claims/"\nroles_any = ["Billing"]\n'
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ohp_gateway.cli",
            "proxy",
            "--upstream",
            f"http://127.0.0.1:{up_port}",
            "--config",
            str(config),
            "--listen",
            f"127.0.0.1:{proxy_port}",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        wait_for(proxy_port, proc)
        yield f"http://127.0.0.1:{proxy_port}"
    finally:
        stop(proc)
        server.shutdown()


def cookie(**overrides: Any) -> dict[str, str]:
    values: dict[str, Any] = {
        "subscriber_id": "S7",
        "name": "Zoë Ng",
        "email": "zoe.ng@clinic.example",
        "organization_id": "O1",
        "organization_name": "Clinic",
        "tax_ids": ("91-1234567",),
        "roles": ("Eligibility",),
        "session_id": "sid-proxy",
        "auth_time": time.time(),
    }
    values.update(overrides)
    value = SessionCodec(KEYS, "proxied").seal(Subscriber(**values), time.time())
    return {"ohp_session": value}


def test_anonymous_browser_is_redirected(proxy: str) -> None:
    r = requests.get(f"{proxy}/home", allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == "/.ohp/login?return_to=/home"


def test_identity_reaches_upstream_and_spoofs_do_not(proxy: str) -> None:
    spoof = {"X-OHP-Roles": "Billing", "X-Ohp-Subscriber-Id": "S1", "X-Forwarded-For": "6.6.6.6"}
    r = requests.get(f"{proxy}/home", cookies=cookie(), headers=spoof, timeout=10)
    seen = r.json()["headers"]
    assert seen["X-Ohp-Subscriber-Id"] == "S7"
    assert seen["X-Ohp-Subscriber-Name"] == "Zo%C3%AB Ng"
    assert seen["X-Ohp-Roles"] == "Eligibility"
    assert seen["X-Forwarded-For"] == "127.0.0.1"


def test_underscore_spoof_is_stripped_over_a_raw_socket(proxy: str) -> None:
    host, port = proxy.removeprefix("http://").split(":")
    request = (
        f"GET /public/x HTTP/1.1\r\nHost: {host}\r\nX_OHP_Roles: Billing\r\n"
        f"X-OHP-Subscriber-Id: S1\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    body = json.loads(data.split(b"\r\n\r\n", 1)[1])
    assert not any(k.lower().replace("_", "-").startswith("x-ohp") for k in body["headers"])


def test_missing_role_is_403(proxy: str) -> None:
    r = requests.get(f"{proxy}/claims/1", cookies=cookie(), timeout=10)
    assert r.status_code == 403
    r = requests.get(f"{proxy}/claims/1", cookies=cookie(roles=("Billing",)), timeout=10)
    assert r.status_code == 200


def test_raw_path_and_body_are_forwarded_as_sent(proxy: str) -> None:
    r = requests.post(f"{proxy}/files/a%2Fb?q=1", cookies=cookie(), data=b"payload", timeout=10)
    seen = r.json()
    assert seen["method"] == "POST" and seen["body"] == "payload"
    assert seen["raw_uri"] == "/files/a%2Fb?q=1"


def test_response_is_streamed_not_buffered(proxy: str) -> None:
    start = time.monotonic()
    with requests.get(f"{proxy}/stream", cookies=cookie(), stream=True, timeout=10) as r:
        lines = r.iter_lines()
        first = next(lines)
        first_at = time.monotonic() - start
        rest = list(lines)
    assert first == b"chunk 0" and rest == [b"chunk 1", b"chunk 2"]
    assert first_at < 1.0  # the whole body takes 1.5 s upstream


def test_repeated_set_cookie_headers_stay_separate(proxy: str) -> None:
    r = requests.get(f"{proxy}/cookies", cookies=cookie(), timeout=10)
    raw = r.raw.headers.getlist("Set-Cookie")
    assert sorted(c.split(";")[0] for c in raw) == ["a=1", "b=2"]


def test_gateway_endpoints_answer_at_the_proxy(proxy: str) -> None:
    assert requests.get(f"{proxy}/.ohp/health", timeout=10).json() == {"status": "ok"}


def test_unreachable_upstream_is_502(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "g.toml"
    config.write_text(
        f'site_id = "x"\nkeys = "{KEYS.serialize()}"\nsecure_cookies = false\n'
        '[[rules]]\npath = "/"\npublic = true\n'
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ohp_gateway.cli",
            "proxy",
            "--upstream",
            f"http://127.0.0.1:{free_port()}",
            "--config",
            str(config),
            "--listen",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, proc)
        assert requests.get(f"http://127.0.0.1:{port}/x", timeout=10).status_code == 502
    finally:
        stop(proc)


def test_bad_upstream_is_a_clear_cli_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ohp_gateway.cli", "proxy", "--upstream", "ftp://x"],
        capture_output=True,
        text=True,
        env={**os.environ, "OHP_GATEWAY_SITE_ID": "s", "OHP_GATEWAY_KEYS": KEYS.serialize()},
    )
    assert result.returncode == 2 and "--upstream" in result.stderr
