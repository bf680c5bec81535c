"""A small demo community: two organizations, two administrators each, a few subscribers and
one participating site. Used by the one-command demo and by tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from . import admins, nomination, organizations, sites, totp
from .context import Actor, Context, open_context
from .identity import StaticVerifier
from .organizations import Applicant, Registration

DEMO_PASSWORD = "correct horse staple battery 42"  # noqa: S105 (published demo)

_ORGS = (
    (
        "Evergreen Family Clinic",
        "100 Pine St, Seattle, WA 98101",
        ["91-1234567", "91-7654321"],
        [
            ("Dana Reyes", "dana.reyes@evergreen.example"),
            ("Lee Park", "lee.park@evergreen.example"),
        ],
        [
            ("Sally Smith", "sally.smith@evergreen.example", ["Billing", "Claims"]),
            ("Omar Haddad", "ohaddad@evergreen.example", ["Eligibility"]),
        ],
    ),
    (
        "Cascade Orthopedics",
        "2 Summit Ave, Tacoma, WA 98402",
        ["94-2223333"],
        [("Priya Nair", "priya.nair@cascade.example"), ("Tom Berg", "tberg@cascade.example")],
        [("Ana Lima", "ana.lima@cascade.example", ["Claims", "Eligibility"])],
    ),
)


def seed_demo(
    target: Context | str | Path, site_url: str = "http://127.0.0.1:8000"
) -> dict[str, Any]:
    """Create the demo community. Returns organizations with their administrators (ID,
    password, TOTP secret) and subscribers (ID, password, roles), and the site's client."""
    ctx = target if isinstance(target, Context) else open_context(target)
    ctx = attrs.evolve(ctx, verifier=StaticVerifier(True))
    support = Actor.support("demo-seed", "seed")
    result: dict[str, Any] = {"organizations": [], "password": DEMO_PASSWORD}
    for name, address, tax_ids, people, members in _ORGS:
        result["organizations"].append(
            _organization(ctx, support, name, address, tax_ids, people, members)
        )
    added = sites.add_site(
        ctx,
        support,
        sites.SiteForm(
            "Demo Health Plan portal",
            site_url,
            "1-800-555-0100",
            "helpdesk@plan.example",
            ["Billing", "Claims", "Eligibility"],
            client_id="demo-site",
            redirect_uris=[f"{site_url}/.ohp/callback"],
            post_logout_redirect_uris=[f"{site_url}/"],
            backchannel_logout_uri=f"{site_url}/.ohp/backchannel-logout",
        ),
    )
    result["site"] = {
        "id": added.site.id,
        "client_id": "demo-site",
        "client_secret": added.client_secret,
    }
    return result


def _organization(
    ctx: Context,
    support: Actor,
    name: str,
    address: str,
    tax_ids: list[str],
    people: list[tuple[str, str]],
    members: list[tuple[str, str, list[str]]],
) -> dict[str, Any]:
    (first_name, first_email), (second_name, second_email) = people
    form = Registration(
        name,
        address,
        tax_ids,
        Applicant(first_name, first_email, "206-555-0101", True, "1234"),
        True,
        ctx.config.organization_agreement_version,
    )
    registered = organizations.register_organization(ctx, form, "seed")
    first = _admin(ctx, registered.admin_subscriber_id, registered.activation_code)
    actor = admins.step_up(ctx, first["subscriber_id"], _code(ctx, first["totp_secret"]), "seed")
    second_id = _member(ctx, actor, second_name, second_email, [], tax_ids)
    admins.promote(ctx, actor, second_id)
    admins.verify_identity(ctx, second_id, "5678", "seed")
    second = _admin(ctx, second_id, None)
    subscribers = [
        {
            "subscriber_id": _member(ctx, actor, n, e, roles, tax_ids[:1]),
            "name": n,
            "roles": roles,
            "password": DEMO_PASSWORD,
        }
        for n, e, roles in members
    ]
    return {
        "id": registered.organization_id,
        "name": name,
        "tax_ids": tax_ids,
        "administrators": [first, second],
        "subscribers": subscribers,
    }


def _admin(ctx: Context, subscriber_id: str, code: str | None) -> dict[str, Any]:
    if code is not None:
        nomination.activate(ctx, subscriber_id, code, DEMO_PASSWORD, True, "seed")
    enrollment = admins.begin_totp(ctx, subscriber_id, "seed")
    # Confirm with the previous step's code so the first step-up may use the current one.
    previous = totp.code_at(enrollment.secret, int(ctx.now() // totp.STEP) - 1)
    admins.confirm_totp(ctx, subscriber_id, previous, "seed")
    return {
        "subscriber_id": subscriber_id,
        "password": DEMO_PASSWORD,
        "totp_secret": enrollment.secret,
    }


def _code(ctx: Context, secret: str) -> str:
    return totp.now_code(secret, ctx.now())


def _member(
    ctx: Context, actor: Actor, name: str, email: str, roles: list[str], tax_ids: list[str]
) -> str:
    nominated = nomination.nominate(ctx, actor, nomination.Nomination(name, email, roles, tax_ids))
    nomination.activate(
        ctx, nominated.subscriber_id, nominated.activation_code, DEMO_PASSWORD, True, "seed"
    )
    return nominated.subscriber_id
