"""WebSockets through ``ohp-gateway proxy``: judged at the handshake, then relayed."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import InvalidStatus

from ohp_gateway.identity import Subscriber
from ohp_gateway.keys import Keyring
from ohp_gateway.session import SessionCodec

KEYS = Keyring.generate("k1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def echo(connection: ServerConnection) -> None:
    """Tell who the gateway said this is, then echo every message."""
    seen = {k.lower(): v for k, v in connection.request.headers.raw_items()}
    await connection.send(json.dumps({k: v for k, v in seen.items() if k.startswith("x-")}))
    async for message in connection:
        await connection.send(message)


def run_upstream(port: int, stop: threading.Event) -> None:
    async def main() -> None:
        async with serve(echo, "127.0.0.1", port):
            while not stop.is_set():
                await asyncio.sleep(0.05)

    asyncio.run(main())


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    up_port, proxy_port = free_port(), free_port()
    stop = threading.Event()
    thread = threading.Thread(target=run_upstream, args=(up_port, stop), daemon=True)
    thread.start()
    config: Path = tmp_path_factory.mktemp("ws") / "gateway.toml"
    config.write_text(f'site_id = "ws-site"\nkeys = "{KEYS.serialize()}"\nsecure_cookies = false\n')
    argv = ["proxy", "--upstream", f"http://127.0.0.1:{up_port}", "--config", str(config),
            "--listen", f"127.0.0.1:{proxy_port}", "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "ohp_gateway.cli", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", proxy_port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("proxy did not start") from None
                time.sleep(0.05)
        yield f"ws://127.0.0.1:{proxy_port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        stop.set()
        thread.join(timeout=10)


def cookie() -> str:
    who = Subscriber(
        "S5", "Ana Lima", "ana.lima@clinic.example", "O1", "Clinic", ("91-1234567",),
        ("Claims",), "sid-ws", time.time(),
    )  # fmt: skip
    return "ohp_session=" + SessionCodec(KEYS, "ws-site").seal(who, time.time())


def test_signed_in_socket_is_relayed_with_identity(proxy: str) -> None:
    async def talk() -> tuple[dict[str, str], str]:
        headers = {"Cookie": cookie(), "X-OHP-Roles": "Billing"}
        async with connect(f"{proxy}/live", additional_headers=headers, proxy=None) as ws:
            seen = json.loads(await ws.recv())
            await ws.send("ping")
            return seen, str(await ws.recv())

    seen, echoed = asyncio.run(talk())
    assert seen["x-ohp-subscriber-id"] == "S5"
    assert seen["x-ohp-roles"] == "Claims"  # the spoofed value never arrives
    assert echoed == "ping"


def test_socket_without_a_session_is_refused_at_the_handshake(proxy: str) -> None:
    async def talk() -> None:
        async with connect(f"{proxy}/live", additional_headers={"X-OHP-Subscriber-Id": "S1"},
                           proxy=None):  # fmt: skip
            pass

    with pytest.raises(InvalidStatus) as info:
        asyncio.run(talk())
    # 302 to sign-in; the client follows it to /.ohp/login, which has no issuer here (501)
    assert info.value.response.status_code in (302, 401, 501)
