"""The watchdog's own rules, on a socket pair and an alarm clock the test sets off by hand.

An alarm's callback runs on the alarms' thread, outside their lock: it may run just after
the countdown it belongs to was restarted, paused or stood down. The late alarms here are
those callbacks, called at exactly that moment.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from sambastudio import _watchdog
from sambastudio._alarms import Alarm
from sambastudio._watchdog import Watchdog


class HandSetAlarms:
    """The alarms' interface; the test rings each alarm when it likes."""

    def __init__(self) -> None:
        self.set_for: list[float] = []
        self.callbacks: list[Callable[[], None]] = []

    def set(self, delay: float, callback: Callable[[], None]) -> Alarm:
        self.set_for.append(delay)
        self.callbacks.append(callback)
        return Alarm(delay, callback)


@pytest.fixture
def alarms(monkeypatch: pytest.MonkeyPatch) -> HandSetAlarms:
    hand_set = HandSetAlarms()
    monkeypatch.setattr(_watchdog, "ALARMS", hand_set)
    return hand_set


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, server = socket.socketpair()
    with ours, server:
        yield ours, server


def _cut(server: socket.socket) -> bool:
    """Whether the other end was shut down: its server side then reads the end at once."""
    server.setblocking(False)
    try:
        return server.recv(1) == b""
    except BlockingIOError:  # nothing to read, and no end: still connected
        return False


@pytest.fixture
def watched(pair: tuple[socket.socket, socket.socket]) -> tuple[Watchdog, socket.socket]:
    """A watchdog watching our end of the pair, and the server's end."""
    ours, server = pair
    watchdog = Watchdog()
    watchdog.watch(ours)
    return watchdog, server


def test_the_deadline_cuts_the_socket_watched(
    alarms: HandSetAlarms, watched: tuple[Watchdog, socket.socket]
) -> None:
    watchdog, server = watched
    watchdog.run_for(1.5)
    assert alarms.set_for == [1.5]
    assert not _cut(server)
    alarms.callbacks[0]()
    assert watchdog.fired
    assert _cut(server)


@pytest.mark.parametrize("stood_down", [False, True])
def test_a_socket_known_only_after_the_deadline_is_cut_at_once_unless_stood_down(
    stood_down: bool, alarms: HandSetAlarms, pair: tuple[socket.socket, socket.socket]
) -> None:
    """Once stood down, the watchdog's connection may be a pooled one another call reuses."""
    ours, server = pair
    watchdog = Watchdog()
    watchdog.run_for(1)
    alarms.callbacks[0]()
    assert watchdog.fired
    if stood_down:
        watchdog.stand_down()
    watchdog.watch(None)  # a connection whose socket is not known: nothing to cut yet
    watchdog.watch(ours)
    watchdog.run_for(1)
    assert _cut(server) is not stood_down
    assert alarms.set_for == ([1] if stood_down else [1, 1])


MEANWHILE: dict[str, Callable[[Watchdog], None]] = {
    "restarted": lambda watchdog: watchdog.run_for(1),
    "paused": Watchdog.pause,
    "stood down": Watchdog.stand_down,  # the connection goes back to the pool
}


@pytest.mark.parametrize("countdown", sorted(MEANWHILE))
def test_a_late_alarm_cuts_nothing(
    countdown: str, alarms: HandSetAlarms, watched: tuple[Watchdog, socket.socket]
) -> None:
    watchdog, server = watched
    watchdog.run_for(1)
    MEANWHILE[countdown](watchdog)
    alarms.callbacks[0]()
    assert not watchdog.fired
    assert not _cut(server)


def test_a_restarted_countdown_cuts_at_its_own_alarm(
    alarms: HandSetAlarms, watched: tuple[Watchdog, socket.socket]
) -> None:
    watchdog, server = watched
    watchdog.run_for(1)
    watchdog.run_for(2)
    alarms.callbacks[1]()
    assert watchdog.fired
    assert _cut(server)


def test_an_upload_restarts_its_countdown_per_block_until_the_response_starts(
    alarms: HandSetAlarms, pair: tuple[socket.socket, socket.socket]
) -> None:
    ours, server = pair
    watchdog = Watchdog(per_block=2)
    watchdog.block_sent()
    watchdog.block_sent()
    watchdog.response_starts(ours)
    watchdog.block_sent()  # nothing is sent once the response has started
    assert alarms.set_for == [2, 2, 2]
    alarms.callbacks[2]()
    assert _cut(server)


def test_without_a_per_block_rule_blocks_sent_set_no_countdown(alarms: HandSetAlarms) -> None:
    watchdog = Watchdog()
    watchdog.block_sent()
    watchdog.response_starts(None)
    assert alarms.set_for == []
