from __future__ import annotations

import attrs
import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import audit, signin
from ohp_gateway.idp.config import Argon2Params
from ohp_gateway.idp.context import Context
from ohp_gateway.idp.errors import SignInFailed
from ohp_gateway.idp.passwords import PasswordHasher

from .conftest import PASSWORD, Org, add_member


def test_correct_password_signs_in_and_is_audited(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    done = signin.authenticate(ctx, sub_id.upper(), PASSWORD, "10.1.2.3")
    assert done.subscriber.id == sub_id and not done.second_factor_required
    [entry] = audit.entries(ctx.store, action="signin.success")
    assert (entry.target, entry.source) == (sub_id, "10.1.2.3")


@pytest.mark.parametrize("case", ["unknown-id", "wrong-password", "nominated", "terminated"])
def test_every_failure_gives_the_same_message(ctx: Context, org: Org, case: str) -> None:
    sub_id = add_member(ctx, org, activate=case != "nominated")
    if case == "terminated":
        with ctx.store.write() as tx:
            tx.execute("UPDATE subscribers SET status = 'terminated' WHERE id = ?", (sub_id,))
    typed = "ohp00000000" if case == "unknown-id" else sub_id
    password = "wrong " + PASSWORD if case == "wrong-password" else PASSWORD
    with pytest.raises(SignInFailed) as info:
        signin.authenticate(ctx, typed, password, "10.1.2.3")
    assert str(info.value) == SignInFailed.GENERIC
    assert audit.entries(ctx.store, action="signin.failure")[0].target == typed


def test_five_failures_lock_for_ten_minutes(ctx: Context, org: Org, clock: FakeClock) -> None:
    sub_id = add_member(ctx, org)
    for _ in range(5):
        with pytest.raises(SignInFailed):
            signin.authenticate(ctx, sub_id, "wrong wrong wrong", "t")
    with pytest.raises(SignInFailed):
        signin.authenticate(ctx, sub_id, PASSWORD, "t")  # right password, still locked
    assert audit.entries(ctx.store, action="signin.lockout")
    assert audit.entries(ctx.store, action="signin.failure")[0].detail == {"reason": "locked"}
    clock.advance(600)
    assert signin.authenticate(ctx, sub_id, PASSWORD, "t").subscriber.id == sub_id


def test_success_resets_the_consecutive_count(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    for _ in range(4):
        with pytest.raises(SignInFailed):
            signin.authenticate(ctx, sub_id, "wrong wrong wrong", "t")
    signin.authenticate(ctx, sub_id, PASSWORD, "t")
    for _ in range(4):
        with pytest.raises(SignInFailed):
            signin.authenticate(ctx, sub_id, "wrong wrong wrong", "t")
    signin.authenticate(ctx, sub_id, PASSWORD, "t")


def test_threshold_and_duration_are_configurable(ctx: Context, org: Org, clock: FakeClock) -> None:
    sub_id = add_member(ctx, org)
    strict = attrs.evolve(
        ctx, config=attrs.evolve(ctx.config, lockout_threshold=2, lockout_seconds=60)
    )
    for _ in range(2):
        with pytest.raises(SignInFailed):
            signin.authenticate(strict, sub_id, "wrong wrong wrong", "t")
    with pytest.raises(SignInFailed):
        signin.authenticate(strict, sub_id, PASSWORD, "t")
    clock.advance(61)
    signin.authenticate(strict, sub_id, PASSWORD, "t")


def test_administrator_can_unlock_early(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    for _ in range(5):
        with pytest.raises(SignInFailed):
            signin.authenticate(ctx, sub_id, "wrong wrong wrong", "t")
    signin.unlock(ctx, org.admin, sub_id)
    signin.authenticate(ctx, sub_id, PASSWORD, "t")


def test_hash_is_upgraded_on_sign_in_when_parameters_change(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    stronger = Argon2Params(memory_kib=128, iterations=1, lanes=1)
    upgraded = attrs.evolve(ctx, hasher=PasswordHasher(stronger))
    signin.authenticate(upgraded, sub_id, PASSWORD, "t")
    with ctx.store.read() as tx:
        stored = tx.scalar("SELECT password_hash FROM subscribers WHERE id = ?", (sub_id,))
    assert stored.startswith("$argon2id$v=19$m=128,t=1,p=1$")
    assert audit.entries(ctx.store, action="signin.success")[0].detail == {"rehashed": True}


def test_unknown_id_still_costs_one_hash(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(ctx.hasher, "burn", lambda password: calls.append(password))
    with pytest.raises(SignInFailed):
        signin.authenticate(ctx, "ohp99999999", "whatever", "t")
    assert calls == ["whatever"]


def test_administrator_sign_in_asks_for_second_factor(ctx: Context, org: Org) -> None:
    assert signin.authenticate(ctx, org.admin.id, PASSWORD, "t").second_factor_required


def test_audit_never_holds_the_password(ctx: Context, org: Org) -> None:
    sub_id = add_member(ctx, org)
    with pytest.raises(SignInFailed):
        signin.authenticate(ctx, sub_id, "wrong but secret words", "t")
    with ctx.store.read() as tx:
        dump = " ".join(str(tuple(r)) for r in tx.all("SELECT * FROM audit_log"))
    assert "secret words" not in dump and PASSWORD not in dump
