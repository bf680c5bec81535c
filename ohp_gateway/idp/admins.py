"""Administrators: promotion, demotion, identity verification and the second factor."""

from __future__ import annotations

import hmac

import attrs

from . import at_rest, audit, tokens, totp
from .access import require_admin_of, require_support
from .context import Actor, Context
from .errors import CodeRejected, Conflict, ValidationError
from .identity import IdentityClaim, check_last4
from .records import admin_warnings, count_admins, subscriber_row
from .store import Row, Tx

RECOVERY_CODES = 10


@attrs.frozen
class TotpEnrollment:
    secret: str = attrs.field(repr=False)
    uri: str = attrs.field(repr=False)


def promote(ctx: Context, actor: Actor, subscriber_id: str) -> list[str]:
    """Make an active subscriber an administrator (identity verification still pending).
    Returns the organization's warnings (fewer than two active administrators)."""
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        require_admin_of(tx, actor, int(row["organization_id"]), allow_support=True)
        return apply_promotion(ctx, tx, row, actor)


def apply_promotion(ctx: Context, tx: Tx, row: Row, actor: Actor, **detail: object) -> list[str]:
    if row["status"] != "active":
        raise Conflict("subscriber_id", f"{row['id']} is {row['status']}; only active subscribers")
    if row["is_admin"]:
        raise Conflict("subscriber_id", f"{row['id']} is already an administrator")
    tx.execute("UPDATE subscribers SET is_admin = 1, staff_attested = 1 WHERE id = ?", (row["id"],))
    audit.record(tx, ctx.now(), actor.label, "admin.promote", row["id"], actor.source, **detail)
    return admin_warnings(tx, int(row["organization_id"]))


def demote(ctx: Context, actor: Actor, subscriber_id: str) -> list[str]:
    """Return an administrator to plain subscriber; never the organization's last one."""
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        org_id = int(row["organization_id"])
        require_admin_of(tx, actor, org_id, allow_support=True)
        if not row["is_admin"]:
            raise Conflict("subscriber_id", f"{row['id']} is not an administrator")
        refuse_last_admin(tx, row, "demoted")
        tx.execute(
            "UPDATE subscribers SET is_admin = 0, totp_secret = NULL, totp_confirmed = 0"
            " WHERE id = ?",
            (row["id"],),
        )
        tx.execute("DELETE FROM recovery_codes WHERE subscriber_id = ?", (row["id"],))
        audit.record(tx, ctx.now(), actor.label, "admin.demote", row["id"], actor.source)
        return admin_warnings(tx, org_id)


def refuse_last_admin(tx: Tx, row: Row, verb: str) -> None:
    """FAQ: keep "at least one other Administrator in place"; the last cannot leave."""
    if (
        row["is_admin"]
        and row["status"] == "active"
        and count_admins(tx, row["organization_id"]) <= 1
    ):
        raise Conflict(
            "subscriber_id",
            f"{row['id']} is the organization's last active administrator and cannot be "
            f"{verb}; promote another administrator first",
        )


def verify_identity(ctx: Context, subscriber_id: str, ssn_last4: str, source: str) -> str:
    """A (promoted) administrator proves identity: last four SSN digits + online verifier.
    Returns ``verified`` or ``awaiting_notary``."""
    last4 = check_last4(ssn_last4)
    with ctx.store.read() as tx:
        row = subscriber_row(tx, subscriber_id)
        org_name = str(
            tx.scalar("SELECT name FROM organizations WHERE id = ?", (row["organization_id"],))
        )
    if not row["is_admin"]:
        raise Conflict("subscriber_id", f"{row['id']} is not an administrator")
    claim = IdentityClaim(row["name"], row["email"], row["work_phone"], org_name, last4)
    status = "verified" if ctx.verifier.verify(claim) else "awaiting_notary"
    last4_hash = ctx.hasher.hash(last4)
    with ctx.store.write() as tx:
        tx.execute(
            "UPDATE subscribers SET identity_status = ?, ssn_last4_hash = ? WHERE id = ?",
            (status, last4_hash, row["id"]),
        )
        audit.record(
            tx,
            ctx.now(),
            f"subscriber:{row['id']}",
            "admin.identity_online",
            row["id"],
            source,
            result=status,
        )
    return status


def record_notary(ctx: Context, actor: Actor, subscriber_id: str, reference: str) -> None:
    """Support records a completed notary verification (``reference``: the form's number)."""
    require_support(actor)
    if not reference.strip():
        raise ValidationError("reference", "the notary form reference is required")
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        if not row["is_admin"]:
            raise Conflict("subscriber_id", f"{row['id']} is not an administrator")
        tx.execute("UPDATE subscribers SET identity_status = 'verified' WHERE id = ?", (row["id"],))
        audit.record(
            tx,
            ctx.now(),
            actor.label,
            "admin.identity_notary",
            row["id"],
            actor.source,
            reference=reference.strip(),
        )


