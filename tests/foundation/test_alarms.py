"""Deadline alarms run on one thread: on time, never once cancelled, and never a thread per call."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Client
from sambastudio._alarms import Alarms


def test_an_alarm_runs_at_its_deadline_and_a_cancelled_one_never() -> None:
    alarms = Alarms()
    rang: list[tuple[str, float]] = []
    done = threading.Event()

    def ring(name: str) -> None:
        rang.append((name, time.monotonic()))
        done.set()

    started = time.monotonic()
    alarms.set(0.05, lambda: ring("cancelled")).cancel()
    alarms.set(0.2, lambda: ring("kept"))
    assert done.wait(5)
    time.sleep(0.1)
    [(name, at)] = rang
    assert name == "kept"
    assert 0.2 <= at - started < 1  # not before its deadline, nor long after


def test_alarms_run_once_each_in_the_order_of_their_deadlines() -> None:
    alarms = Alarms()
    rang: list[float] = []
    done = threading.Event()
    for delay in (0.15, 0.05, 0.1):
        alarms.set(delay, functools.partial(rang.append, delay))
    alarms.set(0.2, done.set)
    assert done.wait(5)
    time.sleep(0.1)
    assert rang == [0.05, 0.1, 0.15]


def test_a_failing_alarm_is_logged_and_the_next_one_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    alarms = Alarms()
    done = threading.Event()

    def fail() -> None:
        raise RuntimeError("the callback broke")

    with caplog.at_level(logging.ERROR, logger="sambastudio"):
        alarms.set(0.01, fail)
        alarms.set(0.05, done.set)
        assert done.wait(5)
    [record] = [r for r in caplog.records if r.name == "sambastudio"]
    assert record.getMessage() == "an alarm's callback failed"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "the callback broke"


def test_the_alarms_run_on_one_named_daemon_thread_that_never_holds_up_an_exit() -> None:
    alarms = Alarms()
    before = set(threading.enumerate())
    alarms.set(60, lambda: None)
    alarms.set(30, lambda: None)
    [thread] = set(threading.enumerate()) - before
    assert (thread.name, thread.daemon) == ("sambastudio-alarms", True)


def test_an_earlier_alarm_set_after_a_later_one_is_not_held_back_by_it() -> None:
    alarms = Alarms()
    done = threading.Event()
    alarms.set(60, lambda: None)  # the thread now sleeps for a minute
    started = time.monotonic()
    alarms.set(0.1, done.set)
    assert done.wait(5)
    assert time.monotonic() - started < 2


def test_cancelled_alarms_are_not_kept_until_their_deadline() -> None:
    alarms = Alarms()
    for _ in range(5_000):
        alarms.set(60, lambda: None).cancel()
    live = alarms.set(60, lambda: None)
    assert len(alarms._heap) < 2_100
    assert any(entry[2] is live for entry in alarms._heap)


def test_calls_with_a_deadline_start_no_thread_each(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"projects": []})
    client = Client(host_url=httpserver.url_for(""), access_key="k-0123456789", timeout=30)
    client.projects.list().to_list()  # the alarms' thread starts here, once
    caller = threading.current_thread()
    starts: list[threading.Thread] = []  # by this thread (the server starts its own)
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        if threading.current_thread() is caller:
            starts.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    for _ in range(5):
        client.projects.list().to_list()
    assert starts == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork() of a threaded process
def test_alarms_in_a_forked_child_run_on_time() -> None:
    """A child forked while the parent's alarm thread waits (multiprocessing's default on
    Linux) has its own thread, woken by its own alarms; the parent's are not run there."""
    alarms = Alarms()
    parents = threading.Event()
    alarms.set(60, parents.set)  # the parent's thread now waits for a minute
    time.sleep(0.05)
    pid = os.fork()
    if pid == 0:  # the child: exit code 0 if its earlier alarm rang in time
        rang = threading.Event()
        alarms.set(30, lambda: None)  # the child's thread starts, and waits
        time.sleep(0.05)
        alarms.set(0.05, rang.set)  # earlier: it must wake that thread
        os._exit(0 if rang.wait(3) and not parents.is_set() else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
