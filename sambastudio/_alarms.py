"""Alarms: callbacks run at a deadline, unless cancelled first, all on one thread.

The transport cuts a response still arriving at its deadline (``_watchdog.Watchdog``).
A ``threading.Timer`` per request did it, and starting and stopping that thread cost about
0.3 ms of CPU per call, a third of a whole ``projects.get`` (docs/performance.md). Here one
daemon thread sleeps until the earliest deadline: setting an alarm is a heap push, and wakes
the thread only when the new deadline comes before every other (calls with the same
timeout never do); cancelling one only marks it.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Final

_LOGGER: Final = logging.getLogger("sambastudio")

_COMPACT_AT: Final = 1024
"""Cancelled alarms stay in the heap until their deadline; past this many entries the heap
is rebuilt without them, so a program making many calls does not hold them all."""


class Alarm:
    """One pending callback; :meth:`cancel` drops it (and what it refers to) at once."""

    __slots__ = ("at", "callback")

    def __init__(self, at: float, callback: Callable[[], None]) -> None:
        self.at = at
        self.callback: Callable[[], None] | None = callback

    def cancel(self) -> None:
        self.callback = None


class Alarms:
    """The alarms of a process, run by one thread started on the first :meth:`set`."""

    def __init__(self) -> None:
        self._forget()
        if hasattr(os, "register_at_fork"):  # POSIX
            os.register_at_fork(after_in_child=functools.partial(_forget, weakref.ref(self)))

    def _forget(self) -> None:
        """Start empty: also in a forked child, where the parent's thread is gone, its
        alarms are not the child's to run, and its condition still lists the parent's
        thread as waiting (a notify would wake that one, not the child's)."""
        self._wake = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Alarm]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._compact_at = _COMPACT_AT

    def set(self, delay: float, callback: Callable[[], None]) -> Alarm:
        """Run ``callback`` on the alarms' thread in ``delay`` seconds, unless cancelled."""
        alarm = Alarm(time.monotonic() + delay, callback)
        with self._wake:
            if len(self._heap) >= self._compact_at:
                self._heap = [entry for entry in self._heap if entry[2].callback is not None]
                heapq.heapify(self._heap)
                self._compact_at = max(_COMPACT_AT, 2 * len(self._heap))
            heapq.heappush(self._heap, (alarm.at, next(self._order), alarm))
            if self._thread is None or not self._thread.is_alive():  # first use, or it died
                self._thread = threading.Thread(
                    target=self._run, name="sambastudio-alarms", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is alarm:
                self._wake.notify()
        return alarm

    def _run(self) -> None:
        while True:
            with self._wake:
                while True:
                    while self._heap and self._heap[0][2].callback is None:
                        heapq.heappop(self._heap)
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    if wait is not None and wait <= 0:
                        callback = heapq.heappop(self._heap)[2].callback
                        break
                    self._wake.wait(wait)
            if callback is not None:
                try:
                    callback()
                except Exception:  # one failing alarm must not stop the others
                    _LOGGER.exception("an alarm's callback failed")


def _forget(alarms: weakref.ReferenceType[Alarms]) -> None:
    found = alarms()
    if found is not None:
        found._forget()


ALARMS: Final = Alarms()
