"""Administrator identity verification: last four SSN digits plus a pluggable online verifier.

FAQ: "you must enter the last four digits of your social security number and complete the
online identity verification. If you fail the online identity verification, you will be
required to complete a notary form." A support operator records the notary outcome.
"""

from __future__ import annotations

import re
from typing import Protocol

import attrs

from .errors import ValidationError


@attrs.frozen
class IdentityClaim:
    """What an administrator asserts about themselves. ``ssn_last4`` never leaves memory in
    clear: the store keeps an Argon2id hash of it and ``repr`` hides it."""

    name: str
    email: str
    work_phone: str
    organization_name: str
    ssn_last4: str = attrs.field(repr=False)


class IdentityVerifier(Protocol):
    """An online identity-proofing service: True when the claim is confirmed."""

    def verify(self, claim: IdentityClaim) -> bool: ...


@attrs.frozen
class StaticVerifier:
    """Answers the same for everyone: ``StaticVerifier(False)`` sends everyone to a notary
    (the default when no online service is configured); ``True`` suits demos and tests."""

    result: bool = False

    def verify(self, claim: IdentityClaim) -> bool:
        return self.result


def check_last4(value: str, field: str = "ssn_last4") -> str:
    digits = value.strip()
    if not re.fullmatch(r"\d{4}", digits):
        raise ValidationError(field, "must be the last four digits of your SSN (NNNN)")
    return digits