def begin_totp(ctx: Context, subscriber_id: str, source: str) -> TotpEnrollment:
    """Start (or restart) second-factor enrollment; the secret goes into an authenticator."""
    secret = totp.new_secret()
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        if not row["is_admin"]:
            raise Conflict("subscriber_id", f"{row['id']} is not an administrator")
        tx.execute(
            "UPDATE subscribers SET totp_secret = ?, totp_confirmed = 0 WHERE id = ?",
            (at_rest.seal(ctx.config.secret_key, secret), row["id"]),
        )
        audit.record(tx, ctx.now(), f"subscriber:{row['id']}", "totp.begin", row["id"], source)
    return TotpEnrollment(secret, totp.provisioning_uri(secret, row["id"], ctx.config.totp_issuer))


def confirm_totp(ctx: Context, subscriber_id: str, code: str, source: str) -> list[str]:
    """Confirm enrollment with a current code; returns recovery codes (shown once)."""
    recovery = [tokens.recovery_code() for _ in range(RECOVERY_CODES)]
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        _check_totp(ctx, tx, row, code)
        tx.execute("UPDATE subscribers SET totp_confirmed = 1 WHERE id = ?", (row["id"],))
        tx.execute("DELETE FROM recovery_codes WHERE subscriber_id = ?", (row["id"],))
        tx.execute_many(
            "INSERT INTO recovery_codes (subscriber_id, code_hash) VALUES (?, ?)",
            [(row["id"], tokens.digest(c)) for c in recovery],
        )
        audit.record(tx, ctx.now(), f"subscriber:{row['id']}", "totp.confirm", row["id"], source)
    return recovery


def step_up(ctx: Context, subscriber_id: str, code: str, source: str) -> Actor:
    """Check a TOTP (or unused recovery) code and return the administrator :class:`Actor`.
    Call it after :func:`ohp_gateway.idp.signin.authenticate` succeeded. Failures are audited;
    ``lockout_threshold`` consecutive wrong codes lock the account for ``lockout_seconds``
    (a six-digit code with a +-1 step window must not be guessable by brute force)."""
    now = ctx.now()
    try:
        with ctx.store.write() as tx:
            row = subscriber_row(tx, subscriber_id)
            if row["locked_until"] > now:
                raise CodeRejected(
                    "code", "too many wrong codes: wait 10 minutes and sign in again"
                )
            _second_factor(ctx, tx, row, code)
            tx.execute(
                "UPDATE subscribers SET second_factor_failures = 0 WHERE id = ?", (row["id"],)
            )
            audit.record(tx, now, f"subscriber:{row['id']}", "admin.step_up", row["id"], source)
    except CodeRejected:
        _count_second_factor_failure(ctx, subscriber_id.strip().lower()[:64], source)
        raise
    return Actor("admin", str(row["id"]), source, now)


def _count_second_factor_failure(ctx: Context, target: str, source: str) -> None:
    now, cfg = ctx.now(), ctx.config
    with ctx.store.write() as tx:
        audit.record(tx, now, f"subscriber:{target}", "admin.step_up_failure", target, source)
        failures = tx.scalar(
            "UPDATE subscribers SET second_factor_failures = second_factor_failures + 1"
            " WHERE id = ? RETURNING second_factor_failures",
            (target,),
        )
        if failures is not None and int(failures) >= cfg.lockout_threshold:
            tx.execute(
                "UPDATE subscribers SET second_factor_failures = 0, locked_until = ? WHERE id = ?",
                (now + cfg.lockout_seconds, target),
            )
            audit.record(tx, now, "system:idp", "admin.step_up_lockout", target, source)


def _second_factor(ctx: Context, tx: Tx, row: Row, code: str) -> None:
    if not (row["is_admin"] and row["totp_confirmed"] and row["status"] == "active"):
        raise CodeRejected("code", "no confirmed second factor for this administrator")
    if "-" in code:
        _use_recovery(tx, ctx.now(), row, code)
    else:
        _check_totp(ctx, tx, row, code)


def _check_totp(ctx: Context, tx: Tx, row: Row, code: str) -> None:
    if not row["totp_secret"]:
        raise CodeRejected("code", "no second factor enrollment in progress")
    secret = at_rest.unseal(ctx.config.secret_key, row["totp_secret"])
    step = totp.match_step(secret, code, ctx.now(), ctx.config.totp_window)
    # RFC 6238 section 5.2: a code is accepted once; refuse steps at or before the last used.
    if step is None or step <= row["totp_last_step"]:
        raise CodeRejected("code", "the authenticator code is not correct")
    tx.execute("UPDATE subscribers SET totp_last_step = ? WHERE id = ?", (step, row["id"]))


def _use_recovery(tx: Tx, now: float, row: Row, code: str) -> None:
    wanted = tokens.digest(code)
    hashes = tx.all(
        "SELECT code_hash FROM recovery_codes WHERE subscriber_id = ? AND used_at IS NULL",
        (row["id"],),
    )
    if not any(hmac.compare_digest(r["code_hash"], wanted) for r in hashes):
        raise CodeRejected("code", "the recovery code is not correct or already used")
    tx.execute(
        "UPDATE recovery_codes SET used_at = ? WHERE subscriber_id = ? AND code_hash = ?",
        (now, row["id"], wanted),
    )


def organization_warnings(ctx: Context, organization_id: int) -> list[str]:
    with ctx.store.read() as tx:
        return admin_warnings(tx, organization_id)
