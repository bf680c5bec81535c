"""The subscriber: who is on the other end of a request."""

from __future__ import annotations

import re
from typing import Any

import attrs

__all__ = ["Subscriber", "mask_email", "mask_tax_id"]

# A comma separates list items in X-OHP-Tax-Ids / X-OHP-Roles; controls would split headers.
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")  # controls, lone surrogates
_TAX_ID = re.compile(r"\d{2}-\d{7}|\d{3}-\d{2}-\d{4}")  # EIN NN-NNNNNNN, SSN/ITIN AAA-GG-SSSS
_MAX_TEXT = 256


def _text(field: str, value: object, *, allow_comma: bool = True, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{field}: expected str, got {type(value).__name__}")
    if not value and not allow_empty:
        raise ValueError(f"{field}: must not be empty")
    if len(value) > _MAX_TEXT:
        raise ValueError(f"{field}: {len(value)} characters, at most {_MAX_TEXT}")
    if _FORBIDDEN.search(value):
        raise ValueError(f"{field}: {value!r} contains a control character or lone surrogate")
    if not allow_comma and "," in value:
        raise ValueError(f"{field}: {value!r} contains a comma, which separates list items")
    return value


def _validate_text(inst: Subscriber, attr: attrs.Attribute[Any], value: str) -> None:
    _text(attr.name, value)


def _validate_email(inst: Subscriber, attr: attrs.Attribute[Any], value: str) -> None:
    _text("email", value)
    local, at, domain = value.rpartition("@")
    if not (at and local and domain) or " " in value:
        raise ValueError(f"email: {value!r} is not an e-mail address (local@domain)")


def _validate_tax_ids(inst: Subscriber, attr: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for i, tax_id in enumerate(value):
        if not isinstance(tax_id, str) or not _TAX_ID.fullmatch(tax_id):
            raise ValueError(
                f"tax_ids[{i}]: {tax_id!r} is not a Tax ID (EIN NN-NNNNNNN or SSN NNN-NN-NNNN)"
            )


def _validate_roles(inst: Subscriber, attr: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
    for i, role in enumerate(value):
        _text(f"roles[{i}]", role, allow_comma=False)


def _validate_auth_time(inst: Subscriber, attr: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"auth_time: {value!r} is not a unix time in seconds")


def _as_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):  # a lone string is a value, not a sequence of letters
        return (value,)
    return tuple(value)


def mask_email(email: str) -> str:
    """``jane.doe@clinic.org`` -> ``j***@clinic.org``."""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"


def mask_tax_id(tax_id: str) -> str:
    """Keep only the last four digits: a Tax ID may be a personal SSN."""
    if len(tax_id) == 11:  # NNN-NN-NNNN
        return f"***-**-{tax_id[-4:]}"
    return f"**-***{tax_id[-4:]}"


@attrs.frozen(slots=True, repr=False)
class Subscriber:
    """An authenticated member of the community, as a participating site sees them."""

    subscriber_id: str = attrs.field(validator=_validate_text)
    name: str = attrs.field(validator=_validate_text)
    email: str = attrs.field(validator=_validate_email)
    organization_id: str = attrs.field(validator=_validate_text)
    organization_name: str = attrs.field(validator=_validate_text)
    tax_ids: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_validate_tax_ids)
    roles: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_validate_roles)
    session_id: str = attrs.field(validator=_validate_text)
    auth_time: float = attrs.field(validator=_validate_auth_time)

    def has_role(self, role: str) -> bool:
        """True when the subscriber holds ``role`` (exact, case-sensitive)."""
        return role in self.roles

    def has_tax_id(self, tax_id: str) -> bool:
        """True when the subscriber is affiliated with ``tax_id``."""
        return tax_id in self.tax_ids

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, e.g. for ``/.ohp/session``."""
        return {
            "subscriber_id": self.subscriber_id,
            "name": self.name,
            "email": self.email,
            "organization_id": self.organization_id,
            "organization_name": self.organization_name,
            "tax_ids": list(self.tax_ids),
            "roles": list(self.roles),
            "session_id": self.session_id,
            "auth_time": self.auth_time,
        }

    def __repr__(self) -> str:
        tax_ids = tuple(mask_tax_id(t) for t in self.tax_ids)
        return (
            f"Subscriber(subscriber_id={self.subscriber_id!r}, name={self.name!r}, "
            f"email={mask_email(self.email)!r}, organization_id={self.organization_id!r}, "
            f"organization_name={self.organization_name!r}, tax_ids={tax_ids!r}, "
            f"roles={self.roles!r}, session_id=..., auth_time={self.auth_time!r})"
        )


_SETTERS = tuple(getattr(Subscriber, a.name).__set__ for a in attrs.fields(Subscriber))
(_ID, _NAME, _EMAIL, _ORG_ID, _ORG_NAME, _TAX_IDS, _ROLES, _SID, _AUTH_TIME) = _SETTERS
_new = object.__new__


def trusted_subscriber(
    subscriber_id: str,
    name: str,
    email: str,
    organization_id: str,
    organization_name: str,
    tax_ids: tuple[str, ...],
    roles: tuple[str, ...],
    session_id: str,
    auth_time: float,
) -> Subscriber:
    """Build a Subscriber from values that were validated before they were sealed.

    Opening a cookie is on every request's path; its contents were validated when it was
    sealed and are authenticated by AES-GCM, so the validators need not run twice. The slot
    descriptors are set directly, as attrs' own frozen ``__init__`` does.
    """
    inst: Subscriber = _new(Subscriber)
    _ID(inst, subscriber_id)
    _NAME(inst, name)
    _EMAIL(inst, email)
    _ORG_ID(inst, organization_id)
    _ORG_NAME(inst, organization_name)
    _TAX_IDS(inst, tax_ids)
    _ROLES(inst, roles)
    _SID(inst, session_id)
    _AUTH_TIME(inst, auth_time)
    return inst
