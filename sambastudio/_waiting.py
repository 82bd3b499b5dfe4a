"""Waiting for long-running work: poll with backoff until a status says done or failed.

Which statuses end a wait is data (:class:`Acceptors`, after botocore's waiter acceptors),
so each resource declares its states and shares one polling loop. The loop has no hidden
cap (``timeout=None`` waits as long as the caller chose; databricks-sdk-py#518), backs off
from 5 s to 60 s by default (boto3#651: polls too slow or too fast both hurt), rides out
transient errors, and reads time through an injectable :class:`Clock` so tests never sleep.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar

import attrs

from sambastudio.errors import (
    APIConnectionError,
    InternalServerError,
    InvalidArgumentError,
    RateLimitError,
    WaitTimeout,
)

R = TypeVar("R")

logger = logging.getLogger("sambastudio")

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    APIConnectionError,
    RateLimitError,
    InternalServerError,
)
"""Errors a poll survives: the next poll may well succeed (network, 429, 5xx)."""

ProgressCallback = Callable[[R], object]
"""Called with the refreshed resource after every successful poll."""


class Clock(Protocol):
    """Where a waiter reads the time and how it sleeps; tests inject a fake one."""

    def now(self) -> float:
        """Seconds on a monotonic scale."""
        ...

    def sleep(self, seconds: float) -> None: ...


@attrs.frozen
class SystemClock:
    """Real time: ``time.monotonic`` and ``time.sleep``."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK: Clock = SystemClock()


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise InvalidArgumentError(attribute.name, f"{attribute.name} must be positive")


@attrs.frozen
class Backoff:
    """Poll intervals: ``poll_interval``, times ``multiplier`` up to ``max_poll_interval``.

    The field names are the ``wait...`` arguments, so a bad value's error names the
    argument the caller passed.
    """

    poll_interval: float = attrs.field(default=5.0, validator=_positive)
    max_poll_interval: float = attrs.field(default=60.0, validator=_positive)
    multiplier: float = attrs.field(default=1.5, validator=_positive)

    def __attrs_post_init__(self) -> None:
        if self.max_poll_interval < self.poll_interval:
            raise InvalidArgumentError(
                "max_poll_interval", "max_poll_interval must not be below poll_interval"
            )

    def intervals(self) -> Iterator[float]:
        interval = self.poll_interval
        while True:
            yield interval
            interval = min(interval * self.multiplier, self.max_poll_interval)


@attrs.frozen
class Acceptors(Generic[R]):
    """The statuses that end a wait, and the exception a failure status raises.

    Any other status, including one this SDK has never seen, means "keep waiting".
    """

    success: frozenset[str]
    failure: frozenset[str]
    error: Callable[[R, str], Exception]
    """Builds the exception for a failure: ``(resource, the server's message)``."""
    capacity: frozenset[str] = frozenset()
    """Statuses that mean "waiting for the tenant's RDUs": a timeout in one says so."""


@attrs.frozen
class Waiter(Generic[R]):
    """One wait: poll ``poll()`` until ``status(resource)`` meets an acceptor or time is up.

    ``timeout`` is in seconds; ``None`` means no limit. ``message`` extracts the server's
    explanation from a failed resource.
    """

    subject: R
    poll: Callable[[], R]
    status: Callable[[R], str | None]
    message: Callable[[R], str]
    acceptors: Acceptors[R]
    timeout: float | None = None
    backoff: Backoff = Backoff()
    on_progress: ProgressCallback[R] | None = None
    clock: Clock = SYSTEM_CLOCK

    def __attrs_post_init__(self) -> None:
        if self.timeout is not None and self.timeout < 0:
            raise InvalidArgumentError("timeout", "timeout must be >= 0 seconds, or None")

    def wait(self) -> R:
        """The resource in a success state; raises the acceptors' error or ``WaitTimeout``."""
        start = self.clock.now()
        intervals = self.backoff.intervals()
        last = self.subject
        last_status = self.status(last)
        while True:
            try:
                last = self.poll()
            except TRANSIENT_ERRORS as error:
                logger.info("transient error while waiting, polling on: %s", error)
                failure: Exception | None = error
            else:
                failure = None
                status = self.status(last)
                if status != last_status:
                    logger.debug("%r is now %s", last, status)
                last_status = status
                if self.on_progress is not None:
                    self.on_progress(last)
                if status in self.acceptors.success:
                    return last
                if status in self.acceptors.failure:
                    raise self.acceptors.error(last, self.message(last))
            delay = next(intervals)
            if self.timeout is not None:
                remaining = self.timeout - (self.clock.now() - start)
                if remaining <= 0:
                    raise WaitTimeout(
                        last,
                        self.timeout,
                        last_status,
                        waiting_for_capacity=last_status in self.acceptors.capacity,
                    ) from failure
                delay = min(delay, remaining)
            self.clock.sleep(delay)
