"""What an upload sends, request by request: every body, query and answer it reads.

The other upload tests check that the bytes arrive; these pin the wire itself, against the
loopback fake of ``conftest.py`` (which numbers its ids by the requests it has answered:
``ds-3`` is the id the third request got).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import attrs
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._response import APIResponse
from sambastudio._routes import ROUTES
from sambastudio.errors import InternalServerError, RateLimitError, UploadError
from sambastudio.transfers.progress import TransferProgress
from sambastudio.transfers.upload import upload_dataset
from tests.transfers.conftest import FakeServer, crc, reply

CHUNK = 1024
BIG = bytes(range(256)) * 8 + b"z"
"""Three parts: two whole chunks and one byte."""


def exchanges(httpserver: HTTPServer) -> list[tuple[str, str, dict[str, str], Any]]:
    """Each request: method, path, query, and its JSON body (a PUT: the bytes)."""
    return [
        (
            request.method,
            request.path,
            dict(request.args),
            request.get_data() if request.method == "PUT" else request.get_json(silent=True),
        )
        for request, _ in httpserver.log
    ]


def two_files(root: Path) -> None:
    (root / "big.bin").write_bytes(BIG)
    (root / "small.txt").write_bytes(b"small")


def upload(transport: Pipeline, root: Path, **options: Any) -> dict[str, Any]:
    return upload_dataset(
        transport,
        name="squad",
        path=root,
        apps=["Llama", "app-1"],  # a name and an id of one app: sent once
        job_types=["train"],
        chunk_size=CHUNK,
        concurrency=1,
        **options,
    )


def test_every_request_of_an_upload(
    transport: Pipeline, server: FakeServer, httpserver: HTTPServer, tmp_path: Path
) -> None:
    two_files(tmp_path)
    answered: list[APIResponse] = []

    added = upload(
        transport,
        tmp_path,
        description="d",
        file_type="jsonl",
        url="https://example.com/squad",
        language="en",
        metadata={"k": "v"},
        answered=answered.append,
    )

    parts = [
        {"partNumber": 1, "size": CHUNK, "crc32": crc(BIG[:CHUNK])},
        {"partNumber": 2, "size": CHUNK, "crc32": crc(BIG[CHUNK : 2 * CHUNK])},
        {"partNumber": 3, "size": 1, "crc32": crc(b"z")},
    ]
    small = [{"partNumber": 1, "size": 5, "crc32": crc(b"small")}]
    big_query = {"folderId": "folder-4", "uploadId": "up-5"}
    dataset = {
        "dataset_name": "squad",
        "apps": {"ids": ["app-1"]},
        "dataset_metadata": {"k": "v"},
        "description": "d",
        "file_type": "jsonl",
        "url": "https://example.com/squad",
        "language": "en",
        "job_type": ["train"],
        "source": {
            "source_type": "localMachine",
            "dataset_id": "ds-3",
            "dataset_path": "uploads/ds-3",
        },
    }
    assert exchanges(httpserver) == [
        ("GET", "/api/apps", {}, None),
        ("GET", "/api/datasets/search", {"dataset_name": "squad"}, None),
        ("POST", "/api/v1beta/upload/dataset-id", {}, None),
        (
            "POST",
            "/api/v1beta/upload/folder",
            {},
            {"datasetId": "ds-3", "fileList": ["big.bin", "small.txt"]},
        ),
        (
            "POST",
            "/api/v1beta/upload/multipart",
            {},
            {
                "folderId": "folder-4",
                "filePath": "big.bin",
                "chunkSize": CHUNK,
                "hashAlgo": "crc32",
            },
        ),
        ("PUT", "/api/v1beta/upload/file/big.bin", {**big_query, "partNumber": "1"}, BIG[:CHUNK]),
        ("PUT", "/api/v1beta/upload/file/big.bin", {**big_query, "partNumber": "2"}, BIG[CHUNK:-1]),
        ("PUT", "/api/v1beta/upload/file/big.bin", {**big_query, "partNumber": "3"}, b"z"),
        (
            "POST",
            "/api/v1beta/upload/multipart/complete",
            {},
            {**big_query, "filePath": "big.bin", "chunkSize": CHUNK, "partList": parts},
        ),
        (
            "POST",
            "/api/v1beta/upload/multipart",
            {},
            {
                "folderId": "folder-4",
                "filePath": "small.txt",
                "chunkSize": CHUNK,
                "hashAlgo": "crc32",
                "hashDigest": crc(b"small"),  # read before its create: its digest is free
            },
        ),
        (
            "PUT",
            "/api/v1beta/upload/file/small.txt",
            {"folderId": "folder-4", "uploadId": "up-10", "partNumber": "1"},
            b"small",
        ),
        (
            "POST",
            "/api/v1beta/upload/multipart/complete",
            {},
            {
                "folderId": "folder-4",
                "uploadId": "up-10",
                "filePath": "small.txt",
                "chunkSize": CHUNK,
                "partList": small,
            },
        ),
        (
            "POST",
            "/api/v1beta/upload/folder/complete",
            {},
            {
                "datasetId": "ds-3",
                "folderId": "folder-4",
                "fileList": [
                    {
                        "filePath": "big.bin",
                        "size": len(BIG),
                        "uploadId": "up-5",
                        "crc32": crc(BIG),
                    },
                    {
                        "filePath": "small.txt",
                        "size": 5,
                        "uploadId": "up-10",
                        "crc32": crc(b"small"),
                    },
                ],
            },
        ),
        ("POST", "/api/datasets", {}, dataset),
    ]
    assert added == {"id": "id-squad", **dataset}
    assert [answer.json() for answer in answered] == [added]
    assert re.fullmatch(
        r"APIResponse\(POST .*/api/datasets -> 200, request_id=None, elapsed=\d+\.\d{3}s\)",
        repr(answered[0]),
    )


def test_an_upload_reads_answers_where_the_clients_routes_say(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    """A routes file may say that add_dataset's answer sits under ``data``."""
    two_files(tmp_path)
    enveloped = transport.with_routes(
        {"add_dataset": attrs.evolve(ROUTES["add_dataset"], answer="data")}
    )
    server.rewrite = lambda route, given: (
        reply({"data": given.get_json()}) if route == "add_dataset" else given
    )
    answered: list[APIResponse] = []

    added = upload(enveloped, tmp_path, answered=answered.append)

    assert (added["id"], added["dataset_name"]) == ("id-squad", "squad")
    assert answered[0].json() == added


