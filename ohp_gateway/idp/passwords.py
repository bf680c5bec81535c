"""Password hashing (Argon2id, PHC strings) and the community password policy.

Policy after NIST SP 800-63B rev 4: at least 15 characters, no composition rules, no forced
rotation; refuse common passwords, repetitive or sequential strings, and passwords containing
the Subscriber ID, the name or the e-mail.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from .config import Argon2Params, IdpConfig
from .datafiles import word_list
from .errors import ValidationError

_PHC_PARAMS = re.compile(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


class PasswordHasher:
    """Argon2id with the configured cost; verifies any stored cost and says when to rehash."""

    def __init__(self, params: Argon2Params | None = None) -> None:
        self.params = params or Argon2Params()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        kdf = Argon2id(
            salt=os.urandom(16),
            length=32,
            iterations=self.params.iterations,
            lanes=self.params.lanes,
            memory_cost=self.params.memory_kib,
        )
        return kdf.derive_phc_encoded(password.encode("utf-8"))

    def verify(self, password: str, encoded: str) -> bool:
        try:
            Argon2id.verify_phc_encoded(password.encode("utf-8"), encoded)
        except (InvalidKey, ValueError):
            return False
        return True

    def needs_rehash(self, encoded: str) -> bool:
        match = _PHC_PARAMS.match(encoded)
        if match is None:
            return True
        p = self.params
        return tuple(map(int, match.groups())) != (p.memory_kib, p.iterations, p.lanes)

    def burn(self, password: str) -> None:
        """Spend one verification on a dummy hash, so an unknown ID costs as much as a
        known one and response time reveals nothing (OWASP Authentication cheat sheet)."""
        if self._dummy is None:
            self._dummy = self.hash(os.urandom(16).hex())
        self.verify(password, self._dummy)


def check_password(
    password: str, config: IdpConfig, context: Iterable[str], field: str = "password"
) -> None:
    """Raise :class:`ValidationError` when the password breaks the policy.

    ``context`` holds the Subscriber ID, name and e-mail; none may appear in the password.
    """
    if len(password) < config.password_min_length:
        raise ValidationError(
            field,
            f"must be at least {config.password_min_length} characters (it has "
            f"{len(password)}); a phrase of several words is easy to remember",
        )
    if len(password) > config.password_max_length:
        raise ValidationError(field, f"must be at most {config.password_max_length} characters")
    lowered = password.lower()
    if _is_common(lowered):
        raise ValidationError(field, "is on the list of common passwords; choose another")
    if _is_repetitive(lowered):
        raise ValidationError(field, "is a repeated or sequential pattern; choose another")
    for word in _context_words(context):
        if word in lowered:
            raise ValidationError(
                field, "contains your Subscriber ID, name or e-mail; choose something else"
            )


def _is_common(lowered: str) -> bool:
    common = word_list("common_passwords.txt")
    stripped = lowered.strip("0123456789!@#$%^&*.?-_ ")
    return lowered in common or stripped in common or stripped * 2 == lowered


def _is_repetitive(lowered: str) -> bool:
    if len(set(lowered)) <= 2:
        return True
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(lowered)}
    return len(steps) == 1 and steps <= {1, -1}


def _context_words(context: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for item in context:
        item = item.lower()
        if "@" in item:
            local = item.split("@", 1)[0]
            words.add(local)
            words.update(p for p in re.split(r"[^a-z0-9]+", local) if len(p) >= 4)
        else:
            words.add(item)
            words.update(p for p in re.split(r"[^a-z0-9]+", item) if len(p) >= 4)
    return {w for w in words if len(w) >= 4}
