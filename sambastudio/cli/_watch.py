"""Progress bars the CLI draws on a terminal, which vanish when done, leaving one line.

:class:`WaitProgress` follows a wait (a job running, an endpoint deploying): the
``completion_percentage`` when the resource reports one, and its status beside it.
:class:`TransferProgress` follows an upload or a download. Without a terminal there is no
bar: the outcome line says it all.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from tqdm import tqdm
from typing_extensions import Self

from sambastudio.transfers.progress import TransferProgress as Transferred
from sambastudio.transfers.progress import make_bar


class _Bar:
    """A bar that is cleared on exit (``leave`` off), for use in a ``with`` block."""

    _bar: tqdm[Any] | None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.leave = False
            self._bar.close()


class WaitProgress(_Bar):
    """A waiter's ``on_progress`` callback."""

    def __init__(self, desc: str, *, percent: bool) -> None:
        self._percent = percent
        self._bar = make_bar(100 if percent else None, desc=desc, unit="%" if percent else "poll")

    def __call__(self, resource: Any) -> None:
        if self._bar is None:
            return
        if self._percent:
            done = getattr(resource, "completion_percentage", None)
            if isinstance(done, (int, float)):
                self._bar.n = min(100, int(done))
        else:
            self._bar.update(1)
        self._bar.set_postfix_str(str(resource.status), refresh=True)


class TransferProgress(_Bar):
    """A transfer's ``on_progress`` callback (pass ``progress_bar=False`` beside it)."""

    def __init__(self, desc: str) -> None:
        self._bar = make_bar(None, desc=desc)

    def __call__(self, report: Transferred) -> None:
        if self._bar is None:
            return
        self._bar.total = report.total
        self._bar.n = report.done
        self._bar.refresh()
