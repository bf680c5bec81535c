from __future__ import annotations

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import admins, audit, signin, totp
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.errors import CodeRejected, SignInFailed

from .conftest import PASSWORD, Org


def _secret(ctx: Context, org: Org) -> str:
    with ctx.store.read() as tx:
        return str(tx.scalar("SELECT totp_secret FROM subscribers WHERE id = ?", (org.admin.id,)))


def _wrong(secret: str, now: float) -> str:
    right = {totp.now_code(secret, now + step * 30) for step in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in right)


def test_five_wrong_codes_lock_the_account_even_for_the_right_code(
    ctx: Context, org: Org, clock: FakeClock
) -> None:
    secret = _secret(ctx, org)
    clock.advance(60)
    for _ in range(5):
        with pytest.raises(CodeRejected):
            admins.step_up(ctx, org.admin.id, _wrong(secret, clock.now()), "10.0.0.9")
    with pytest.raises(CodeRejected, match="too many wrong codes"):
        admins.step_up(ctx, org.admin.id, totp.now_code(secret, clock.now()), "10.0.0.9")
    assert audit.entries(ctx.store, action="admin.step_up_lockout")
    with pytest.raises(SignInFailed):  # the password step is locked as well
        signin.authenticate(ctx, org.admin.id, PASSWORD, "10.0.0.9")


def test_lock_lifts_after_ten_minutes(ctx: Context, org: Org, clock: FakeClock) -> None:
    secret = _secret(ctx, org)
    clock.advance(60)
    for _ in range(5):
        with pytest.raises(CodeRejected):
            admins.step_up(ctx, org.admin.id, _wrong(secret, clock.now()), "t")
    clock.advance(601)
    assert (
        admins.step_up(ctx, org.admin.id, totp.now_code(secret, clock.now()), "t").kind == "admin"
    )


def test_a_right_code_resets_the_count(ctx: Context, org: Org, clock: FakeClock) -> None:
    secret = _secret(ctx, org)
    for _ in range(4):
        clock.advance(30)
        with pytest.raises(CodeRejected):
            admins.step_up(ctx, org.admin.id, _wrong(secret, clock.now()), "t")
    clock.advance(30)
    admins.step_up(ctx, org.admin.id, totp.now_code(secret, clock.now()), "t")
    for _ in range(4):
        clock.advance(30)
        with pytest.raises(CodeRejected):
            admins.step_up(ctx, org.admin.id, _wrong(secret, clock.now()), "t")
    clock.advance(30)
    assert (
        admins.step_up(ctx, org.admin.id, totp.now_code(secret, clock.now()), "t").kind == "admin"
    )
