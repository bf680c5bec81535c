from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from ohp_gateway.clock import FakeClock
from ohp_gateway.idp import admins, nomination, organizations, totp
from ohp_gateway.idp.config import TEST_ARGON2, IdpConfig
from ohp_gateway.idp.context import Actor, Context, open_context
from ohp_gateway.idp.identity import StaticVerifier
from ohp_gateway.idp.mail import FolderOutbox

PASSWORD = "violet kettle marching slowly"


@attrs.define
class Org:
    id: int
    admin: Actor
    tax_ids: list[str]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=1_700_000_000.0)


@pytest.fixture
def outbox(tmp_path: Path) -> FolderOutbox:
    return FolderOutbox(tmp_path / "mail")


@pytest.fixture
def ctx(tmp_path: Path, clock: FakeClock, outbox: FolderOutbox) -> Context:
    return open_context(
        tmp_path / "idp.sqlite3",
        config=IdpConfig(argon2=TEST_ARGON2),
        clock=clock,
        outbox=outbox,
        verifier=StaticVerifier(True),
    )


def registration(
    name: str = "Evergreen Clinic",
    tax_ids: list[str] | None = None,
    email: str = "dana.reyes@evergreen.example",
    **overrides: object,
) -> organizations.Registration:
    applicant = organizations.Applicant("Dana Reyes", email, "206-555-0101", True, "1234")
    fields: dict[str, object] = {
        "name": name,
        "address": "100 Pine St, Seattle",
        "tax_ids": tax_ids or ["91-1234567"],
        "applicant": applicant,
        "signing_authority": True,
        "agreement_version": IdpConfig().organization_agreement_version,
    }
    fields.update(overrides)
    return organizations.Registration(**fields)  # type: ignore[arg-type]


def enroll(ctx: Context, subscriber_id: str) -> str:
    """Enroll TOTP with the previous step's code; return the secret."""
    secret = admins.begin_totp(ctx, subscriber_id, "test").secret
    code = totp.code_at(secret, int(ctx.now() // 30) - 1)
    admins.confirm_totp(ctx, subscriber_id, code, "test")
    return secret


def make_org(ctx: Context, **kwargs: object) -> Org:
    """A registered organization with one active, verified, TOTP-enrolled administrator."""
    form = registration(**kwargs)  # type: ignore[arg-type]
    done = organizations.register_organization(ctx, form, "test")
    nomination.activate(ctx, done.admin_subscriber_id, done.activation_code, PASSWORD, True, "t")
    secret = enroll(ctx, done.admin_subscriber_id)
    actor = admins.step_up(ctx, done.admin_subscriber_id, totp.now_code(secret, ctx.now()), "t")
    return Org(done.organization_id, actor, list(form.tax_ids))


def add_member(
    ctx: Context,
    org: Org,
    name: str = "Sally Smith",
    email: str = "sally.smith@evergreen.example",
    roles: tuple[str, ...] = ("Billing",),
    activate: bool = True,
) -> str:
    form = nomination.Nomination(name, email, roles, org.tax_ids[:1])
    done = nomination.nominate(ctx, org.admin, form)
    if activate:
        nomination.activate(ctx, done.subscriber_id, done.activation_code, PASSWORD, True, "t")
    return done.subscriber_id


@pytest.fixture
def org(ctx: Context) -> Org:
    return make_org(ctx)
