"""A loopback HTTP server that answers every request with as many bytes as it is told.

It speaks just enough HTTP/1.1 by hand (a raw socket, chunked transfer encoding) to send
a body of any size without holding it: the body is ``size`` bytes made by repeating
``pattern``, after ``head``. ``sent`` counts the bytes it managed to write before the
client hung up, so a test can see the client stopped reading.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_BLOCK = 1 << 16


@dataclass
class Hostile:
    url: str
    sent: list[int] = field(default_factory=list)


def read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        more = conn.recv(65536)
        if not more:
            return
        data += more
    header, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in header.lower().split(b"\r\n")
            if line.startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        more = conn.recv(65536)
        if not more:
            return
        body += more


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def _answer(
    conn: socket.socket,
    status: int,
    content_type: str,
    head: bytes,
    pattern: bytes,
    size: int,
    sent: list[int],
) -> None:
    total = 0
    try:
        read_request(conn)
        conn.sendall(
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        )
        if head:  # an empty chunk would end the body
            conn.sendall(_chunk(head))
        block = pattern * (_BLOCK // len(pattern))
        while total < size:
            piece = block[: size - total]
            conn.sendall(_chunk(piece))
            total += len(piece)
        conn.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the client hung up: what it was meant to do
    finally:
        sent.append(total)
        conn.close()


@contextmanager
def loopback_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A server on a loopback port calling ``answer`` with each connection, in a thread of
    its own; its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


@contextmanager
def hostile_server(
    *,
    status: int,
    size: int,
    head: bytes = b"",
    pattern: bytes = b"x",
    content_type: str = "application/json",
) -> Iterator[Hostile]:
    """A server answering ``status`` with ``head`` then ``size`` bytes of ``pattern``."""
    sent: list[int] = []

    def answer(conn: socket.socket) -> None:
        _answer(conn, status, content_type, head, pattern, size, sent)

    with loopback_server(answer) as url:
        yield Hostile(url, sent)
