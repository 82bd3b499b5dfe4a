"""Progress for long transfers: a bar where one fits (``sambastudio._bars``: a terminal, a
notebook, or nowhere) and a callback for programs, which pass ``on_progress`` instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

import attrs

from sambastudio._bars import DISABLE_ENV, bars_enabled, make_bar
from sambastudio._closing import Closing

__all__ = [
    "DISABLE_ENV",
    "ProgressCallback",
    "ProgressReporter",
    "TransferProgress",
    "bars_enabled",
    "make_bar",
]


@attrs.frozen
class TransferProgress:
    """One progress report: ``done`` of ``total`` units (bytes for transfers)."""

    done: int
    total: int | None
    item: str = ""
    """What moved last: a file's path inside the dataset, or a download's file name."""

    @property
    def fraction(self) -> float | None:
        """``done / total``, or ``None`` when the total is unknown (no Content-Length)."""
        if not self.total:
            return None
        return self.done / self.total


ProgressCallback = Callable[[TransferProgress], None]
"""Called from worker threads after each part or chunk; keep it quick."""


class ProgressReporter(Closing):
    """Counts units done, from any thread, and feeds both the bar and the callback.

    Work is counted by key (a part of a file, say) at most once: a part sent again after a
    checksum mismatch or a server that lost it does not push the count past the total.
    """

    def __init__(
        self,
        total: int | None,
        *,
        desc: str,
        on_progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
        initial: int = 0,
    ) -> None:
        self.total = total
        self.done = initial
        self._on_progress = on_progress
        self._bar = make_bar(total, desc=desc, initial=initial, enabled=progress_bar)
        self._counted: set[Hashable] = set()
        self._lock = threading.Lock()

    def advance(self, amount: int, *, item: str = "", key: Hashable | None = None) -> None:
        """Count ``amount`` more units; with ``key``, only the first time that key is seen."""
        with self._lock:
            if key is not None:
                if key in self._counted:
                    return
                self._counted.add(key)
            self.done += amount
            if self._bar is not None:
                self._bar.update(amount)
            if self._on_progress is not None:
                self._on_progress(TransferProgress(self.done, self.total, item))

    def restart(self, total: int | None) -> None:
        """Count from zero again, of a new ``total``: the work started over (a download the
        server sent again from its first byte)."""
        with self._lock:
            self.total = total
            self.done = 0
            if self._bar is not None:
                self._bar.reset(total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
