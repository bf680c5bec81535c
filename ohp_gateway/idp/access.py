"""Who may act on what: administrators on their own organization, support on any."""

from __future__ import annotations

from .context import Actor
from .errors import PermissionDenied
from .records import Subscriber, subscriber
from .store import Tx


def require_support(actor: Actor) -> None:
    if actor.kind != "support":
        raise PermissionDenied("actor", f"{actor.label} is not a support operator")


def require_admin_of(tx: Tx, actor: Actor, organization_id: int, allow_support: bool) -> None:
    """The actor is support (when allowed) or an administrator of ``organization_id`` who is
    identity-verified and has passed the second factor."""
    if actor.kind == "support" and allow_support:
        return
    if actor.kind != "admin":
        raise PermissionDenied("actor", f"{actor.label} is not an administrator")
    admin = subscriber(tx, actor.id, "actor")
    _check_admin(admin, actor)
    if admin.organization_id != organization_id:
        raise PermissionDenied("actor", f"{actor.id} administers another organization")


def _check_admin(admin: Subscriber, actor: Actor) -> None:
    if not (admin.is_admin and admin.status == "active"):
        raise PermissionDenied("actor", f"{actor.id} is not an active administrator")
    if admin.identity_status != "verified":
        raise PermissionDenied(
            "actor", f"{actor.id} has not completed identity verification (online or notary)"
        )
    if not admin.totp_confirmed or actor.second_factor_at is None:
        raise PermissionDenied("actor", f"{actor.id} must pass the second factor (TOTP) first")
