"""An upload part is sent block by block, each block within ``timeout``, however long the
whole part takes: a server that reads a part a byte at a time is cut, one that reads
slowly but steadily is not."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES
from sambastudio.errors import APITimeoutError
from sambastudio.transfers.plan import plan_upload
from sambastudio.transfers.upload import PartStream
from tests.hardening.hostile_server import loopback_server

KEY = "k-0123456789abcdef"
PART = 8 << 20
"""Bytes of a part: more than the sockets' buffers hold (about 4 MiB on loopback), so the
client's sends have to wait for the server to read."""
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"


@contextmanager
def slow_reader(
    *, part: int, first: int, size: int, interval: float, then_wait: float = 0.0
) -> Iterator[str]:
    """A server reading a request's first ``first`` bytes at once, then ``size`` bytes per
    ``interval`` seconds until the ``part`` bytes of the body are in; it answers ``{}``
    ``then_wait`` seconds later."""

    def answer(conn: socket.socket) -> None:
        with conn, suppress(OSError):  # OSError: the client hung up, as it is meant to
            got = b""
            while b"\r\n\r\n" not in got:
                got += conn.recv(first)
            received = len(got.partition(b"\r\n\r\n")[2])
            while received < part:
                time.sleep(interval)
                received += _read(conn, min(size, part - received))
            time.sleep(then_wait)
            conn.sendall(ANSWER)

    with loopback_server(answer) as url:
        yield url


def _read(conn: socket.socket, size: int) -> int:
    """Read ``size`` bytes (fewer at the end of the connection); how many came."""
    received = 0
    while received < size:
        more = conn.recv(size - received)
        if not more:
            break
        received += len(more)
    return received


def _send_part(url: str, tmp_path: Path, *, part: int, timeout: float) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(bytes(range(256)) * (part // 256))
    planned = plan_upload(path, chunk_size=part).files[0]
    pipeline = Pipeline(Settings(host_url=url, access_key=KEY, max_retries=0, timeout=timeout))
    request = ROUTES["upload_part_file"].bind(
        folder_id="f",
        file_path=planned.relpath,
        part_number=1,
        upload_id="u",
        file=PartStream(planned, planned.parts(part)[0]),
    )
    pipeline.send(request).close()


@pytest.mark.parametrize(
    ("server", "ending"),
    [
        (
            {"first": 1024, "size": 1, "interval": 0.2},
            "/api/v1beta/upload/file/train.jsonl failed after 1 attempt: timed out sending the "
            "request body (a block of the body did not go out within 1 s); timeout=1",
        ),
        (
            {"first": 1 << 20, "size": PART, "interval": 0, "then_wait": 3},
            "failed after 1 attempt: timed out waiting for the response (the response was still "
            "arriving at the deadline); timeout=1",
        ),
    ],
    ids=["read a byte at a time", "read whole, answered late"],
)
def test_a_stalled_part_is_cut_at_the_timeout_saying_what_stalled(
    tmp_path: Path, server: dict[str, Any], ending: str
) -> None:
    with slow_reader(part=PART, **server) as url:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as raised:
            _send_part(url, tmp_path, part=PART, timeout=1)
    assert time.monotonic() - started < 3
    assert str(raised.value).endswith(ending)


def test_a_part_the_server_reads_slowly_but_steadily_is_not_cut(tmp_path: Path) -> None:
    """256 KiB every 0.05 s (5 MiB/s): each 256 KiB block goes out well in time, and what
    the sockets buffer (about 4 MiB) reaches the server within the 2 s the response has;
    the 16 MiB part takes over 3 s in all."""
    with slow_reader(part=2 * PART, first=1024, size=256 << 10, interval=0.05) as url:
        started = time.monotonic()
        _send_part(url, tmp_path, part=2 * PART, timeout=2)
    assert time.monotonic() - started > 2
