"""Resuming an interrupted upload: what the second attempt asks, sends and reports.

Against the loopback fake of ``conftest.py``; each scenario interrupts a first attempt by
refusing one part, then lets the next attempt through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._response import APIResponse
from sambastudio.errors import BadRequestError, InvalidArgumentError, UploadError
from sambastudio.transfers.plan import Journal
from sambastudio.transfers.progress import TransferProgress
from sambastudio.transfers.upload import resume_upload
from tests.transfers.conftest import FakeServer, crc, upload_squad

CHUNK = 1024
BIG = bytes(range(256)) * 8 + b"z"
"""Three parts: two whole chunks and one byte."""


def upload(transport: Pipeline, root: Path, **options: Any) -> dict[str, Any]:
    return upload_squad(transport, root, **{"chunk_size": CHUNK, "concurrency": 1, **options})


def interrupted(transport: Pipeline, server: FakeServer, root: Path, **options: Any) -> None:
    """A first attempt that stops at part 3 of ``big.bin`` (refused), then a server that
    takes every part again, with its logs cleared."""
    server.refuse_part = lambda path, number: number == 3
    with pytest.raises(BadRequestError):
        upload(transport, root, **options)
    server.refuse_part = lambda path, number: False
    server.calls.clear()
    server.put_parts.clear()
    server.http.clear_log()


def a_file_and_a_big_one(root: Path) -> None:
    (root / "a.txt").write_bytes(b"first")  # before big.bin: completed by the first attempt
    (root / "big.bin").write_bytes(BIG)


def test_a_resume_asks_for_the_missing_parts_and_sends_only_those(
    transport: Pipeline, server: FakeServer, httpserver: HTTPServer, tmp_path: Path
) -> None:
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path, description="kept")
    seen: list[TransferProgress] = []

    added = upload(transport, tmp_path, description="kept", on_progress=seen.append)

    total = 5 + len(BIG)
    assert seen == [  # what the first attempt did is counted first
        TransferProgress(5, total, "a.txt"),
        TransferProgress(5 + CHUNK, total, "big.bin"),
        TransferProgress(5 + 2 * CHUNK, total, "big.bin"),
        TransferProgress(total, total, "big.bin"),
    ]
    asked = [(r.method, r.path, dict(r.args), r.get_json(silent=True)) for r, _ in httpserver.log]
    query = {"folderId": "folder-4", "uploadId": "up-8"}
    assert (
        asked[2:-1]
        == [  # after the apps and the name; before add_dataset
            ("GET", "/api/v1beta/upload/status", {"datasetId": "ds-3", "uploadId": "up-8"}, None),
            ("PUT", "/api/v1beta/upload/file/big.bin", {**query, "partNumber": "3"}, None),
            (
                "POST",
                "/api/v1beta/upload/multipart/complete",
                {},
                {
                    **query,
                    "filePath": "big.bin",
                    "chunkSize": CHUNK,
                    "partList": [
                        {"partNumber": 1, "size": CHUNK, "crc32": crc(BIG[:CHUNK])},
                        {"partNumber": 2, "size": CHUNK, "crc32": crc(BIG[CHUNK:-1])},
                        {"partNumber": 3, "size": 1, "crc32": crc(b"z")},
                    ],
                },
            ),
            (
                "POST",
                "/api/v1beta/upload/folder/complete",
                {},
                {
                    "datasetId": "ds-3",
                    "folderId": "folder-4",
                    "fileList": [  # a.txt as the first attempt completed it
                        {
                            "filePath": "a.txt",
                            "size": 5,
                            "uploadId": "up-5",
                            "crc32": crc(b"first"),
                        },
                        {
                            "filePath": "big.bin",
                            "size": len(BIG),
                            "uploadId": "up-8",
                            "crc32": crc(BIG),
                        },
                    ],
                },
            ),
        ]
    )
    assert added["source"]["dataset_path"] == "uploads/ds-3"
    assert added["description"] == "kept"
    assert server.files == {"a.txt": b"first", "big.bin": BIG}


def test_a_resume_sends_the_details_given_to_it(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path, description="old", language="fr")

    added = upload(transport, tmp_path, description="new")

    assert (added["description"], added["language"]) == ("new", "")
    assert "generate_dataset_id" not in server.calls


def test_a_file_upload_the_server_forgot_starts_that_file_over(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path)
    server.parts.clear()  # the status of big.bin's upload is now a 404
    seen: list[TransferProgress] = []

    upload(transport, tmp_path, on_progress=seen.append)

    assert server.calls[2:5] == ["status", "create_multipart", "upload_part"]
    assert server.put_parts == [("big.bin", 1), ("big.bin", 2), ("big.bin", 3)]
    assert server.files == {"a.txt": b"first", "big.bin": BIG}
    assert [report.done for report in seen] == [5, 5 + CHUNK, 5 + 2 * CHUNK, 5 + len(BIG)]


def test_a_one_part_file_the_server_forgot_is_sent_again_with_its_digest(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "big.bin").write_bytes(BIG)
    (tmp_path / "c.txt").write_bytes(b"last")  # after big.bin: never completed
    server.refuse_part = lambda path, number: path == "c.txt"
    with pytest.raises(BadRequestError):
        upload(transport, tmp_path)
    server.refuse_part = lambda path, number: False
    server.put_parts.clear()

    upload(transport, tmp_path)

    assert server.put_parts == [("c.txt", 1)]
    created = [body for body in server.uploads.values() if body.get("filePath") == "c.txt"]
    assert [body["hashDigest"] for body in created] == [crc(b"last")] * 2
    assert server.files == {"big.bin": BIG, "c.txt": b"last"}


def test_an_upload_started_over_keeps_one_start_in_its_journal(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path)
    (tmp_path / "big.bin").write_bytes(BIG[::-1])  # another file: the journal is stale
    server.refuse_part = lambda path, number: number == 3
    with pytest.raises(BadRequestError):
        upload(transport, tmp_path, description="second")

    records = Journal("squad", tmp_path.absolute()).records()
    kinds = ["start", "file", "part", "file_done", "file", "part", "part"]
    assert [record["kind"] for record in records] == kinds
    assert records[0]["dataset"]["description"] == "second"
    assert records[0]["chunk_size"] == CHUNK


def test_resume_upload_refuses_a_name_taken_meanwhile(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path)
    server.datasets["squad"] = {"id": "id-other"}

    with pytest.raises(InvalidArgumentError) as raised:
        resume_upload(transport, name="squad", path=tmp_path)

    assert (raised.value.argument, raised.value.problem) == (
        "name",
        "a dataset named 'squad' already exists",
    )
    assert server.calls == ["search_dataset"]


def test_resume_upload_says_why_it_cannot_resume(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    with pytest.raises(UploadError) as nothing:
        resume_upload(transport, name="squad", path=tmp_path)
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path)
    (tmp_path / "a.txt").write_bytes(b"other")

    with pytest.raises(UploadError) as changed:
        resume_upload(transport, name="squad", path=tmp_path)

    assert str(nothing.value) == (
        f"there is no interrupted upload of {str(tmp_path)!r} as 'squad' to resume"
    )
    assert str(changed.value) == (
        f"the files under {str(tmp_path)!r} changed since the upload was interrupted; "
        "upload them again to start over"
    )
    assert server.calls == []


def test_resume_upload_checks_the_concurrency_and_keeps_the_chunk_size(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path)
    with pytest.raises(InvalidArgumentError) as raised:
        resume_upload(transport, name="squad", path=tmp_path, concurrency=0)
    assert raised.value.argument == "concurrency"

    added = resume_upload(transport, name="squad", path=tmp_path, concurrency=1)

    assert added["job_type"] == ["train"]
    assert server.put_parts == [("big.bin", 3)]  # the same 1 KiB parts as before


def test_a_lookup_that_finds_nothing_is_an_answer_not_a_tenant_problem(
    httpserver: HTTPServer, server: FakeServer, tmp_path: Path
) -> None:
    """With a tenant set, an unexpected 404 makes the client list the tenants to explain
    it; the name's search and a forgotten upload's status expect their 404 and do not."""
    a_file_and_a_big_one(tmp_path)
    settings = Settings(host_url=httpserver.url_for("/"), access_key="test-key", tenant="research")
    with Pipeline(settings, sleep=lambda seconds: None) as transport:
        interrupted(transport, server, tmp_path)
        server.parts.clear()

        upload(transport, tmp_path)

    assert server.calls[:3] == ["list_apps", "search_dataset", "status"]
    assert len(httpserver.log) == len(server.calls)  # no request the fake does not serve


def test_resume_upload_reports_progress(
    transport: Pipeline, server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file_and_a_big_one(tmp_path)
    interrupted(transport, server, tmp_path)
    seen: list[TransferProgress] = []
    answered: list[APIResponse] = []

    added = resume_upload(
        transport,
        name="squad",
        path=tmp_path,
        on_progress=seen.append,
        progress_bar=True,
        answered=answered.append,
    )

    assert [report.done for report in seen] == [5, 5 + CHUNK, 5 + 2 * CHUNK, 5 + len(BIG)]
    assert capsys.readouterr().err.strip().split("\r")[-1].startswith("Uploading squad: 100%")
    assert [answer.json() for answer in answered] == [added]
