"""What makes a recording deterministic, for :mod:`sambastudio.testing`.

A cassette re-recorded without changes must come out byte for byte the same, and a replay
must send exactly the requests that were recorded. So nothing may depend on wall time or
chance:

- the emulator's clock is frozen (``speed=0``) at a fixed :data:`EPOCH`, with a fixed seed
  and access key (its ids, keys and timestamps follow);
- waiters run on an :class:`InstantClock`: sleeping moves the emulator's time at once, so
  polls happen in the same order in the recording and in every replay, and nobody waits;
- endpoint API keys the client draws at random need no pinning: the scrubber names a key
  the client sends by its rank (``<api-key:sent-1>``), not by its value, so a replay's new
  random key matches the recorded one. Multipart boundaries, chosen at random by the
  client too, are rewritten to :data:`MULTIPART_BOUNDARY` by the scrubber, on recording
  and before matching.

The emulator is imported only inside :func:`deterministic_emulator`: this module is loaded
with the pytest plugin, in test runs that may not have the ``emulator`` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

if TYPE_CHECKING:
    from sambastudio.emulator import Emulator

EPOCH: Final = 1_735_689_600.0
"""2025-01-01T00:00:00Z: where a recording emulator's time starts."""

EMULATOR_SEED: Final = 0
EMULATOR_ACCESS_KEY: Final = "sambastudio-testing-access-key"
"""The recording emulator admin's key: fixed, public, and scrubbed from cassettes anyway."""

EMULATOR_EXTRA_MISSING: Final = (
    "the SambaStudio emulator needs its optional dependencies (FastAPI, uvicorn): "
    "pip install 'sambastudio[emulator]'"
)

TargetKind = Literal["emulator", "live", "replay"]
Flavor = Literal["current", "legacy"]


@attrs.frozen
class Target:
    """What a test's clients talk to (the ``sambastudio_target`` fixture).

    ``kind`` is ``emulator`` (recording, or a test without cassette), ``replay`` (the
    cassette answers; ``url`` and ``access_key`` are the placeholders the cassette holds)
    or ``live`` (a real SambaStudio). ``emulator`` is set for the first only.
    """

    kind: TargetKind
    url: str
    access_key: str = attrs.field(repr=False)
    flavor: Flavor
    tenant: str | None = None
    emulator: Emulator | None = None


class InstantClock:
    """A waiter's clock that never sleeps: ``sleep`` moves its time, and the emulator's.

    Pass it as ``Client(clock=...)``; without an emulator (a replay) it only counts.
    """

    def __init__(self, emulated: Any | None = None) -> None:
        self.time = 0.0
        self._emulated = emulated

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds
        if self._emulated is not None:
            self._emulated.advance(seconds)


@contextmanager
def deterministic_emulator(**options: Any) -> Iterator[Emulator]:
    """A running emulator whose clock stands still at :data:`EPOCH` until advanced, with a
    fixed seed and access key, unless ``options`` (``Emulator``'s keyword arguments) say
    otherwise."""
    try:
        from sambastudio.emulator import Emulator
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError(EMULATOR_EXTRA_MISSING) from exc
    settings = {
        "seed": EMULATOR_SEED,
        "access_key": EMULATOR_ACCESS_KEY,
        "speed": 0,
        "epoch": EPOCH,
        **options,
    }
    with Emulator(**settings) as emulator:
        yield emulator


@contextmanager
def pinned_randomness() -> Iterator[None]:
    """Kept for test suites written against earlier releases; it has nothing left to pin.

    Multipart boundaries are rewritten by the cassette scrubber (``MULTIPART_BOUNDARY``), and
    endpoint API keys need no pinning (see the module's docstring).
    """
    yield
