from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from core_support import START, build_subscriber

from ohp_gateway.clock import FakeClock
from ohp_gateway.config import GatewayConfig
from ohp_gateway.gateway import Gateway
from ohp_gateway.outcome import Forward, Reply, Request
from ohp_gateway.revocation import MemoryRevocationStore, RedisRevocationStore


def test_memory_store_forgets_after_the_ttl() -> None:
    clock = FakeClock(START)
    store = MemoryRevocationStore(clock)
    store.revoke("sid-1", ttl=100)
    assert store.is_revoked("sid-1") and not store.is_revoked("sid-2")
    clock.advance(101)
    assert not store.is_revoked("sid-1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = _free_port()
    workdir: Path = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_redis_store_is_shared_by_two_gateways(redis_url: str) -> None:
    keys = "k1:" + "A" * 43
    config = GatewayConfig(site_id="s", keys=keys, revocation=redis_url)
    one, two = Gateway(config), Gateway(config)
    subscriber = build_subscriber(session_id="sid-redis", auth_time=time.time())
    name, value = one.seal(subscriber)
    request = Request("GET", "/home", headers={"cookie": f"{name}={value}"})
    assert isinstance(two.handle(request), Forward)
    one.revoke("sid-redis")
    assert isinstance(two.handle(request), Reply)


def test_unreachable_redis_fails_closed() -> None:
    store = RedisRevocationStore(f"redis://127.0.0.1:{_free_port()}/0")
    config = GatewayConfig(site_id="s", keys="k1:" + "A" * 43)
    gateway = Gateway(config, revocations=store)
    subscriber = build_subscriber(auth_time=time.time())
    name, value = gateway.seal(subscriber)
    outcome = gateway.handle(
        Request("GET", "/home", headers={"cookie": f"{name}={value}", "accept": "application/json"})
    )
    assert isinstance(outcome, Reply) and outcome.status == 401
