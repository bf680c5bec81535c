from __future__ import annotations

from pathlib import Path

import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import admins, at_rest, totp
from ohp_gateway.idp.config import TEST_ARGON2, IdpConfig
from ohp_gateway.idp.context import Context, open_context
from ohp_gateway.idp.errors import ValidationError
from ohp_gateway.idp.identity import StaticVerifier

from .conftest import add_member, make_org


def test_seal_round_trips_and_hides_the_value() -> None:
    stored = at_rest.seal("k3y", "JBSWY3DPEHPK3PXP")
    assert stored.startswith("sealed:v1:") and "JBSWY3DP" not in stored
    assert at_rest.unseal("k3y", stored) == "JBSWY3DPEHPK3PXP"


def test_without_a_key_values_are_stored_in_clear() -> None:
    assert at_rest.seal(None, "JBSWY3DPEHPK3PXP") == "JBSWY3DPEHPK3PXP"
    assert at_rest.unseal(None, "JBSWY3DPEHPK3PXP") == "JBSWY3DPEHPK3PXP"
    assert at_rest.unseal("k3y", "JBSWY3DPEHPK3PXP") == "JBSWY3DPEHPK3PXP"  # older rows


@pytest.mark.parametrize("key", [None, "another key"], ids=["no-key", "wrong-key"])
def test_a_sealed_value_needs_the_right_key(key: str | None) -> None:
    stored = at_rest.seal("k3y", "JBSWY3DPEHPK3PXP")
    with pytest.raises(ValidationError) as info:
        at_rest.unseal(key, stored)
    assert info.value.field == "secret_key"


def test_totp_seed_is_sealed_in_the_database_and_still_works(tmp_path: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    ctx: Context = open_context(
        tmp_path / "idp.sqlite3",
        config=IdpConfig(argon2=TEST_ARGON2, secret_key="seal me"),
        clock=clock,
        verifier=StaticVerifier(True),
    )
    org = make_org(ctx)
    sub_id = add_member(ctx, org)
    admins.promote(ctx, org.admin, sub_id)
    secret = admins.begin_totp(ctx, sub_id, "t").secret
    with ctx.store.read() as tx:
        stored = tx.scalar("SELECT totp_secret FROM subscribers WHERE id = ?", (sub_id,))
    assert stored.startswith("sealed:v1:") and secret not in stored
    admins.confirm_totp(ctx, sub_id, totp.now_code(secret, clock.now()), "t")
    clock.advance(30)
    assert admins.step_up(ctx, sub_id, totp.now_code(secret, clock.now()), "t").kind == "admin"
