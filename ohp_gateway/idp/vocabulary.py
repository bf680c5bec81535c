"""The community's role vocabulary: sites grant access by these names."""

from __future__ import annotations

from collections.abc import Iterable

from .config import IdpConfig
from .errors import ValidationError


def check_roles(config: IdpConfig, roles: Iterable[str], field: str = "roles") -> tuple[str, ...]:
    """Canonical spelling of each role, in vocabulary order; unknown names are refused."""
    by_key = {role.lower(): role for role in config.roles}
    chosen: list[str] = []
    for index, role in enumerate(roles):
        canonical = by_key.get(role.strip().lower())
        if canonical is None:
            known = ", ".join(config.roles)
            raise ValidationError(
                f"{field}[{index}]", f"{role!r} is not a role; use one of {known}"
            )
        if canonical not in chosen:
            chosen.append(canonical)
    return tuple(chosen)
