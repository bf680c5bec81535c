"""One exception root. Errors carry data and an HTTP status hint, as h11's do.

A caller who only asks "is there a session?" catches :class:`InvalidSession`; one who wants to
say *why* (e.g. "your session expired after 30 minutes of inactivity") catches the subclass.
"""

from __future__ import annotations

__all__ = [
    "AbsoluteExpired",
    "ConfigError",
    "CookieTooLarge",
    "ForeignSession",
    "GatewayError",
    "IdleExpired",
    "InvalidSession",
    "MalformedSession",
    "RevokedSession",
    "TamperedSession",
]


class GatewayError(Exception):
    """Root of every error ohp_gateway raises on purpose."""

    status_hint: int = 500


class ConfigError(GatewayError, ValueError):
    """Invalid configuration; ``key`` names the offending key (``rules[2].path``)."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}")


class CookieTooLarge(GatewayError):
    """The sealed session would not fit a browser cookie (4,096 bytes)."""

    def __init__(self, size: int, limit: int, claim_sizes: dict[str, int]) -> None:
        self.size = size
        self.limit = limit
        self.claim_sizes = claim_sizes
        biggest = ", ".join(
            f"{name}={n}" for name, n in sorted(claim_sizes.items(), key=lambda kv: -kv[1])
        )
        super().__init__(
            f"sealed session cookie is {size} bytes, over the {limit}-byte limit; "
            f"claim sizes in bytes: {biggest}. Map fewer roles or Tax IDs into the session."
        )


class InvalidSession(GatewayError):
    """No usable session. Always handled as anonymous, never as a server error."""

    status_hint = 401
    reason = "invalid"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"{self.reason}: {detail}" if detail else self.reason)


class MalformedSession(InvalidSession):
    """Not a cookie this gateway could have written (format, encoding, claim shape)."""

    reason = "malformed"


class TamperedSession(InvalidSession):
    """Authentication failed: altered, or sealed for another ``site_id`` under a shared key."""

    reason = "tampered"


class ForeignSession(InvalidSession):
    """Sealed under a key id this gateway does not hold (another site, or a retired key)."""

    reason = "foreign"

    def __init__(self, kid: str) -> None:
        self.kid = kid
        super().__init__(f"unknown key id {kid!r}")


class IdleExpired(InvalidSession):
    """Unused for longer than ``idle_timeout`` (automatic logoff)."""

    reason = "idle-expired"

    def __init__(self, last_seen: float, idle_timeout: float, now: float) -> None:
        self.last_seen = last_seen
        self.idle_timeout = idle_timeout
        self.now = now
        super().__init__(f"idle {now - last_seen:.0f}s > {idle_timeout:.0f}s")


class AbsoluteExpired(InvalidSession):
    """Older than ``absolute_timeout`` since sign-in, however active."""

    reason = "absolute-expired"

    def __init__(self, auth_time: float, absolute_timeout: float, now: float) -> None:
        self.auth_time = auth_time
        self.absolute_timeout = absolute_timeout
        self.now = now
        super().__init__(f"signed in {now - auth_time:.0f}s ago > {absolute_timeout:.0f}s")


class RevokedSession(InvalidSession):
    """The identity provider ended this session (logout or termination)."""

    reason = "revoked"

    def __init__(self, sid: str) -> None:
        self.sid = sid
        super().__init__("session id revoked")
