"""Nominating subscribers and activating their accounts."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import attrs

from . import audit, codes, tokens
from .access import require_admin_of
from .context import Actor, Context
from .errors import CodeRejected, Conflict, PermissionDenied, ValidationError
from .mail import Message
from .mailboxes import Email, check_professional_email, parse_email
from .passwords import check_password
from .records import Subscriber, own_tax_id, subscriber, subscriber_row
from .store import Tx
from .taxids import parse_tax_id
from .vocabulary import check_roles

_ID_ATTEMPTS = 20


@attrs.frozen
class Nomination:
    name: str
    email: str
    roles: Sequence[str] = ()
    tax_ids: Sequence[str] = ()
    work_phone: str = ""


@attrs.frozen
class Nominated:
    subscriber_id: str
    activation_code: str = attrs.field(repr=False)  # shown once to the administrator
    warnings: tuple[str, ...] = ()


@attrs.frozen
class NewSubscriber:
    organization_id: int
    name: str
    email: Email
    work_phone: str
    roles: tuple[str, ...]
    tax_digits: tuple[str, ...]
    is_admin: bool = False


def nominate(ctx: Context, actor: Actor, form: Nomination) -> Nominated:
    """An administrator nominates a subscriber of their organization. Returns the Subscriber
    ID and the one-time activation code; mails the subscriber their ID and instructions."""
    if not form.name.strip():
        raise ValidationError("name", "is required")
    email = parse_email(form.email)
    warnings = check_professional_email(email, form.name)
    roles = check_roles(ctx.config, form.roles)
    digits = tuple(parse_tax_id(v, f"tax_ids[{i}]").digits for i, v in enumerate(form.tax_ids))
    code = tokens.activation_code()
    with ctx.store.write() as tx:
        if actor.kind != "admin":
            raise PermissionDenied("actor", "only an administrator nominates subscribers")
        org_id = int(subscriber_row(tx, actor.id, "actor")["organization_id"])
        require_admin_of(tx, actor, org_id, allow_support=False)
        new = NewSubscriber(org_id, form.name, email, form.work_phone, roles, digits)
        sub_id = insert_subscriber(ctx, tx, new, code, actor.label, actor.source)
    send_welcome(ctx, email.address, sub_id)
    return Nominated(sub_id, code, tuple(warnings))


def insert_subscriber(
    ctx: Context, tx: Tx, new: NewSubscriber, code: str, actor: str, source: str
) -> str:
    """Insert a nominated subscriber with roles, affiliations, activation code and audit row.
    Runs inside the caller's writer: all of it commits, or none."""
    taken = tx.scalar(
        "SELECT id FROM subscribers WHERE email_key = ? AND status != 'terminated'",
        (new.email.key,),
    )
    if taken is not None:
        raise Conflict(
            "email", f"{new.email.address!r} is already used by a subscriber in the community"
        )
    tax_row_ids = _affiliation_ids(tx, new.organization_id, new.tax_digits)
    now = ctx.now()
    sub_id = _insert_row(tx, new, now)
    tx.execute_many(
        "INSERT INTO subscriber_roles (subscriber_id, role) VALUES (?, ?)",
        [(sub_id, role) for role in new.roles],
    )
    tx.execute_many(
        "INSERT INTO affiliations (subscriber_id, tax_id_id) VALUES (?, ?)",
        [(sub_id, row_id) for row_id in tax_row_ids],
    )
    codes.issue(tx, now, sub_id, "activation", code, ctx.config.activation_ttl)
    audit.record(
        tx,
        now,
        actor,
        "subscriber.nominate",
        sub_id,
        source,
        email=new.email.address,
        roles=list(new.roles),
        admin=new.is_admin,
    )
    return sub_id


def _affiliation_ids(tx: Tx, organization_id: int, digits: tuple[str, ...]) -> list[int]:
    return [own_tax_id(tx, organization_id, d, f"tax_ids[{i}]") for i, d in enumerate(digits)]


def _insert_row(tx: Tx, new: NewSubscriber, now: float) -> str:
    for _ in range(_ID_ATTEMPTS):
        sub_id = tokens.subscriber_id()
        try:
            tx.execute(
                "INSERT INTO subscribers (id, organization_id, name, email, email_key,"
                " work_phone, status, is_admin, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'nominated', ?, ?)",
                (
                    sub_id,
                    new.organization_id,
                    new.name.strip(),
                    new.email.address,
                    new.email.key,
                    new.work_phone.strip(),
                    int(new.is_admin),
                    now,
                ),
            )
            return sub_id
        except sqlite3.IntegrityError as error:
            if "subscribers.id" not in str(error):
                raise Conflict("email", f"{new.email.address!r} is already in use") from error
    raise Conflict("subscriber_id", "could not allocate a free Subscriber ID")


def send_welcome(ctx: Context, address: str, subscriber_id: str) -> None:
    """FAQ: "You will then receive an email with your Subscriber ID and instructions"."""
    body = (
        f"You have been nominated as a subscriber of the trusted community.\n\n"
        f"Your Subscriber ID is: {subscriber_id}\n\n"
        "To activate your account, open the activation page, enter this Subscriber ID and the\n"
        "one-time activation code your Administrator gave you, choose a password of at least\n"
        f"{ctx.config.password_min_length} characters and accept the Subscriber Agreement.\n"
        f"The code expires {ctx.config.activation_ttl / 3600:.0f} hours after nomination.\n"
    )
    ctx.outbox.send(Message(address, "Your Subscriber ID and how to activate it", body))


def reissue_activation(ctx: Context, actor: Actor, subscriber_id: str) -> str:
    """A fresh activation code for a nominated subscriber (the old one stops working)."""
    code = tokens.activation_code()
    with ctx.store.write() as tx:
        row = subscriber_row(tx, subscriber_id)
        require_admin_of(tx, actor, int(row["organization_id"]), allow_support=True)
        if row["status"] != "nominated":
            raise Conflict(
                "subscriber_id", f"{row['id']} is {row['status']}, not awaiting activation"
            )
        codes.issue(tx, ctx.now(), row["id"], "activation", code, ctx.config.activation_ttl)
        audit.record(tx, ctx.now(), actor.label, "activation.reissue", row["id"], actor.source)
    return code


def activate(
    ctx: Context,
    subscriber_id: str,
    code: str,
    password: str,
    accept_agreement: bool,
    source: str,
) -> Subscriber:
    """Subscriber ID + activation code + password + Subscriber Agreement acceptance."""
    if not accept_agreement:
        raise ValidationError("accept_agreement", "the Subscriber Agreement must be accepted")
    with ctx.store.read() as tx:
        row = subscriber_row(tx, subscriber_id)
    sub_id = str(row["id"])
    codes.check_activation(ctx, sub_id, code)
    check_password(password, ctx.config, (sub_id, row["name"], row["email"]))
    password_hash = ctx.hasher.hash(password)
    with ctx.store.write() as tx:
        if codes.consume(tx, ctx.now(), code, "activation") != sub_id:
            raise CodeRejected("code", "the activation code is not correct")
        tx.execute(
            "UPDATE subscribers SET status = 'active', password_hash = ?, agreement_version = ?,"
            " activated_at = ? WHERE id = ? AND status = 'nominated'",
            (password_hash, ctx.config.subscriber_agreement_version, ctx.now(), sub_id),
        )
        audit.record(
            tx,
            ctx.now(),
            f"subscriber:{sub_id}",
            "subscriber.activate",
            sub_id,
            source,
            agreement_version=ctx.config.subscriber_agreement_version,
        )
        return subscriber(tx, sub_id)
