"""Unique professional e-mail: refuse generic mailboxes, warn when it does not show the name.

FAQ: "the Subscriber who owns the email owns the entire Subscriber account" (resets go there),
so a shared role mailbox would let colleagues take over the account.
"""

from __future__ import annotations

import re

import attrs

from .datafiles import word_list
from .errors import ValidationError

_EMAIL = re.compile(r"[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
_SEPARATORS = re.compile(r"[._\-]")


@attrs.frozen
class Email:
    """An address as given (``address``) and its community-wide uniqueness ``key``."""

    address: str
    key: str

    @property
    def local(self) -> str:
        return self.address.rsplit("@", 1)[0]


def parse_email(value: str, field: str = "email") -> Email:
    """Check the shape; the key is lower-case without a ``+tag`` (same mailbox)."""
    address = value.strip()
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise ValidationError(field, f"{value!r} is not an e-mail address (name@example.org)")
    local, domain = address.rsplit("@", 1)
    key = f"{local.split('+', 1)[0].lower()}@{domain.lower()}"
    return Email(address, key)


def mailbox_stem(local: str) -> str:
    """``Front_Desk+x2`` -> ``frontdesk``: case, +tag, separators and trailing digits removed."""
    stem = _SEPARATORS.sub("", local.split("+", 1)[0].lower())
    return stem.rstrip("0123456789") or stem


def check_professional_email(email: Email, name: str, field: str = "email") -> list[str]:
    """Refuse a generic mailbox; return warnings for doubtful ones."""
    stem = mailbox_stem(email.local)
    if stem in word_list("role_mailboxes.txt"):
        raise ValidationError(
            field,
            f"{email.address!r} is a generic mailbox ({stem}@); each subscriber needs a unique "
            "professional address such as sally.smith@example.org",
        )
    warnings: list[str] = []
    if stem in word_list("role_mailboxes_extended.txt"):
        warnings.append(f"{field}: {email.address!r} looks like a role mailbox ({stem}@)")
    if not shows_name(email.local, name):
        warnings.append(f"{field}: {email.address!r} shows no part of the name {name!r}")
    return warnings


def shows_name(local: str, name: str) -> bool:
    """True when the local part holds a name part (3+ letters of it) or the initials."""
    letters = re.sub(r"[^a-z]", "", local.split("+", 1)[0].lower())
    tokens = [t for t in re.split(r"[^a-z]+", name.lower()) if t]
    if not letters or not tokens:
        return False
    initials = "".join(t[0] for t in tokens)
    if len(initials) >= 2 and initials in letters:
        return True
    return any(t[: min(3, len(t))] in letters for t in tokens if len(t) >= 2)
