"""Uploads against a loopback fake of the upload API: shapes, checks, digests, resume."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from sambastudio._pipeline import Pipeline
from sambastudio.errors import BadRequestError, InvalidArgumentError, UploadError
from sambastudio.transfers import upload as _upload
from sambastudio.transfers.crc import crc32_combine, crc32_of_parts
from sambastudio.transfers.plan import Journal, PlannedFile, plan_upload
from sambastudio.transfers.progress import TransferProgress
from sambastudio.transfers.upload import resume_upload, upload_dataset
from tests.transfers.conftest import FakeServer, crc

CHUNK = 1024


def make_tree(root: Path) -> dict[str, bytes]:
    """Nested folders with the edge cases: empty, 1 byte, exactly one chunk, non-ASCII."""
    files = {
        "empty.txt": b"",
        "one.bin": b"x",
        "exact.bin": os.urandom(CHUNK),
        "a/b/c/deep.bin": os.urandom(3 * CHUNK + 17),
        "données/été 📈.csv": "naïve,café\n".encode() * 50,
    }
    for relpath, data in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def upload(transport: Pipeline, folder: Path, **kwargs: object) -> dict[str, object]:
    options: dict[str, object] = {
        "name": "squad",
        "path": folder,
        "apps": ["Llama"],
        "job_types": ["train", "evaluation"],
        "chunk_size": CHUNK,
        **kwargs,
    }
    return upload_dataset(transport, **options)  # type: ignore[arg-type]


def test_folder_arrives_byte_identical(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    files = make_tree(tmp_path)
    seen: list[TransferProgress] = []

    added = upload(transport, tmp_path, on_progress=seen.append, concurrency=3)

    assert server.files == files
    assert added["dataset_name"] == "squad"
    assert added["apps"] == {"ids": ["app-1"]}
    assert added["job_type"] == ["train", "evaluation"]
    assert added["source"]["dataset_id"] == server.uploads[next(iter(server.uploads))]["dataset"]  # type: ignore[index]
    total = sum(map(len, files.values()))
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1] == TransferProgress(total, total, seen[-1].item)
    # parts are at most one chunk, and an empty file is one empty part
    assert all(len(data) <= CHUNK for parts in server.parts.values() for data in parts.values())
    assert ("empty.txt", 1) in server.put_parts


def test_single_file_and_its_digest_on_create(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    small = tmp_path / "small.jsonl"
    small.write_bytes(b'{"prompt": "hi"}\n')

    upload(transport, small)

    assert server.files == {"small.jsonl": small.read_bytes()}
    created = [u for u in server.uploads.values() if "filePath" in u]
    assert created[0]["hashDigest"] == format(zlib.crc32(small.read_bytes()), "08x")


def test_larger_one_part_files_are_streamed_without_a_digest(
    transport: Pipeline, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_upload, "SMALL_FILE", -1)
    files = make_tree(tmp_path)

    upload(transport, tmp_path)

    assert server.files == files
    assert all(u.get("hashDigest") is None for u in server.uploads.values() if "filePath" in u)


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"path": "missing"}, "path"),
        ({"path": "empty-dir"}, "path"),
        ({"apps": ["NoSuchApp"]}, "apps"),
        ({"job_types": ["deploy"]}, "job_types"),
        ({"name": "taken"}, "name"),
        ({"chunk_size": 0}, "chunk_size"),
    ],
)
def test_bad_arguments_fail_before_anything_is_created(
    transport: Pipeline,
    server: FakeServer,
    tmp_path: Path,
    change: dict[str, object],
    argument: str,
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "f.txt").write_text("hello")
    (tmp_path / "empty-dir" / "sub").mkdir(parents=True)
    server.datasets["taken"] = {"id": "id-taken"}
    if "path" in change:
        change = {"path": tmp_path / str(change["path"])}

    with pytest.raises(InvalidArgumentError) as caught:
        upload(transport, tmp_path / "data", **change)

    assert caught.value.argument == argument
    assert set(server.calls) <= {"list_apps", "search_dataset"}


def test_a_part_corrupted_once_is_sent_again(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    data = os.urandom(4 * CHUNK)
    (tmp_path / "f.bin").write_bytes(data)
    corrupted: set[int] = set()

    def flip_once(path: str, number: int, body: bytes) -> bytes:
        if number == 2 and number not in corrupted:
            corrupted.add(number)
            return b"!" + body[1:]
        return body

    server.corrupt = flip_once
    upload(transport, tmp_path)

    assert server.files == {"f.bin": data}
    assert server.put_parts.count(("f.bin", 2)) == 2


def test_a_failed_part_is_retried_alone_from_its_start(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    data = os.urandom(3 * CHUNK)
    (tmp_path / "f.bin").write_bytes(data)
    server.part_faults[("f.bin", 2)] = [500, 503, 502]

    upload(transport, tmp_path)

    assert server.files == {"f.bin": data}
    assert server.put_parts.count(("f.bin", 2)) == 4
    assert server.put_parts.count(("f.bin", 1)) == 1


def test_a_digest_mismatch_that_persists_fails_the_upload(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    data = os.urandom(2 * CHUNK)
    (tmp_path / "f.bin").write_bytes(data)
    server.corrupt = lambda path, number, body: body[::-1]

    with pytest.raises(UploadError) as raised:
        upload(transport, tmp_path, concurrency=1)
    assert str(raised.value) == (
        f"part 1 of 'f.bin' arrived corrupted 3 times: "
        f"crc32 sent {crc(data[:CHUNK])}, received {crc(data[CHUNK - 1 :: -1])}"
    )
    assert server.put_parts == [("f.bin", 1)] * 3  # and part 2 is not sent
    assert "datasets" not in server.calls
    assert "add_dataset" not in server.calls


def test_a_wrong_whole_file_digest_is_refused(
    transport: Pipeline, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "f.txt").write_text("small")
    create = _upload._Upload._create

    def lying_create(self: _upload._Upload, file: PlannedFile, digest: str | None) -> str:
        return create(self, file, "00000000")

    monkeypatch.setattr(_upload._Upload, "_create", lying_create)
    with pytest.raises(UploadError, match="refused to assemble"):
        upload(transport, tmp_path)
    assert "add_dataset" not in server.calls


def test_resume_sends_only_the_missing_parts(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    big = os.urandom(6 * CHUNK + 5)
    (tmp_path / "big.bin").write_bytes(big)
    (tmp_path / "small.txt").write_text("small")
    server.refuse_part = lambda path, number: number == 4
    with pytest.raises(BadRequestError):
        upload(transport, tmp_path, concurrency=1)
    sent_before = set(server.put_parts) - {("big.bin", 4)}
    assert "add_dataset" not in server.calls
    server.refuse_part = lambda path, number: False
    server.put_parts.clear()
    server.calls.clear()

    upload(transport, tmp_path, concurrency=1)

    assert server.files == {"big.bin": big, "small.txt": b"small"}
    assert not set(server.put_parts) & sent_before
    assert ("big.bin", 4) in server.put_parts
    assert "generate_dataset_id" not in server.calls  # the same folder upload went on


def test_a_lost_add_dataset_answer_does_not_add_it_twice(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_text("x")
    server.lose_add_answer = True

    added = upload(transport, tmp_path)

    assert added["dataset_name"] == "squad"
    assert server.calls.count("add_dataset") == 1
    assert server.calls[-2:] == ["search_dataset", "dataset_info"]


def test_resume_upload_needs_no_dataset_details(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "big.bin").write_bytes(os.urandom(3 * CHUNK))
    server.refuse_part = lambda path, number: number == 3
    with pytest.raises(BadRequestError):
        upload(transport, tmp_path, description="kept")
    server.refuse_part = lambda path, number: False

    added = resume_upload(transport, name="squad", path=tmp_path)

    assert added["description"] == "kept"
    assert server.put_parts.count(("big.bin", 1)) == 1


def test_resume_upload_without_an_interrupted_upload(transport: Pipeline, tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="no interrupted upload"):
        resume_upload(transport, name="squad", path=tmp_path)


def test_a_changed_file_starts_the_upload_over(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    target = tmp_path / "f.bin"
    target.write_bytes(os.urandom(3 * CHUNK))
    server.refuse_part = lambda path, number: number == 3
    with pytest.raises(BadRequestError):
        upload(transport, tmp_path)
    server.refuse_part = lambda path, number: False
    new = os.urandom(3 * CHUNK)
    target.write_bytes(new)
    os.utime(target, ns=(1, 1))
    with pytest.raises(UploadError, match="changed"):
        resume_upload(transport, name="squad", path=tmp_path)
    server.calls.clear()

    upload(transport, tmp_path)

    assert server.files == {"f.bin": new}
    assert "generate_dataset_id" in server.calls


def test_plan_uses_posix_relative_paths_and_chunk_ranges(tmp_path: Path) -> None:
    make_tree(tmp_path)
    plan = plan_upload(tmp_path, CHUNK)
    by_path = {f.relpath: f for f in plan.files}

    assert sorted(by_path) == sorted(
        ["a/b/c/deep.bin", "données/été 📈.csv", "empty.txt", "exact.bin", "one.bin"]
    )
    assert [(p.offset, p.size) for p in by_path["empty.txt"].parts(CHUNK)] == [(0, 0)]
    assert [(p.offset, p.size) for p in by_path["exact.bin"].parts(CHUNK)] == [(0, CHUNK)]
    deep = by_path["a/b/c/deep.bin"].parts(CHUNK)
    assert [p.number for p in deep] == [1, 2, 3, 4]
    assert deep[-1].size == 17


def test_crc32_combine_matches_zlib() -> None:
    chunks = [os.urandom(n) for n in (0, 1, 1000, 4096, 77)]
    whole = zlib.crc32(b"".join(chunks))
    assert crc32_of_parts((zlib.crc32(c), len(c)) for c in chunks) == whole
    assert crc32_combine(zlib.crc32(b"ab"), zlib.crc32(b"c"), 1) == zlib.crc32(b"abc")


@pytest.mark.parametrize("key", ["crc32", "hashDigest"])
def test_a_wrong_whole_file_crc_reported_on_completion_is_refused(
    transport: Pipeline, server: FakeServer, tmp_path: Path, key: str
) -> None:
    """The server says it assembled other bytes than the parts' crc32s combine to."""
    data = os.urandom(3 * CHUNK + 1)
    (tmp_path / "big.bin").write_bytes(data)
    server.completion = {key: "DEADBEEF"}

    with pytest.raises(UploadError) as raised:
        upload(transport, tmp_path)
    assert str(raised.value) == (
        f"'big.bin' was assembled with crc32 DEADBEEF, expected {crc(data)}"
    )
    assert "add_dataset" not in server.calls