def test_progress_reports_each_part_once_from_the_upload_threads(
    transport: Pipeline, server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two_files(tmp_path)
    seen: list[tuple[TransferProgress, str]] = []

    upload(
        transport,
        tmp_path,
        on_progress=lambda report: seen.append((report, threading.current_thread().name)),
        progress_bar=True,
    )

    total = len(BIG) + 5
    assert [report for report, _ in seen] == [
        TransferProgress(CHUNK, total, "big.bin"),
        TransferProgress(2 * CHUNK, total, "big.bin"),
        TransferProgress(len(BIG), total, "big.bin"),
        TransferProgress(total, total, "small.txt"),
    ]
    # a part's worker reports it (one worker: concurrency 1); a one-part file is sent by
    # its file's worker
    assert [thread for _, thread in seen] == [
        "sambastudio-part_0",
        "sambastudio-part_0",
        "sambastudio-part_0",
        "sambastudio-file_0",
    ]
    bar = capsys.readouterr().err.strip().split("\r")[-1]
    assert bar.startswith("Uploading squad: 100%")
    assert f"| {total / 1024:.2f}k/{total / 1024:.2f}k [" in bar


def test_an_upload_reads_the_other_generations_names(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    """Answers with snake_case names (``dataset_id``, ``folder_id``, ``upload_id``...), and
    a whole-file ``hashDigest`` in upper case, are read as well as the camelCase ones."""
    two_files(tmp_path)
    snake = {
        "datasetId": "dataset_id",
        "folderId": "folder_id",
        "datasetPath": "dataset_path",
        "uploadId": "upload_id",
    }

    def in_snake_case(route: str, answer: Response) -> Response:
        body = {snake.get(k, k): v for k, v in answer.get_json().items()}
        if route == "complete_multipart":
            body["hashDigest"] = crc(server.files[body["filePath"]]).upper()
        return reply(body, answer.status_code)

    server.rewrite = in_snake_case

    added = upload(transport, tmp_path)

    assert added["source"] == {
        "source_type": "localMachine",
        "dataset_id": "ds-3",
        "dataset_path": "uploads/ds-3",
    }
    assert server.files == {"big.bin": BIG, "small.txt": b"small"}


@pytest.mark.parametrize("answer", [[], "done"])
def test_answers_that_are_not_objects_are_read_as_empty(
    transport: Pipeline, server: FakeServer, tmp_path: Path, answer: Any
) -> None:
    """A part, a file or a folder acknowledged with something else than an object has no
    crc32 to check: the upload goes on."""
    two_files(tmp_path)
    acknowledgements = {"upload_part", "complete_multipart", "complete_folder"}
    server.rewrite = lambda route, given: reply(answer) if route in acknowledgements else given

    added = upload(transport, tmp_path)

    assert added["dataset_name"] == "squad"
    assert server.files == {"big.bin": BIG, "small.txt": b"small"}


def test_a_refused_folder_completion_says_so(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    two_files(tmp_path)
    refused = reply({"detail": "the folder is closed"}, 400)
    server.rewrite = lambda route, given: refused if route == "complete_folder" else given

    with pytest.raises(UploadError) as raised:
        upload(transport, tmp_path)

    assert str(raised.value).startswith("the server refused to close the folder upload: ")
    assert "the folder is closed" in str(raised.value)
    assert "add_dataset" not in server.calls


@pytest.mark.parametrize("route", ["create_folder_upload", "create_multipart"])
def test_a_reservation_whose_answer_was_lost_is_asked_for_again(
    transport: Pipeline, server: FakeServer, tmp_path: Path, route: str
) -> None:
    """A folder or file upload the server made but answered 500 for is only left unused:
    the request is sent again (the pipeline alone retries no POST on a 500)."""
    two_files(tmp_path)
    lost = iter([reply({"detail": "lost"}, 500)])
    server.rewrite = lambda name, given: next(lost, given) if name == route else given

    upload(transport, tmp_path)

    assert server.calls.count(route) == (2 if route == "create_folder_upload" else 3)
    assert server.files == {"big.bin": BIG, "small.txt": b"small"}


def test_a_lost_add_dataset_answer_is_found_by_name_and_description(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_bytes(b"first")
    lost = iter([reply({"detail": "lost"}, 500)])
    server.rewrite = lambda route, given: next(lost, given) if route == "add_dataset" else given

    added = upload(transport, tmp_path, description="mine")

    assert (added["id"], added["description"]) == ("id-squad", "mine")
    assert server.calls[-3:] == ["add_dataset", "search_dataset", "dataset_info"]


def test_a_dataset_of_the_same_name_found_after_a_lost_answer_is_not_taken_for_ours(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_bytes(b"first")

    def someone_elses(route: str, given: Response) -> Response:
        if route != "add_dataset":
            return given
        server.datasets["squad"]["description"] = "theirs"
        return reply({"detail": "lost"}, 500)

    server.rewrite = someone_elses

    with pytest.raises(InternalServerError):
        upload(transport, tmp_path, description="mine")
    assert server.calls[-3:] == ["add_dataset", "search_dataset", "dataset_info"]


def test_a_throttled_add_dataset_is_sent_as_often_as_the_settings_retry(
    httpserver: HTTPServer, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_bytes(b"first")
    throttled = Response("{}", status=429, headers={"Retry-After": "0.01"})
    server.rewrite = lambda route, given: throttled if route == "add_dataset" else given
    settings = Settings(host_url=httpserver.url_for("/"), access_key="test-key", max_retries=4)

    with Pipeline(settings, sleep=lambda seconds: None) as transport, pytest.raises(RateLimitError):
        upload(transport, tmp_path)
    assert server.calls.count("add_dataset") == 5
