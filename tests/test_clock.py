from __future__ import annotations

import time

import pytest

from ohp_gateway.clock import FakeClock, SystemClock


def test_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(start=100)
    assert clock.now() == 100.0
    assert clock.advance(30) == 130.0 and clock.now() == 130.0


def test_fake_clock_refuses_to_go_back() -> None:
    with pytest.raises(ValueError, match="seconds"):
        FakeClock().advance(-1)


def test_system_clock_is_the_wall_clock() -> None:
    assert abs(SystemClock().now() - time.time()) < 5
