"""Which claims a site receives, by scope.

``openid`` gives ``sub`` and the community claims every participating site relies on
(``ohp_org_id``, ``ohp_org_name``, ``ohp_tax_ids``, ``ohp_roles``); ``profile`` adds
``name``; ``email`` adds ``email`` (OpenID Connect Core 1.0 5.4).
"""

from __future__ import annotations

from .. import directory
from ..context import Context

__all__ = ["released_claims", "scope_of"]

_BY_SCOPE = {"profile": ("name",), "email": ("email",)}
_ALWAYS = ("sub", "ohp_org_id", "ohp_org_name", "ohp_tax_ids", "ohp_roles")
KNOWN_SCOPES = ("openid", "profile", "email")


def scope_of(requested: str) -> str:
    """The granted scope: the known scopes that were requested, in a stable order."""
    asked = set(requested.split())
    return " ".join(s for s in KNOWN_SCOPES if s in asked)


def released_claims(ctx: Context, subscriber_id: str, scope: str) -> dict[str, object]:
    everything = directory.claims(ctx, subscriber_id)
    names = list(_ALWAYS)
    for granted in scope.split():
        names.extend(_BY_SCOPE.get(granted, ()))
    return {name: everything[name] for name in names if name in everything}
