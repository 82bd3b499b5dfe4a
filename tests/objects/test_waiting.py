"""The polling loop: acceptors, backoff, timeout, progress and transient errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs
import pytest

from sambastudio._waiting import Acceptors, Backoff, SystemClock, Waiter
from sambastudio.errors import (
    APIConnectionError,
    InternalServerError,
    InvalidArgumentError,
    JobFailed,
    NotFoundError,
    RateLimitError,
    WaitTimeout,
)
from tests.objects.fakes import FakeClock


@attrs.define
class Thing:
    name: str
    status: str
    message: str = ""


ACCEPTORS: Acceptors[Thing] = Acceptors(
    success=frozenset({"DONE"}), failure=frozenset({"BROKEN"}), error=JobFailed
)


def waiter(outcomes: Sequence[str | Exception], clock: FakeClock, **options: Any) -> Waiter[Thing]:
    """A waiter over ``outcomes``; bounded (an hour of ``clock``) unless the test says otherwise."""
    options.setdefault("timeout", 3600)
    steps: Iterator[str | Exception] = iter(outcomes)

    def poll() -> Thing:
        step = next(steps)
        if isinstance(step, Exception):
            raise step
        return Thing("t", step, message=f"server says {step}")

    return Waiter(
        subject=Thing("t", "NEW"),
        poll=poll,
        status=lambda thing: thing.status,
        message=lambda thing: thing.message,
        clock=clock,
        **{"acceptors": ACCEPTORS, **options},
    )


def test_success_returns_the_last_poll_and_reports_each_one() -> None:
    clock, seen = FakeClock(), []
    done = waiter(["A", "B", "DONE"], clock, on_progress=lambda t: seen.append(t.status)).wait()
    assert done.status == "DONE"
    assert seen == ["A", "B", "DONE"]


def test_backoff_rises_by_half_up_to_the_maximum() -> None:
    clock = FakeClock()
    waiter(["X"] * 9 + ["DONE"], clock).wait()
    assert clock.sleeps == [5, 7.5, 11.25, 16.875, 25.3125, 37.96875, 56.953125, 60, 60]


def test_a_custom_interval() -> None:
    clock = FakeClock()
    waiter(["X", "X", "DONE"], clock, backoff=Backoff(1, 1)).wait()
    assert clock.sleeps == [1, 1]


def test_failure_raises_with_the_resource_and_the_server_message() -> None:
    with pytest.raises(JobFailed) as caught:
        waiter(["A", "BROKEN"], FakeClock()).wait()
    assert caught.value.server_message == "server says BROKEN"
    assert isinstance(caught.value.resource, Thing)
    assert "BROKEN" in str(caught.value)


def test_timeout_says_how_long_and_the_last_status() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout) as caught:
        waiter(["A"] * 100, clock, timeout=20).wait()
    assert caught.value.seconds == 20
    assert caught.value.last_status == "A"
    assert clock.time == 20  # the last sleep is cut to the deadline
    assert "20 s" in str(caught.value)


def test_the_deadline_counts_from_when_the_wait_began() -> None:
    clock = FakeClock()
    clock.time = 1000.0  # a monotonic clock starts anywhere
    with pytest.raises(WaitTimeout):
        waiter(["A"] * 100, clock, timeout=20).wait()
    assert clock.sleeps == [5, 7.5, 7.5]  # the third sleep is cut to the deadline


def test_a_deadline_less_than_a_second_away_is_still_waited_for() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        waiter(["A"] * 100, clock, timeout=5.5, backoff=Backoff(5, 5)).wait()
    assert clock.sleeps == [5, 0.5]


def test_no_timeout_means_no_limit() -> None:
    clock = FakeClock()
    waiter(["A"] * 200 + ["DONE"], clock, timeout=None).wait()
    assert clock.time > 3 * 3600


def test_zero_timeout_polls_once() -> None:
    assert waiter(["DONE"], FakeClock(), timeout=0).wait().status == "DONE"
    with pytest.raises(WaitTimeout):
        waiter(["A"], FakeClock(), timeout=0).wait()


@pytest.mark.parametrize(
    "error",
    [
        APIConnectionError("reset", method="GET", path="/x"),
        RateLimitError("slow down", status_code=429),
        InternalServerError("oops", status_code=503),
    ],
)
def test_transient_errors_are_ridden_out(error: Exception) -> None:
    assert waiter([error, "A", error, "DONE"], FakeClock()).wait().status == "DONE"


def test_a_transient_error_at_the_deadline_becomes_the_timeouts_cause() -> None:
    error = InternalServerError("down", status_code=502)
    with pytest.raises(WaitTimeout) as caught:
        waiter(["A"] + [error] * 50, FakeClock(), timeout=30).wait()
    assert caught.value.last_status == "A"
    assert caught.value.__cause__ is error


def test_a_deadline_before_any_answer_reports_the_status_the_wait_began_with() -> None:
    error = APIConnectionError("reset", method="GET", path="/x")
    with pytest.raises(WaitTimeout) as caught:
        waiter([error] * 50, FakeClock(), timeout=30).wait()
    assert (caught.value.resource, caught.value.last_status) == (Thing("t", "NEW"), "NEW")
    assert caught.value.__cause__ is error


def test_status_changes_and_transient_errors_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    error = InternalServerError("down for a moment", status_code=503)
    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        waiter(["A", "A", error, "DONE"], FakeClock()).wait()
    # one line per change of status (not per poll), one per error ridden out
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.DEBUG, f"{Thing('t', 'A', 'server says A')!r} is now A"),
        (logging.INFO, "transient error while waiting, polling on: down for a moment"),
        (logging.DEBUG, f"{Thing('t', 'DONE', 'server says DONE')!r} is now DONE"),
    ]


def test_the_system_clock_sleeps_for_real() -> None:
    clock = SystemClock()
    before = clock.now()
    clock.sleep(0.01)
    assert clock.now() - before >= 0.01


def test_other_errors_propagate() -> None:
    with pytest.raises(NotFoundError):
        waiter([NotFoundError("gone", status_code=404)], FakeClock()).wait()


def test_an_unknown_status_keeps_waiting() -> None:
    assert waiter(["BRAND_NEW_STATE", "DONE"], FakeClock()).wait().status == "DONE"


@pytest.mark.parametrize(
    ("make", "argument", "message"),
    [
        (
            lambda: waiter([], FakeClock(), timeout=-1),
            "timeout",
            "timeout must be >= 0 seconds, or None",
        ),
        (lambda: Backoff(poll_interval=0), "poll_interval", "poll_interval must be positive"),
        (
            lambda: Backoff(max_poll_interval=-5),
            "max_poll_interval",
            "max_poll_interval must be positive",
        ),
        (
            lambda: Backoff(poll_interval=10, max_poll_interval=5),
            "max_poll_interval",
            "max_poll_interval must not be below poll_interval",
        ),
    ],
)
def test_bad_options_are_refused(make: Callable[[], object], argument: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        make()
    assert (caught.value.argument, str(caught.value)) == (argument, message)


def test_a_timeout_while_waiting_for_capacity_says_so() -> None:
    acceptors = attrs.evolve(ACCEPTORS, capacity=frozenset({"PENDING_RDU"}))
    queued = waiter(["PENDING_RDU"] * 5, FakeClock(), timeout=10, acceptors=acceptors)
    with pytest.raises(WaitTimeout) as caught:
        queued.wait()
    assert caught.value.waiting_for_capacity
    assert "waited for RDU capacity (last status: PENDING_RDU)" in str(caught.value)
    busy = waiter(["TRAINING"] * 5, FakeClock(), timeout=10, acceptors=acceptors)
    with pytest.raises(WaitTimeout) as caught:
        busy.wait()
    assert not caught.value.waiting_for_capacity
    assert "capacity" not in str(caught.value)
