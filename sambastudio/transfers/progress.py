"""Progress for long transfers (and waits): a TTY-aware tqdm bar and a callback for programs.

Bars go to stderr only when it is a terminal: in CI logs and pipes a bar is noise that can
even block the program on log back-pressure (huggingface_hub#978, PR#2000). They are off
everywhere with ``SAMBASTUDIO_DISABLE_PROGRESS_BARS=1``; an explicit ``progress_bar=True``
or ``False`` from the caller wins over both. Programs pass ``on_progress`` instead.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Hashable
from types import TracebackType
from typing import Any, TextIO

import attrs
from tqdm import tqdm

DISABLE_ENV = "SAMBASTUDIO_DISABLE_PROGRESS_BARS"


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


def bars_enabled(stream: TextIO | None = None) -> bool:
    """Whether an automatic bar should show: stderr is a terminal and bars are not disabled."""
    if os.environ.get(DISABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def make_bar(
    total: int | None,
    *,
    desc: str,
    unit: str = "B",
    initial: int = 0,
    enabled: bool | None = None,
) -> tqdm[Any] | None:
    """A tqdm bar on stderr (bytes shown as KiB/MiB with rate and ETA), or ``None`` when off."""
    if not (bars_enabled() if enabled is None else enabled):
        return None
    is_bytes = unit == "B"
    return tqdm(
        total=total,
        initial=initial,
        desc=desc,
        unit=unit,
        unit_scale=is_bytes,
        unit_divisor=1024 if is_bytes else 1000,
        file=sys.stderr,
        dynamic_ncols=True,
    )


class ProgressReporter:
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

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
