"""``ohp-gateway idp serve`` as a real process under gunicorn, signed in over real HTTP."""

from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ohp_gateway.idp.context import Context

from ..conftest import PASSWORD, Org, add_member

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited early"
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture
def server(ctx: Context, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("ohp-gateway")),
        "idp",
        "--db",
        str(tmp_path / "idp.sqlite3"),
        "serve",
        "--listen",
        f"127.0.0.1:{port}",
        "--insecure-cookies",
        "--workers",
        "2",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/login", process)
        yield url
    finally:
        process.terminate()  # SIGTERM: gunicorn stops its workers gracefully
        process.wait(timeout=20)


@pytest.mark.slow
def test_sign_in_over_real_http(server: str, ctx: Context, org: Org) -> None:
    member = add_member(ctx, org)
    browser = requests.Session()
    page = browser.get(f"{server}/login", timeout=10)
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    token = CSRF.search(page.text)
    assert token is not None
    data = {"subscriber_id": member, "password": PASSWORD, "csrf_token": html.unescape(token[1])}
    signed_in = browser.post(f"{server}/login", data=data, allow_redirects=False, timeout=10)
    assert signed_in.status_code == 303, signed_in.text
    assert "ohp_idp" in browser.cookies
    for _ in range(4):  # any worker serves the session and accepts the forms
        assert member in browser.get(f"{server}/profile", timeout=10).text
