"""A wait's progress: how far a job, an endpoint or an import has come, poll after poll.

:class:`Reader` turns a polled resource into a :class:`Reading` (percent done, status, step,
latest training loss); :class:`WaitBar` draws readings where a bar fits
(``sambastudio._bars``) and passes each resource on to the caller's ``on_progress``. The CLI's
``job watch`` prints the same readings as lines when no bar fits, so a terminal and a log
say the same thing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from sambastudio._bars import make_bar
from sambastudio._closing import Closing
from sambastudio._waiting import ProgressCallback
from sambastudio.errors import SambaStudioError

if TYPE_CHECKING:
    from tqdm.std import tqdm

R = TypeVar("R")

logger = logging.getLogger("sambastudio")

LossOf = Callable[[R], "float | None"]
"""Fetches a resource's latest training loss (a request: called only when the step moves)."""


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def percent_done(resource: object) -> float | None:
    """``completion_percentage`` (jobs), ``progress`` (imports, exports), else steps/total."""
    for name in ("completion_percentage", "progress"):
        value = _number(getattr(resource, name, None))
        if value is not None:
            return max(0.0, min(100.0, value))
    steps = _number(getattr(resource, "steps", None))
    total = _number(getattr(resource, "total_steps", None))
    if steps is not None and total:
        return max(0.0, min(100.0, 100 * steps / total))
    return None


@attrs.frozen
class Reading:
    """What one poll said: every part is ``None`` when the resource does not report it."""

    status: str | None
    percent: float | None = None
    steps: int | None = None
    total_steps: int | None = None
    loss: float | None = None

    def facts(self) -> list[str]:
        """``["TRAINING", "step 4/10", "loss 1.2346"]``: what a bar shows beside itself."""
        found = [self.status or "unknown"]
        if self.steps is not None:
            total = "?" if self.total_steps is None else str(self.total_steps)
            found.append(f"step {self.steps}/{total}")
        if self.loss is not None:
            found.append(f"loss {self.loss:.4g}")
        return found

    def line(self) -> str:
        """One line for a log: ``TRAINING 40% step 4/10 loss 1.2346``."""
        facts = self.facts()
        if self.percent is not None:
            facts.insert(1, f"{self.percent:.0f}%")
        return " ".join(facts)


class Reader(Generic[R]):
    """Readings of one resource over a wait; the loss is fetched again only when the step
    moves, and a failure to fetch it never ends the wait (the loss is a nicety)."""

    def __init__(self, loss: LossOf[R] | None = None) -> None:
        self._loss = loss
        self._loss_step: int | None = None
        self._last_loss: float | None = None

    def read(self, resource: R) -> Reading:
        steps = getattr(resource, "steps", None)
        steps = steps if isinstance(steps, int) else None
        total = getattr(resource, "total_steps", None)
        return Reading(
            status=getattr(resource, "status", None),
            percent=percent_done(resource),
            steps=steps,
            total_steps=total if isinstance(total, int) else None,
            loss=self._latest_loss(resource, steps),
        )

    def _latest_loss(self, resource: R, steps: int | None) -> float | None:
        if self._loss is None or not steps or steps == self._loss_step:
            return self._last_loss
        try:
            self._last_loss = self._loss(resource)
        except SambaStudioError as error:
            logger.info("could not read the training loss, waiting on: %s", error)
            return self._last_loss
        self._loss_step = steps
        return self._last_loss


class WaitBar(Closing, Generic[R]):
    """A bar for one wait, used as ``with WaitBar(...) as bar: wait(on_progress=bar.follow(cb))``.

    With ``percent`` the bar runs 0-100 from :func:`percent_done`; without, it shows the time
    waited and the status. ``enabled`` is the caller's ``progress_bar`` (``None``: automatic).
    """

    def __init__(
        self,
        desc: str,
        *,
        enabled: bool | None,
        percent: bool,
        loss: LossOf[R] | None = None,
    ) -> None:
        self._bar: tqdm[Any] | None = make_bar(
            100 if percent else None,
            desc=desc,
            unit="%",
            enabled=enabled,
            bar_format=(
                "{l_bar}{bar}| [{elapsed}<{remaining}{postfix}]"
                if percent
                else "{desc}: [{elapsed}{postfix}]"
            ),
        )
        self._reader: Reader[R] = Reader(loss if self._bar is not None else None)

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def follow(self, on_progress: ProgressCallback[R] | None) -> ProgressCallback[R]:
        """The waiter's callback: update the bar, then call ``on_progress`` if given."""

        def callback(resource: R) -> None:
            self.update(resource)
            if on_progress is not None:
                on_progress(resource)

        return callback

    def update(self, resource: R) -> None:
        if self._bar is None:
            return
        reading = self._reader.read(resource)
        self._bar.set_postfix_str(" · ".join(reading.facts()), refresh=False)
        if reading.percent is not None and self._bar.total is not None:
            self._bar.n = reading.percent
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
