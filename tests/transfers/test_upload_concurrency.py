"""Parts on the wire at once: acknowledged in any order, combined in order; and a failure
stops the parts and files that have not left yet.

The fake of ``conftest.py`` here answers from a thread per request, so that a test can hold
one part's answer until others have been acknowledged.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio.errors import BadRequestError
from sambastudio.transfers import upload as _upload
from sambastudio.transfers.upload import upload_dataset
from tests.transfers.conftest import FakeServer, crc

CHUNK = 1024
WAIT = 5.0
"""How long a held answer waits for the others, at most (it needs milliseconds)."""


@pytest.fixture(scope="module")
def threaded_http() -> Iterator[HTTPServer]:
    http = HTTPServer(threaded=True)
    http.start()
    yield http
    http.stop()  # waits for the server's half-second poll: once per module


@pytest.fixture
def threaded(threaded_http: HTTPServer) -> Iterator[tuple[FakeServer, Pipeline]]:
    settings = Settings(host_url=threaded_http.url_for("/"), access_key="test-key")
    try:
        with Pipeline(settings, sleep=lambda seconds: None) as transport:
            yield FakeServer(threaded_http), transport
    finally:
        threaded_http.clear()


def upload(transport: Pipeline, root: Path, concurrency: int) -> None:
    upload_dataset(
        transport,
        name="squad",
        path=root,
        apps=["Llama"],
        job_types=["train"],
        chunk_size=CHUNK,
        concurrency=concurrency,
    )


def test_parts_acknowledged_out_of_order_combine_to_the_files_crc(
    threaded: tuple[FakeServer, Pipeline], tmp_path: Path
) -> None:
    server, transport = threaded
    data = bytes(range(256)) * 12 + b"tail"  # parts 1 to 3 whole, part 4 short
    (tmp_path / "big.bin").write_bytes(data)
    all_in = threading.Barrier(4)

    def answer_part_one_last(path: str, number: int, body: bytes) -> bytes:
        all_in.wait(WAIT)  # the four parts are on the server
        if number == 1:
            time.sleep(0.1)  # the client reads the other answers first
        return body

    server.corrupt = answer_part_one_last

    upload(transport, tmp_path, concurrency=4)

    (request,) = [r for r, _ in server.http.log if r.path.endswith("/folder/complete")]
    (entry,) = request.get_json()["fileList"]
    assert entry["crc32"] == crc(data)
    assert server.files == {"big.bin": data}


def test_a_failed_file_stops_the_parts_of_the_others(
    threaded: tuple[FakeServer, Pipeline], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, transport = threaded
    monkeypatch.setattr(_upload, "SMALL_FILE", -1)  # every file goes part by part
    (tmp_path / "a.bin").write_bytes(bytes(CHUNK))
    (tmp_path / "b.bin").write_bytes(bytes(8 * CHUNK))
    a_arrived, b_arrived = threading.Event(), threading.Event()

    def create_b_once_a_is_in(route: str, answer: Response) -> Response:
        if route == "create_multipart" and answer.get_json()["path"] == "b.bin":
            a_arrived.wait(WAIT)  # a's part goes first: b's parts queue behind it
        return answer

    def refuse_a_once_b_is_in(path: str, number: int) -> bool:
        if path == "a.bin":
            a_arrived.set()
            return b_arrived.wait(WAIT)
        if not b_arrived.is_set():
            b_arrived.set()
            time.sleep(0.2)  # b's first part is answered after a's refusal
        time.sleep(0.05)  # and b's others take long enough for the upload to stop
        return False

    server.rewrite = create_b_once_a_is_in
    server.refuse_part = refuse_a_once_b_is_in

    with pytest.raises(BadRequestError):
        upload(transport, tmp_path, concurrency=2)

    sent_of_b = [number for path, number in server.put_parts if path == "b.bin"]
    assert 1 <= len(sent_of_b) < 8  # the one in flight, and a few picked up meanwhile
    assert "complete_multipart" not in server.calls


def test_after_a_failed_part_nothing_more_is_sent(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    """One worker (concurrency 1): the parts and files queued behind a refused part are
    dropped, not picked up by the worker the failure freed."""
    (tmp_path / "big.bin").write_bytes(os.urandom(5 * CHUNK))
    (tmp_path / "c.txt").write_bytes(b"small")
    server.refuse_part = lambda path, number: path == "big.bin" and number == 1

    with pytest.raises(BadRequestError):
        upload(transport, tmp_path, concurrency=1)
    assert server.put_parts == [("big.bin", 1)]
    assert server.calls.count("create_multipart") == 1
