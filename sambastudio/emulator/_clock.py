"""The emulator's clock: wall time, sped up by ``--speed`` and moved on by tests.

Every state machine of the emulator reads this clock instead of running a thread, so a job's
status is a function of its timestamps and :meth:`Clock.now`, which makes the emulator
deterministic under test: advance the clock, then read. At speed 0 it is frozen: time moves
only by :meth:`Clock.advance`, so two runs give the same timestamps (recorded tests need it).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone

Anchor = tuple[float, float]
"""``(emulated, real)``: the emulated epoch seconds at a real epoch second."""


def parse_epoch(value: float | str) -> float:
    """Epoch seconds from seconds or an ISO-8601 string (``2025-01-01T00:00:00Z``); a string
    without an offset is UTC, so the same flag gives the same time on every machine."""
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(
                f"epoch must be epoch seconds or an ISO-8601 time, not {value!r}"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        seconds = moment.timestamp()
    if not math.isfinite(seconds):
        raise ValueError(f"epoch must be a finite time, not {value!r}")
    return seconds


class Clock:
    """Emulated epoch seconds: ``emulated + (time.time() - real) * speed`` from an anchor.

    A new clock starts at ``epoch`` (default: now); speed 0 freezes it between advances.
    The anchor moves on :meth:`advance`; ``on_anchor`` is told so that a persistent emulator
    can store it and keep its time running across a restart, as a real cluster's does.
    """

    def __init__(
        self,
        speed: float = 1.0,
        *,
        epoch: float | None = None,
        anchor: Anchor | None = None,
        on_anchor: Callable[[Anchor], None] | None = None,
    ) -> None:
        if speed < 0:
            raise ValueError(f"speed must be 0 (frozen) or positive, not {speed}")
        self.speed = speed
        self._lock = threading.Lock()
        real = time.time()
        start = epoch if epoch is not None else real
        self._anchor: Anchor = anchor if anchor is not None else (start, real)
        self._on_anchor = on_anchor

    def now(self) -> float:
        """The emulated time, in epoch seconds."""
        with self._lock:
            emulated, real = self._anchor
        return emulated + (time.time() - real) * self.speed

    def advance(self, seconds: float) -> float:
        """Move the emulated time forward (never back) and return the new time."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward, not by {seconds}")
        with self._lock:
            real = time.time()
            emulated = self._anchor[0] + (real - self._anchor[1]) * self.speed + seconds
            self._anchor = (emulated, real)
        if self._on_anchor is not None:
            self._on_anchor(self._anchor)
        return emulated

    def anchor(self) -> Anchor:
        """The current anchor, re-based at this instant."""
        now = self.now()
        return (now, time.time())


def iso(t: float) -> str:
    """``2024-07-15T15:22:22.108261+00:00``: the projects API's timestamps."""
    return datetime.fromtimestamp(t, timezone.utc).isoformat()


def iso_nanos(t: float) -> str:
    """``2024-12-18T19:42:46.059862000Z``: the jobs API's timestamps."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


def go_utc(t: float) -> str:
    """``2024-07-17 16:47:09.839709 +0000 UTC``: the endpoints API's timestamps."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f +0000 UTC")
