"""One exception hierarchy for the identity provider.

Every error names the ``field`` it is about (``""`` when it concerns the whole request) and
reads as a sentence a person can act on: "tax_ids[1]: '12-345' is not an EIN (NN-NNNNNNN)".
Subclasses carry data and an ``http_status`` hint so a web layer maps them in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs


class IdpError(Exception):
    """Root of every identity provider error."""

    http_status = 400

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}" if field else reason)


class ValidationError(IdpError):
    """A value breaks a community rule; the message says which and why."""


class NotFound(IdpError):
    """The named record does not exist (or is not visible to the actor)."""

    http_status = 404


class Conflict(IdpError):
    """The value is already taken or the record is in the wrong state."""

    http_status = 409


class PermissionDenied(IdpError):
    """The actor may not perform this action."""

    http_status = 403


class SignInFailed(IdpError):
    """Sign-in failed. The message is the same whatever the cause (unknown ID, wrong password,
    locked or terminated account) so it reveals nothing; the audit log keeps the cause."""

    http_status = 401
    GENERIC = (
        "the Subscriber ID or password is incorrect, or the account is temporarily locked; "
        "try again later or contact your Administrator"
    )

    def __init__(self) -> None:
        super().__init__("", self.GENERIC)


class CodeRejected(IdpError):
    """An activation code, reset token or second-factor code was wrong, used or expired."""

    http_status = 401


@attrs.frozen
class AdminContact:
    """An administrator's name and contact details, shown to a duplicate registrant."""

    name: str
    email: str
    phone: str


class DuplicateTaxId(Conflict):
    """ "Duplicate Found": the Tax ID already belongs to a registered organization.

    Carries what the registrant needs next: the organization's name and its active
    administrators; or the promotion request / support ticket opened when it has none.
    """

    def __init__(
        self,
        field: str,
        organization_name: str,
        administrators: Sequence[AdminContact],
        promotion_request_id: int | None = None,
        ticket_id: int | None = None,
    ) -> None:
        self.organization_name = organization_name
        self.administrators = tuple(administrators)
        self.promotion_request_id = promotion_request_id
        self.ticket_id = ticket_id
        super().__init__(field, self._describe())

    def _describe(self) -> str:
        text = f"Duplicate Found: already registered to {self.organization_name!r}"
        if self.administrators:
            people = "; ".join(f"{a.name} <{a.email}> {a.phone}" for a in self.administrators)
            return f"{text}; ask an administrator to nominate you: {people}"
        if self.promotion_request_id is not None:
            request = self.promotion_request_id
            return f"{text}; no active administrator, promotion request #{request} opened"
        ticket = self.ticket_id
        return f"{text}; no active administrator or subscriber, support ticket #{ticket} opened"
