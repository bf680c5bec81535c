"""Clocks. Nothing below the adapters reads the wall clock directly: it asks a clock."""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    """Anything with ``now() -> float`` (unix seconds)."""

    def now(self) -> float: ...


class SystemClock:
    """The wall clock."""

    __slots__ = ()

    def now(self) -> float:
        return time.time()

    def __repr__(self) -> str:
        return "SystemClock()"


class FakeClock:
    """A clock that only moves when told to, so expiry is tested without sleeping."""

    __slots__ = ("_now",)

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError(f"seconds: {seconds!r} is negative; a clock does not go back")
        self._now += seconds
        return self._now

    def set(self, now: float) -> None:
        """Jump to ``now`` (unix seconds), e.g. to simulate a skewed peer."""
        self._now = float(now)

    def __repr__(self) -> str:
        return f"FakeClock(start={self._now!r})"
