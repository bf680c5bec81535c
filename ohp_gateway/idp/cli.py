"""``ohp-gateway idp <command>``: the administration console of the reference IdP.

Commands act as a support operator (``--operator``), or as an administrator with
``--as SUBSCRIBER_ID --totp CODE``. Errors print ``field: reason`` to stderr and exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence

from . import (
    admins,
    audit,
    entitlements,
    nomination,
    organizations,
    resets,
    signin,
    sites,
    support,
    termination,
)
from .cli_parser import build_parser
from .context import Actor, Context, open_context
from .errors import IdpError
from .seed import seed_demo

DEFAULT_DB = "./var/idp.sqlite3"
Handler = Callable[[Context, argparse.Namespace], object]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 2 refused, 1 unexpected)."""
    args = build_parser(DEFAULT_DB).parse_args(argv)
    db = args.db or os.environ.get("OHP_IDP_DB") or DEFAULT_DB
    if args.command == "serve":
        return _serve(db, args)
    ctx = open_context(db)
    try:
        result = HANDLERS[args.command](ctx, args)
    except IdpError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        ctx.store.close()
    _print(result)
    return 0


def _serve(db: str, args: argparse.Namespace) -> int:
    """Each gunicorn worker opens the database itself; the master never does."""
    from .web.serve import serve

    return serve(
        db,
        listen=args.listen,
        issuer=args.issuer,
        secure_cookies=not args.insecure_cookies,
        workers=args.workers,
        support_operators=args.support_operator,
    )


def _print(result: object) -> None:
    if result is None:
        return
    if isinstance(result, dict | list):
        print(json.dumps(result, indent=2, default=str))
    else:
        print(result)


def actor(ctx: Context, args: argparse.Namespace) -> Actor:
    """Administrator after TOTP when ``--as`` is given, else the support operator."""
    if args.as_admin:
        return admins.step_up(ctx, args.as_admin, args.totp or "", "cli")
    return Actor.support(args.operator, "cli")


def _init(ctx: Context, args: argparse.Namespace) -> object:
    if args.demo:
        return seed_demo(ctx)
    return f"database ready: {ctx.store.path} (schema {ctx.store.schema_version})"  # type: ignore[attr-defined]


def _register(ctx: Context, args: argparse.Namespace) -> object:
    applicant = organizations.Applicant(
        args.admin_name,
        args.admin_email,
        args.admin_phone,
        args.staff_attested,
        args.ssn_last4 or getpass.getpass("last four SSN digits: "),
    )
    form = organizations.Registration(
        args.name,
        args.address,
        args.tax_id or [],
        applicant,
        args.signing_authority,
        args.accept_agreement,
        args.acknowledge_personal_tax_id,
    )
    done = organizations.register_organization(ctx, form, "cli")
    return {
        "organization_id": done.organization_id,
        "admin_subscriber_id": done.admin_subscriber_id,
        "activation_code": done.activation_code,
        "identity_status": done.identity_status,
        "warnings": list(done.warnings),
    }


def _nominate(ctx: Context, args: argparse.Namespace) -> object:
    form = nomination.Nomination(
        args.name, args.email, args.role or [], args.tax_id or [], args.phone
    )
    done = nomination.nominate(ctx, actor(ctx, args), form)
    return {
        "subscriber_id": done.subscriber_id,
        "activation_code": done.activation_code,
        "warnings": list(done.warnings),
    }


def _activate(ctx: Context, args: argparse.Namespace) -> object:
    password = args.password or getpass.getpass("new password: ")
    done = nomination.activate(
        ctx, args.subscriber_id, args.code, password, args.accept_agreement, "cli"
    )
    return f"{done.id} is active"


def _set_roles(ctx: Context, args: argparse.Namespace) -> object:
    who = actor(ctx, args)
    change = {
        "set": entitlements.set_roles,
        "add": entitlements.add_roles,
        "remove": entitlements.remove_roles,
    }[args.mode]
    return {
        "subscriber_id": args.subscriber_id,
        "roles": list(change(ctx, who, args.subscriber_id, args.role or []).roles),
    }


def _affiliate(ctx: Context, args: argparse.Namespace) -> object:
    change = entitlements.unaffiliate if args.remove else entitlements.affiliate
    done = change(ctx, actor(ctx, args), args.subscriber_id, args.tax_id)
    return {"subscriber_id": done.id, "tax_ids": [t.masked for t in done.tax_ids]}


