"""A loopback server that answers every request with bytes it sends slowly on purpose.

Each connection gets ``steady`` at once, then each of ``pieces`` after ``interval``
seconds (:func:`bytewise` makes one piece of each byte), then the connection is closed: a
hostile server whose every single read succeeds in time while the answer as a whole never
ends. ``connections`` counts the requests it took, so a test can see how many attempts a
call made.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from tests.hardening.hostile_server import loopback_server, read_request


@dataclass
class Trickling:
    url: str
    connections: int = 0


def bytewise(data: bytes) -> list[bytes]:
    return [bytes([byte]) for byte in data]


def _answer(conn: socket.socket, steady: bytes, pieces: Sequence[bytes], interval: float) -> None:
    with conn, suppress(OSError):  # OSError: the client hung up, as it is meant to
        read_request(conn)
        conn.sendall(steady)
        for piece in pieces:
            time.sleep(interval)
            conn.sendall(piece)


@contextmanager
def trickling_server(
    *, steady: bytes, pieces: Sequence[bytes], interval: float = 0.2
) -> Iterator[Trickling]:
    """A server sending ``steady`` then ``pieces``, one per ``interval``."""

    def answer(conn: socket.socket) -> None:
        server.connections += 1  # the URL, and so any connection, comes after ``server``
        _answer(conn, steady, pieces, interval)

    with loopback_server(answer) as url:
        server = Trickling(url)
        yield server
