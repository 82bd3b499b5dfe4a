"""Test doubles shared by the object-model tests: a clock that never really sleeps."""

from __future__ import annotations

from typing import Protocol


class Advances(Protocol):
    def advance(self, seconds: float) -> float: ...


class FakeClock:
    """A waiter's clock: ``sleep`` moves time (and the emulator's clock, if given) at once."""

    def __init__(self, emulated: Advances | None = None) -> None:
        self.time = 0.0
        self.sleeps: list[float] = []
        self._emulated = emulated

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds
        if self._emulated is not None:
            self._emulated.advance(seconds)