def _promote(ctx: Context, args: argparse.Namespace) -> object:
    if args.org_name:
        request = support.PromotionRequest(
            args.org_name,
            args.org_address or "",
            args.subscriber_id,
            args.work_phone or "",
            args.work_email or "",
        )
        return support.promote_on_request(ctx, actor(ctx, args), request)
    return admins.promote(ctx, actor(ctx, args), args.subscriber_id)


def _terminate(ctx: Context, args: argparse.Namespace) -> object:
    return termination.terminate(ctx, actor(ctx, args), args.subscriber_id, args.reason)


def _reset(ctx: Context, args: argparse.Namespace) -> object:
    resets.reset_by_admin(ctx, actor(ctx, args), args.subscriber_id)
    return f"reset link mailed to {args.subscriber_id}"


def _unlock(ctx: Context, args: argparse.Namespace) -> object:
    signin.unlock(ctx, actor(ctx, args), args.subscriber_id)
    return f"{args.subscriber_id} unlocked"


def _notary(ctx: Context, args: argparse.Namespace) -> object:
    admins.record_notary(ctx, actor(ctx, args), args.subscriber_id, args.reference)
    return f"{args.subscriber_id} identity verified by notary ({args.reference})"


def _tickets(ctx: Context, args: argparse.Namespace) -> object:
    if args.close is not None:
        support.close_ticket(ctx, actor(ctx, args), args.close, args.note or "")
        return f"ticket {args.close} closed"
    found = [
        {
            "id": t.id,
            "kind": t.kind,
            "organization_id": t.organization_id,
            "contact": t.contact,
            "detail": t.detail,
        }
        for t in support.tickets(ctx)
    ]
    requests = [
        {
            "promotion_request": r.id,
            "organization_id": r.organization_id,
            "candidates": list(r.candidates),
            "contact": r.contact,
        }
        for r in support.promotion_requests(ctx)
    ]
    return found + requests


def _release(ctx: Context, args: argparse.Namespace) -> object:
    support.release_tax_id(ctx, actor(ctx, args), args.tax_id, args.reason)
    return "Tax ID released"


def _sites(ctx: Context, args: argparse.Namespace) -> object:
    if args.sites_command == "add":
        form = sites.SiteForm(
            args.name,
            args.url,
            args.helpdesk_phone,
            args.helpdesk_email,
            args.role or [],
            args.client_id,
            args.redirect_uri or [],
            args.post_logout_uri or [],
            args.backchannel_logout_uri,
        )
        added = sites.add_site(ctx, actor(ctx, args), form)
        return {"site_id": added.site.id, "client_secret": added.client_secret}
    return [
        {
            "id": s.id,
            "name": s.name,
            "url": s.url,
            "helpdesk_phone": s.helpdesk_phone,
            "helpdesk_email": s.helpdesk_email,
            "roles": list(s.roles),
            "client_id": s.client_id,
        }
        for s in sites.list_sites(ctx)
    ]


def _audit(ctx: Context, args: argparse.Namespace) -> object:
    rows = audit.entries(ctx.store, target=args.target, action=args.action, limit=args.limit)
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "source": e.source,
            "detail": e.detail,
        }
        for e in rows
    ]


def _rotate_signing_key(ctx: Context, args: argparse.Namespace) -> object:
    from .access import require_support
    from .oidc.keys import rotate_signing_key

    who = actor(ctx, args)
    require_support(who)
    secret = os.environ.get("OHP_IDP_SIGNING_KEY_SECRET") or None
    return {"kid": rotate_signing_key(ctx, who, secret), "encrypted": secret is not None}


HANDLERS: dict[str, Handler] = {
    "init": _init,
    "register-org": _register,
    "nominate": _nominate,
    "activate": _activate,
    "set-roles": _set_roles,
    "affiliate": _affiliate,
    "promote": _promote,
    "terminate": _terminate,
    "reset-password": _reset,
    "unlock": _unlock,
    "notary": _notary,
    "tickets": _tickets,
    "release-tax-id": _release,
    "sites": _sites,
    "audit": _audit,
    "rotate-signing-key": _rotate_signing_key,
}


if __name__ == "__main__":
    sys.exit(main())
