"""Cutting a connection when a deadline passes while the SDK waits on the server.

A socket timeout bounds each read, not an answer: a server that sends one byte a second
keeps every read alive. A :class:`Watchdog` shuts a connection's socket down when its
deadline passes; the reader (or sender) blocked on it wakes with an error (or an early end
of the answer), and its owner, seeing :attr:`Watchdog.fired`, reports a timeout. Its countdown is
an alarm on the process's one alarm thread (:mod:`sambastudio._alarms`): a thread started
for every request cost about 0.3 ms of CPU per call.

The socket must be known before the status line and headers arrive, which requests does
not expose: the pools of :class:`WatchedAdapter` make their connections with
:class:`_WatchedConnection`, which hands its socket to the watchdog the calling thread is
running (:func:`watching`) when it connects and when it starts reading the response, and
tells it of each block it sends. A
response from any other adapter (one a caller mounted) is watched from the moment it is
returned, through its public ``fileno()``.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager, suppress
from typing import Any, Final, TypeVar, cast

import requests
import requests.adapters
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from sambastudio._alarms import ALARMS, Alarm

__all__ = [
    "SEND_BLOCKSIZE",
    "DeadlineExceeded",
    "SendStalled",
    "Watchdog",
    "WatchedAdapter",
    "each_within",
    "watching",
]

SEND_BLOCKSIZE: Final = 1 << 20
"""Bytes urllib3 reads from a file-object body per socket send (its own default is 16 KiB)."""

T = TypeVar("T")

_running = threading.local()
"""The watchdog of the attempt the current thread is sending, if any."""


class DeadlineExceeded(requests.exceptions.ReadTimeout):
    """The attempt (or a stream's next event) ran past its deadline while arriving."""


class SendStalled(DeadlineExceeded):
    """A block of an upload's body did not go out within its deadline: the server stopped
    reading it (the response never started)."""


class Watchdog:
    """Shuts a socket down once its deadline passes, unless stood down first.

    The countdown runs only between :meth:`run_for` and :meth:`pause` (a stream is not
    charged for the time its consumer spends between two items). ``per_block`` is an
    upload's rule: a countdown of that many seconds restarts as each block of the request
    is sent, and once more when the response starts (sending a body takes as long as its
    size needs, but no block may stall).
    """

    def __init__(self, *, per_block: float | None = None) -> None:
        self._condition = threading.Condition()
        self._alarm: Alarm | None = None
        self._countdown = 0  # which run_for() the alarm belongs to
        self._socket: socket.socket | None = None
        self._duplicate: socket.socket | None = None
        self._done = False
        self._per_block = per_block
        self._responded = False
        self._stalled_sending = False
        self.fired = False

    def run_for(self, seconds: float) -> None:
        """(Re)start the countdown: the deadline is ``seconds`` from now."""
        with self._condition:
            if self._done:
                return
            if self._alarm is not None:
                self._alarm.cancel()
            self._countdown += 1
            countdown = self._countdown
            self._alarm = ALARMS.set(seconds, lambda: self._fire(countdown))

    def pause(self) -> None:
        with self._condition:
            if self._alarm is not None:
                self._alarm.cancel()
                self._alarm = None

    def watch(self, sock: socket.socket | None) -> None:
        """Watch ``sock`` (shut at once if the deadline has already passed)."""
        with self._condition:
            if sock is None or self._done:
                return
            self._socket = sock
            if self.fired:
                _shut(sock)

    def block_sent(self) -> None:
        """A block of the request is about to be sent: restart a ``per_block`` countdown."""
        if self._per_block is not None and not self._responded:
            self.run_for(self._per_block)

    def cut_off(self) -> DeadlineExceeded:
        """The error for an attempt this watchdog cut: the body still going out, or the
        response still arriving (urllib3 reads a response even after a send that failed,
        so what the attempt was doing is taken when the deadline passed)."""
        if self._stalled_sending:
            return SendStalled(f"a block of the body did not go out within {self._per_block:g} s")
        return DeadlineExceeded("the response was still arriving at the deadline")

    def response_starts(self, sock: socket.socket | None) -> None:
        self.watch(sock)
        self.block_sent()
        self._responded = True

    def watch_response(self, response: requests.Response) -> None:
        """Watch a response's connection if no socket is known yet (a foreign adapter)."""
        if self._socket is None:
            with suppress(OSError, ValueError, AttributeError):  # AttributeError: a test double
                # urllib3's fileno() is public; the duplicate shares the connection.
                self._duplicate = socket.socket(fileno=os.dup(response.raw.fileno()))
                self.watch(self._duplicate)
        if not self._responded:
            self.response_starts(None)

    def stand_down(self) -> None:
        """Never touch the socket again (it may go back to the pool)."""
        with self._condition:
            self._done = True
            self._socket = None
            if self._alarm is not None:
                self._alarm.cancel()
                self._alarm = None
        if self._duplicate is not None:
            self._duplicate.close()

    def _fire(self, countdown: int) -> None:
        """On the alarms' thread: the deadline passed, unless the countdown was paused or
        restarted meanwhile."""
        with self._condition:
            if self._done or self._alarm is None or countdown != self._countdown:
                return
            self.fired = True
            self._stalled_sending = self._per_block is not None and not self._responded
            if self._socket is not None:
                _shut(self._socket)


def _shut(sock: socket.socket) -> None:
    """End the connection for whoever is blocked reading it (closing would not wake them).

    The plain socket's shutdown, also for a TLS socket, whose own would drop its state
    under the reader's feet; a socket already closed raises ``OSError``, ignored.
    """
    with suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def each_within(
    items: Iterator[T],
    response: requests.Response,
    seconds: float | None,
    *,
    what: str = "complete event",
) -> Generator[T, None, None]:
    """``items`` read from ``response``, each within ``seconds`` of asking for it.

    Only the wait for the server is counted: the countdown pauses while the caller holds
    an item. Past it the connection is cut and :class:`DeadlineExceeded` raised, saying
    ``what`` did not come.
    """
    if seconds is None:
        yield from items
        return
    watchdog = Watchdog()
    watchdog.watch_response(response)
    try:
        while True:
            watchdog.run_for(seconds)
            try:
                item = next(items, _END)
            except requests.RequestException as exc:
                if watchdog.fired:
                    raise DeadlineExceeded(f"no {what} within {seconds:g} s") from exc
                raise
            finally:
                watchdog.pause()
            if watchdog.fired:  # what came after the cut is a fragment, or an early end
                raise DeadlineExceeded(f"no {what} within {seconds:g} s")
            if item is _END:
                return
            yield cast(T, item)
    finally:
        watchdog.stand_down()


_END: Final = object()


@contextmanager
def watching(watchdog: Watchdog) -> Iterator[Watchdog]:
    """Let the connections this thread uses meanwhile hand their socket to ``watchdog``."""
    _running.watchdog = watchdog
    try:
        yield watchdog
    finally:
        _running.watchdog = None


def _current() -> Watchdog | None:
    return getattr(_running, "watchdog", None)


class _Watched:
    """Connection behaviour: report the socket to the running watchdog."""

    sock: socket.socket | None

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        watchdog = _current()
        if watchdog is not None:
            watchdog.watch(self.sock)

    def send(self, data: Any) -> None:
        watchdog = _current()
        if watchdog is not None:
            watchdog.block_sent()
        super().send(data)  # type: ignore[misc]

    def getresponse(self) -> Any:
        watchdog = _current()
        if watchdog is not None:
            watchdog.response_starts(self.sock)
        return super().getresponse()  # type: ignore[misc]


class _WatchedConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _Connections:
    """A watched pool's ``ConnectionCls``: the watched class, unless urllib3's own pool
    class has been given another one meanwhile (a test double such as vcrpy's, which
    replays cassettes through it): then that one, as every urllib3 pool would use."""

    def __init__(self, pool: type[HTTPConnectionPool], watched: type[HTTPConnection]) -> None:
        self._pool, self._watched = pool, watched
        self._genuine = pool.ConnectionCls

    def __get__(self, instance: object, owner: type | None = None) -> type:
        current = self._pool.ConnectionCls
        return self._watched if current is self._genuine else current


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _Connections(HTTPConnectionPool, _WatchedConnection)


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _Connections(HTTPSConnectionPool, _WatchedHTTPSConnection)


_WATCHED_POOLS: Final = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter, with watched connections, sending file bodies in 1 MiB blocks.

    http.client and urllib3 read a file body ``blocksize`` bytes at a time and send each
    block in its own syscall: with 16 KiB blocks a 1 GiB body costs 65,536 reads and sends
    and a good share of a core. requests has no setting for it, but every pool the adapter
    makes (proxied ones too) takes its keyword arguments. Pools behind a SOCKS proxy keep
    urllib3's own connections (watched from the response on).
    """

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        pool_kwargs.setdefault("blocksize", SEND_BLOCKSIZE)
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.setdefault("blocksize", SEND_BLOCKSIZE)
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if manager.pool_classes_by_scheme is not _WATCHED_POOLS and not proxy.lower().startswith(
            "socks"
        ):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager
