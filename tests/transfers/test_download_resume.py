"""What a download sends and keeps when its answer is cut, refused, encoded or inconsistent:
the headers of each attempt, the partial file left for a later call, and the error raised
once the resumes run out."""

from __future__ import annotations

import gzip
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES
from sambastudio.errors import APIConnectionError, APITimeoutError, BadRequestError
from sambastudio.transfers.download import download_to_dir
from sambastudio.transfers.progress import TransferProgress
from tests.hardening.trickling_server import bytewise, trickling_server
from tests.transfers.test_download import PATH, Ranged, results_request

DATA = os.urandom(200_000)
BLOCK = 64 << 10
"""What each read asks for with a timeout of 4 s: a cut after whole blocks keeps them."""
RESUMES = 5

Answer = Callable[[Request], Response]


@pytest.fixture
def transport(httpserver: HTTPServer) -> Iterator[Pipeline]:
    settings = Settings(host_url=httpserver.url_for("/"), access_key="test-key", timeout=4)
    with Pipeline(settings, sleep=lambda seconds: None) as sent:
        yield sent


class Recorded:
    """Answers each request with the next of ``answers`` (the last one repeats) and keeps
    the headers every request came with."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.headers: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        self.headers.append(dict(request.headers))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(request)

    def sent(self, name: str) -> list[str | None]:
        return [headers.get(name) for headers in self.headers]


def _cut_after(data: bytes, after: int) -> Iterator[bytes]:
    yield data[:after]
    raise ConnectionAbortedError("dropped on purpose")


Headers = dict[str, str]


def _response(
    body: bytes | Iterator[bytes], status: int = 200, headers: Headers | None = None
) -> Response:
    return Response(body, status, headers, content_type="application/octet-stream")


def whole(data: bytes, headers: Headers | None = None) -> Answer:
    return lambda request: _response(
        data, 200, {"Content-Length": str(len(data)), **(headers or {})}
    )


def cut(data: bytes, after: int = BLOCK, headers: Headers | None = None) -> Answer:
    """The whole file announced, ``after`` bytes of it sent, then the connection dropped."""
    announced = {"Content-Length": str(len(data)), **(headers or {})}
    return lambda request: _response(_cut_after(data, after), 200, announced)


def ranged(data: bytes, total: int | None = None) -> Answer:
    """The bytes from the request's Range on; ``total`` overrides the size it announces."""

    def answer(request: Request) -> Response:
        start = int(request.headers["Range"].removeprefix("bytes=").rstrip("-"))
        return _response(
            data[start:],
            206,
            {
                "Content-Range": f"bytes {start}-{len(data) - 1}/{total or len(data)}",
                "Content-Length": str(len(data) - start),
            },
        )

    return answer


def status(code: int) -> Answer:
    return lambda request: _response(b"", code)


def test_every_attempt_asks_for_identity_and_only_a_resume_for_a_range(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    server = Recorded(cut(DATA), ranged(DATA))
    httpserver.expect_request(PATH).respond_with_handler(server)

    path = download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    assert path.read_bytes() == DATA
    assert server.sent("Accept-Encoding") == ["identity", "identity"]
    assert server.sent("Range") == [None, f"bytes={BLOCK}-"]


@pytest.mark.parametrize(("etag", "if_range"), [('"v1"', '"v1"'), ('W/"v1"', None), (None, None)])
def test_a_resume_within_one_call_sends_the_strong_etag_as_if_range(
    transport: Pipeline,
    httpserver: HTTPServer,
    tmp_path: Path,
    etag: str | None,
    if_range: str | None,
) -> None:
    tagged = {"ETag": etag} if etag else {}
    server = Recorded(cut(DATA, headers=tagged), ranged(DATA))
    httpserver.expect_request(PATH).respond_with_handler(server)

    path = download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    assert path.read_bytes() == DATA
    assert server.sent("If-Range") == [None, if_range]


def test_a_leftover_longer_than_the_file_is_refused_with_416_and_fetched_whole(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    (tmp_path / "r.bin.part").write_bytes(DATA + b"a longer, older file")
    server = Recorded(status(416), whole(DATA, {"ETag": '"v2"'}))
    httpserver.expect_request(PATH).respond_with_handler(server)

    path = download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    assert path.read_bytes() == DATA
    assert server.sent("Range") == [f"bytes={len(DATA) + 20}-", None]
    assert [p.name for p in tmp_path.iterdir()] == ["r.bin"]


def test_a_refused_download_raises_and_keeps_the_leftover_for_a_later_call(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    (tmp_path / "r.bin.part").write_bytes(DATA[:1])  # even a single byte is kept
    httpserver.expect_request(PATH).respond_with_json({"detail": "bad artifact"}, status=400)

    with pytest.raises(BadRequestError, match="bad artifact"):
        download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    assert [p.name for p in tmp_path.iterdir()] == ["r.bin.part"]
    assert (tmp_path / "r.bin.part").read_bytes() == DATA[:1]


def test_bytes_past_the_total_the_server_gave_are_dropped_and_the_file_fetched_again(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A server whose Content-Range total is less than it sent: the partial file cannot
    be trusted, so it goes, and the next attempt starts from zero."""
    (tmp_path / "r.bin.part").write_bytes(DATA[:1000])
    server = Recorded(ranged(DATA, total=5000), whole(DATA))
    httpserver.expect_request(PATH).respond_with_handler(server)

    path = download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    assert path.read_bytes() == DATA
    assert server.sent("Range") == ["bytes=1000-", None]


@pytest.mark.parametrize("content_range", [None, "bytes 1000-199999/*"], ids=["none", "star"])
def test_a_resume_whose_answer_gives_no_total_is_taken_as_the_rest(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path, content_range: str | None
) -> None:
    (tmp_path / "r.bin.part").write_bytes(DATA[:1000])
    headers = {"Content-Range": content_range} if content_range else {}
    httpserver.expect_request(PATH).respond_with_handler(
        Recorded(lambda request: _response(DATA[1000:], 206, headers))
    )
    seen: list[TransferProgress] = []

    path = download_to_dir(
        transport, results_request(), tmp_path, filename="r.bin", on_progress=seen.append
    )

    assert path.read_bytes() == DATA
    assert seen[-1] == TransferProgress(len(DATA), None, "r.bin")


def test_a_server_whose_answers_never_reach_the_size_it_announces_is_given_up(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Every answer ends cleanly, yet short of the total its Content-Range gives."""
    server = Recorded(ranged(DATA[:150_000], total=len(DATA)))
    httpserver.expect_request(PATH).respond_with_handler(server)
    (tmp_path / "r.bin.part").write_bytes(DATA[:1000])

    with pytest.raises(APIConnectionError) as raised:
        download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    assert not isinstance(raised.value, APITimeoutError)
    assert str(raised.value).startswith("the download kept being cut off; ")
    assert server.sent("Range") == ["bytes=1000-"] + ["bytes=150000-"] * RESUMES
    assert (tmp_path / "r.bin.part").read_bytes() == DATA[:150_000]


def test_a_download_without_a_timeout_reads_in_large_blocks(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    data = os.urandom(3 << 20)
    httpserver.expect_request(PATH).respond_with_handler(Ranged(data))
    settings = Settings(host_url=httpserver.url_for("/"), access_key="test-key", timeout=None)
    seen: list[TransferProgress] = []

    with Pipeline(settings) as transport:
        path = download_to_dir(transport, results_request(), tmp_path, on_progress=seen.append)

    assert path.read_bytes() == data
    assert [p.done for p in seen] == [1 << 20, 2 << 20, 3 << 20]


def test_a_body_of_unknown_length_is_taken_as_whole(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    server = Recorded(lambda request: _response(iter([DATA[:100_000], DATA[100_000:]])))
    httpserver.expect_request(PATH).respond_with_handler(server)
    seen: list[TransferProgress] = []

    path = download_to_dir(
        transport, results_request(), tmp_path, filename="r.bin", on_progress=seen.append
    )

    assert path.read_bytes() == DATA
    assert len(server.headers) == 1
    assert seen[-1] == TransferProgress(len(DATA), None, "r.bin")


def test_a_cut_encoded_body_is_not_resumed_but_fetched_whole_again(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """The bytes on disk are decoded ones: a Range, which counts encoded bytes, cannot
    resume them, and the encoded length says nothing of the file's size."""
    encoded = gzip.compress(DATA, mtime=0)
    gzipped = {"Content-Encoding": "gzip"}
    server = Recorded(cut(encoded, 2 * BLOCK, gzipped), whole(encoded, gzipped))
    httpserver.expect_request(PATH).respond_with_handler(server)
    seen: list[TransferProgress] = []

    path = download_to_dir(
        transport, results_request(), tmp_path, filename="r.bin", on_progress=seen.append
    )

    assert path.read_bytes() == DATA
    assert server.sent("Range") == [None, None]
    assert seen[-1] == TransferProgress(len(DATA), None, "r.bin")


def test_progress_of_a_resumed_download_counts_the_bytes_already_on_disk(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    (tmp_path / "r.bin.part").write_bytes(DATA[:150_000])
    httpserver.expect_request(PATH).respond_with_handler(Ranged(DATA))
    seen: list[TransferProgress] = []

    download_to_dir(
        transport, results_request(), tmp_path, filename="r.bin", on_progress=seen.append
    )

    assert seen == [TransferProgress(len(DATA), len(DATA), "r.bin")]


def test_progress_starts_from_zero_when_the_server_sends_everything_again(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    (tmp_path / "r.bin.part").write_bytes(b"stale")
    httpserver.expect_request(PATH).respond_with_handler(Ranged(DATA, ranges=False))
    seen: list[TransferProgress] = []

    download_to_dir(
        transport, results_request(), tmp_path, filename="r.bin", on_progress=seen.append
    )

    assert seen[0] == TransferProgress(BLOCK, len(DATA), "r.bin")
    assert seen[-1] == TransferProgress(len(DATA), len(DATA), "r.bin")


def test_progress_starts_again_when_a_resume_is_answered_with_the_whole_file(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A server that ignores Range (or whose file changed: If-Range) sends it all again:
    the count starts over from zero, and the total is the new answer's."""
    changed = DATA[:150_000]
    httpserver.expect_request(PATH).respond_with_handler(Recorded(cut(DATA), whole(changed)))
    seen: list[TransferProgress] = []

    path = download_to_dir(
        transport, results_request(), tmp_path, filename="r.bin", on_progress=seen.append
    )

    assert path.read_bytes() == changed
    assert seen[0] == TransferProgress(BLOCK, len(DATA), "r.bin")
    assert seen[1] == TransferProgress(BLOCK, len(changed), "r.bin")
    assert seen[-1] == TransferProgress(len(changed), len(changed), "r.bin")


def test_a_download_cut_every_time_gives_up_and_keeps_what_arrived(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    server = Recorded(cut(DATA))
    httpserver.expect_request(PATH).respond_with_handler(server)

    with pytest.raises(APIConnectionError) as raised:
        download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    leftover = tmp_path / "r.bin.part"
    assert not isinstance(raised.value, APITimeoutError)
    assert str(raised.value).startswith(
        f"the download kept being cut off; {leftover} holds what arrived, "
        "and calling again resumes from there"
    )
    assert raised.value.path == PATH
    assert raised.value.method == "GET"
    assert len(server.headers) == RESUMES + 1
    assert [p.name for p in tmp_path.iterdir()] == ["r.bin.part"]
    assert leftover.read_bytes() == DATA[:BLOCK]


def test_a_download_without_a_name_keeps_its_partial_file_where_the_next_call_looks(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """The partial file's name comes from the request (the server's name is not known
    before it answers): the same artifact, the same file; another artifact, another."""
    server = Recorded(cut(DATA))
    httpserver.expect_request(PATH).respond_with_handler(server)
    with pytest.raises(APIConnectionError):
        download_to_dir(transport, results_request(), tmp_path)
    [partial] = tmp_path.iterdir()
    assert re.fullmatch(r"download_results-[0-9a-f]{12}\.part", partial.name)

    httpserver.clear()
    resumed = Ranged(DATA)
    httpserver.expect_request(PATH).respond_with_handler(resumed)
    path = download_to_dir(transport, results_request(), tmp_path)

    assert resumed.seen_ranges == [f"bytes={BLOCK}-"]
    assert path.read_bytes() == DATA
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_artifacts_of_different_queries_keep_different_partial_files(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    path = re.compile("^/api/projects/p/jobs/j/artifacts/[a-z]+/download$")
    httpserver.expect_request(path).respond_with_handler(Recorded(cut(DATA)))
    for kind in ("results", "logs"):
        request = ROUTES["download_job_artifacts"].bind(project="p", job="j", artifact_type=kind)
        with pytest.raises(APIConnectionError):
            download_to_dir(transport, request, tmp_path)

    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2
    assert all(name.startswith("download_job_artifacts-") for name in names)


@pytest.mark.parametrize(
    ("timeout", "interval", "cut_by", "session"),
    [
        ((0.3, 0.1), 1, "Read timed out", None),
        (0.2, 0.05, "no block of 65536 bytes within 0.2 s", None),
        (0.2, 0.05, "no block of 65536 bytes within 0.2 s", requests.Session),
    ],
    ids=["silent", "trickling", "trickling-own-session"],
)
def test_a_stalled_download_gives_up_with_a_timeout_and_keeps_what_arrived(
    tmp_path: Path,
    timeout: float | tuple[float, float],
    interval: float,
    cut_by: str,
    session: Callable[[], requests.Session] | None,
) -> None:
    """The server sends a block and a bit, then a byte each ``interval``: silent past the
    socket's read timeout, or trickling within it but never completing a block (also
    through a session of the caller's, whose adapter does not tell the socket early)."""
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(DATA)
    )
    steady, trickled = head + DATA[: BLOCK + 100], DATA[BLOCK + 100 : BLOCK + 140]
    started = time.monotonic()
    with trickling_server(steady=steady, pieces=bytewise(trickled), interval=interval) as server:
        settings = Settings(host_url=server.url, access_key="test-key", timeout=timeout)
        own = session() if session else None
        with (
            Pipeline(settings, session=own, sleep=lambda seconds: None) as transport,
            pytest.raises(APITimeoutError) as raised,
        ):
            download_to_dir(transport, results_request(), tmp_path, filename="r.bin")
        assert server.connections == RESUMES + 1
        if own is not None:
            own.close()
    assert time.monotonic() - started < 6  # uncut, the trickle takes 2 s per attempt

    leftover = tmp_path / "r.bin.part"
    message = str(raised.value)
    assert message.startswith("the download stalled (")
    assert cut_by in message
    kept = f"{leftover} holds what arrived, and calling again resumes from there"
    assert message.endswith(f"; timeout={timeout!r}; {kept}")
    assert (raised.value.method, raised.value.path) == ("GET", PATH)
    assert [p.name for p in tmp_path.iterdir()] == ["r.bin.part"]
    assert leftover.read_bytes() == DATA[:BLOCK]


def test_a_download_given_up_before_a_whole_block_arrived_says_nothing_was_kept(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    """A read of a block that is cut keeps none of it: no partial file, and the error
    does not send the caller looking for one."""
    httpserver.expect_request(PATH).respond_with_handler(Recorded(cut(DATA, 1000)))

    with pytest.raises(APIConnectionError) as raised:
        download_to_dir(transport, results_request(), tmp_path, filename="r.bin")

    assert str(raised.value).startswith(
        "the download kept being cut off; nothing arrived, and calling again starts over"
    )
    assert list(tmp_path.iterdir()) == []
