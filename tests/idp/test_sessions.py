from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import sessions
from ohp_gateway.idp.config import TEST_ARGON2, IdpConfig
from ohp_gateway.idp.context import Context, open_context
from ohp_gateway.idp.seed import seed_demo


@pytest.fixture
def community(tmp_path: Path) -> tuple[Context, FakeClock, dict[str, Any]]:
    clock = FakeClock(1_767_225_600.0)
    ctx = open_context(tmp_path / "idp.sqlite3", clock=clock, config=IdpConfig(argon2=TEST_ARGON2))
    return ctx, clock, seed_demo(ctx)


def _ids(seeded: dict[str, Any]) -> tuple[str, str]:
    """One plain subscriber and one administrator from the demo seed."""
    org = seeded["organizations"][0]
    return org["subscribers"][0]["subscriber_id"], org["administrators"][0]["subscriber_id"]


def test_start_and_resume_by_token_only(
    community: tuple[Context, FakeClock, dict[str, Any]],
) -> None:
    ctx, _, seeded = community
    user, _ = _ids(seeded)
    session, token = sessions.start(ctx, user, "127.0.0.1")
    assert sessions.resume(ctx, token) == session
    assert sessions.resume(ctx, token + "x") is None
    assert sessions.resume(ctx, session.sid) is None  # the sid is not a credential
    with ctx.store.read() as tx:
        assert tx.scalar("SELECT count(*) FROM idp_sessions WHERE token_hash = ?", (token,)) == 0


def test_idle_timeout_is_shorter_for_administrators(
    community: tuple[Context, FakeClock, dict[str, Any]],
) -> None:
    ctx, clock, seeded = community
    user, admin = _ids(seeded)
    _, user_token = sessions.start(ctx, user, "")
    _, admin_token = sessions.start(ctx, admin, "")
    clock.advance(15 * 60 + 1)
    assert sessions.resume(ctx, admin_token) is None
    assert sessions.resume(ctx, user_token) is not None


def test_absolute_lifetime_ends_an_active_session(
    community: tuple[Context, FakeClock, dict[str, Any]],
) -> None:
    ctx, clock, seeded = community
    user, _ = _ids(seeded)
    _, token = sessions.start(ctx, user, "")
    for _ in range(16):
        clock.advance(29 * 60)
        alive = sessions.resume(ctx, token)
    assert alive is not None
    clock.advance(29 * 60 + 1)  # 8 h 1 s after sign-in
    assert sessions.resume(ctx, token) is None


def test_end_returns_the_sites_to_notify(
    community: tuple[Context, FakeClock, dict[str, Any]],
) -> None:
    ctx, _, seeded = community
    user, _ = _ids(seeded)
    session, token = sessions.start(ctx, user, "")
    sessions.record_visit(ctx, session.sid, "site-a")
    sessions.record_visit(ctx, session.sid, "site-b")
    sessions.record_visit(ctx, session.sid, "site-a")
    assert sessions.end(ctx, session.sid, "logout") == ["site-a", "site-b"]
    assert sessions.resume(ctx, token) is None


def test_end_all_for_a_subscriber(community: tuple[Context, FakeClock, dict[str, Any]]) -> None:
    ctx, _, seeded = community
    user, _ = _ids(seeded)
    one, t1 = sessions.start(ctx, user, "")
    two, t2 = sessions.start(ctx, user, "")
    sessions.record_visit(ctx, two.sid, "site-a")
    ended = sessions.end_all_for(ctx, user, "terminated")
    assert ended == {one.sid: [], two.sid: ["site-a"]}
    assert sessions.resume(ctx, t1) is None and sessions.resume(ctx, t2) is None
