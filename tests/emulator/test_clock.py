"""The emulated clock and the timestamp styles of the three API generations."""

from __future__ import annotations

import time

import pytest

from sambastudio.emulator._clock import Clock, go_utc, iso, iso_nanos


def test_advance_moves_time_forward_only() -> None:
    anchors: list[tuple[float, float]] = []
    clock = Clock(on_anchor=anchors.append)
    before = clock.now()
    after = clock.advance(3600)
    assert after - before >= 3600
    assert clock.now() >= after
    assert len(anchors) == 1
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_speed_scales_real_time() -> None:
    clock = Clock(speed=1000)
    start = clock.now()
    time.sleep(0.01)
    assert clock.now() - start >= 10
    with pytest.raises(ValueError, match="positive"):
        Clock(speed=0)


def test_a_saved_anchor_keeps_time_running_across_restarts() -> None:
    first = Clock()
    first.advance(10_000)
    second = Clock(anchor=first.anchor())
    assert second.now() >= first.now() - 1


def test_timestamp_styles() -> None:
    t = 1721056942.108261
    assert iso(t) == "2024-07-15T15:22:22.108261+00:00"
    assert iso_nanos(t) == "2024-07-15T15:22:22.108261000Z"
    assert go_utc(t) == "2024-07-15 15:22:22.108261 +0000 UTC"
