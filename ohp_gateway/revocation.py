"""Revoked IdP session ids (``sid``), checked on every request.

In memory by default; Redis when several gateway instances must agree (back-channel logout
reaches one instance, every instance must forget the session).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .clock import Clock

if TYPE_CHECKING:
    import redis

__all__ = ["MemoryRevocationStore", "RedisRevocationStore", "RevocationStore", "open_store"]


class RevocationStore(Protocol):
    def revoke(self, sid: str, ttl: float) -> None:
        """Remember ``sid`` as revoked for ``ttl`` seconds (the longest a session can live)."""

    def is_revoked(self, sid: str) -> bool: ...


class MemoryRevocationStore:
    """A dict of sid -> expiry, pruned as it grows. One process only."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def revoke(self, sid: str, ttl: float) -> None:
        now = self._clock.now()
        if len(self._until) > 10_000:
            self._until = {s: t for s, t in self._until.items() if t > now}
        self._until[sid] = now + ttl

    def is_revoked(self, sid: str) -> bool:
        until = self._until.get(sid)
        return until is not None and until > self._clock.now()


class RedisRevocationStore:
    """Keys ``ohp:revoked:<sid>`` with a TTL, shared by every gateway instance."""

    def __init__(self, url: str, prefix: str = "ohp:revoked:") -> None:
        import redis as redis_lib  # the 'redis' extra

        self._redis: redis.Redis = redis_lib.Redis.from_url(url)
        self._prefix = prefix

    def revoke(self, sid: str, ttl: float) -> None:
        self._redis.set(self._prefix + sid, b"1", ex=max(1, int(ttl + 1)))

    def is_revoked(self, sid: str) -> bool:
        # Fail closed: a Redis outage raises, and the engine treats that as no session.
        return bool(self._redis.exists(self._prefix + sid))


def open_store(spec: str, clock: Clock) -> RevocationStore:
    """``memory`` or a ``redis://`` URL."""
    if spec == "memory":
        return MemoryRevocationStore(clock)
    return RedisRevocationStore(spec)
