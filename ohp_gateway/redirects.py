"""``return_to`` validation: a relative path on this site, or nothing.

Four oauth2-proxy and three mod_auth_openidc open-redirect advisories came from ``/\\``,
encoded whitespace and scheme tricks. Browsers strip tab, CR and LF from URLs and read ``\\``
as ``/``, so ``/\\t/evil.example`` becomes ``//evil.example``: all of these are refused, raw
or percent-encoded.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["InvalidReturnTo", "validate_return_to"]

MAX_LENGTH = 2048
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


class InvalidReturnTo(ValueError):
    """``return_to`` is not a relative same-site path; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"return_to: {reason}")


def _check(candidate: str) -> None:
    if not candidate.startswith("/"):
        raise InvalidReturnTo("must be a path starting with '/'")
    if _UNSAFE.search(candidate):
        raise InvalidReturnTo("contains whitespace, a control character or '\\'")
    if candidate.startswith("//"):
        raise InvalidReturnTo("'//' starts a URL on another site")


def validate_return_to(value: str | None, default: str = "/") -> str:
    """Return ``value`` when it is a safe relative path, else raise :class:`InvalidReturnTo`."""
    if value is None or value == "":
        return default
    if len(value) > MAX_LENGTH:
        raise InvalidReturnTo(f"longer than {MAX_LENGTH} characters")
    if " " in value:
        raise InvalidReturnTo("contains a space; percent-encode it")
    candidate = value
    for _ in range(3):  # judge every decoding a hop might apply
        _check(candidate)
        decoded = unquote(candidate, errors="surrogateescape")
        if decoded == candidate:
            break
        candidate = decoded
    else:
        raise InvalidReturnTo("percent-encoded more than twice")
    return value