def test_the_right_whole_file_crc_reported_on_completion_is_accepted(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    data = os.urandom(3 * CHUNK + 1)
    (tmp_path / "big.bin").write_bytes(data)
    server.completion = {"hashDigest": format(zlib.crc32(data), "08X")}  # any case

    assert upload(transport, tmp_path)["dataset_name"] == "squad"
    assert server.files == {"big.bin": data}


@pytest.mark.parametrize(
    ("change", "why"), [("append", "; upload it again"), ("truncate", " (it shrank)")]
)
def test_a_file_modified_while_it_is_uploaded_fails_the_upload(
    transport: Pipeline, server: FakeServer, tmp_path: Path, change: str, why: str
) -> None:
    target = tmp_path / "big.bin"
    target.write_bytes(os.urandom(4 * CHUNK))

    def modify(path: str, number: int, data: bytes) -> bytes:
        if number == 1:  # the first part is on the server: change the file under the client
            if change == "append":
                with target.open("ab") as out:
                    out.write(b"more")
                os.utime(target, ns=(10**18, 10**18))
            else:
                target.write_bytes(data)
        return data

    server.corrupt = modify

    with pytest.raises(UploadError) as raised:
        upload(transport, tmp_path, concurrency=1)
    assert str(raised.value) == f"{target} changed during the upload{why}"
    assert "complete_multipart" not in server.calls
    assert "add_dataset" not in server.calls


def test_resume_checks_the_parts_the_server_lists_against_the_journal(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    """A part the server holds with other bytes than the journal recorded is sent again."""
    big = os.urandom(4 * CHUNK)
    (tmp_path / "big.bin").write_bytes(big)
    server.refuse_part = lambda path, number: number == 4
    with pytest.raises(BadRequestError):
        upload(transport, tmp_path, concurrency=1)
    server.refuse_part = lambda path, number: False
    (upload_id,) = server.parts
    server.parts[upload_id][2] = b"not what was sent" + bytes(CHUNK - 17)
    server.put_parts.clear()

    upload(transport, tmp_path, concurrency=1)

    assert sorted(server.put_parts) == [("big.bin", 2), ("big.bin", 4)]
    assert server.files == {"big.bin": big}


def test_the_journal_is_removed_after_a_success(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "big.bin").write_bytes(os.urandom(3 * CHUNK))
    server.refuse_part = lambda path, number: number == 3
    with pytest.raises(BadRequestError):
        upload(transport, tmp_path)
    journal = Journal("squad", tmp_path.absolute())
    assert journal.path.exists()  # the interrupted upload left it to resume from
    server.refuse_part = lambda path, number: False

    upload(transport, tmp_path)

    assert not journal.path.exists()
    assert journal.records() == []
