"""How an upload reads its files: a part streamed from its offset in 256 KiB blocks, its
crc32 computed on the way and rewound only to its start; a small one-part file read whole
before its create, which then carries its digest; a file that changes under the upload."""

from __future__ import annotations

import io
import os
import zlib
from pathlib import Path

import pytest
from werkzeug import Response

from sambastudio._pipeline import Pipeline
from sambastudio.errors import UploadError
from sambastudio.transfers import upload as _upload
from sambastudio.transfers.plan import plan_upload
from sambastudio.transfers.upload import PartStream
from tests.transfers.conftest import FakeServer, crc, upload_squad

BLOCK = 256 << 10
PART = 2 * BLOCK + 100


def second_part(tmp_path: Path, data: bytes) -> PartStream:
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    planned = plan_upload(path, chunk_size=PART).files[0]
    return PartStream(planned, planned.parts(PART)[1])


def test_a_part_is_read_from_its_offset_in_blocks_and_hashed(tmp_path: Path) -> None:
    data = os.urandom(2 * PART + 1)
    stream = second_part(tmp_path, data)
    assert (len(stream), stream.tell(), stream.seekable()) == (PART, 0, True)

    blocks = list(stream)

    assert [len(block) for block in blocks] == [BLOCK, BLOCK, 100]
    assert b"".join(blocks) == data[PART : 2 * PART]
    assert stream.tell() == PART
    assert stream.crc == format(zlib.crc32(data[PART : 2 * PART]), "08x")


def test_a_rewound_part_is_sent_and_hashed_again_from_its_start(tmp_path: Path) -> None:
    data = os.urandom(2 * PART)
    stream = second_part(tmp_path, data)
    first = b"".join(stream)

    assert stream.seek(0) == 0
    assert stream.tell() == 0
    assert b"".join(stream) == first == data[PART:]
    assert stream.crc == format(zlib.crc32(first), "08x")


@pytest.mark.parametrize(("position", "whence"), [(5, os.SEEK_SET), (0, os.SEEK_END)])
def test_a_part_rewinds_to_its_start_only(tmp_path: Path, position: int, whence: int) -> None:
    stream = second_part(tmp_path, bytes(2 * PART))
    with pytest.raises(io.UnsupportedOperation, match=r"^a part rewinds to its start only$"):
        stream.seek(position, whence)


def test_the_crc_of_a_part_not_sent_whole_is_refused(tmp_path: Path) -> None:
    stream = second_part(tmp_path, bytes(2 * PART))
    next(iter(stream))

    with pytest.raises(UploadError) as raised:
        _ = stream.crc

    assert str(raised.value) == "part 2 of 'f.bin' was not sent whole"


def test_a_file_that_shrank_under_its_part_fails_the_part(tmp_path: Path) -> None:
    stream = second_part(tmp_path, bytes(2 * PART))
    (tmp_path / "f.bin").write_bytes(bytes(PART + BLOCK))

    with pytest.raises(UploadError) as raised:
        b"".join(stream)

    assert str(raised.value) == f"{tmp_path / 'f.bin'} changed during the upload (it shrank)"


@pytest.mark.parametrize(
    ("size", "digest"), [(5, True), (6, False)], ids=["at-the-limit", "over-it"]
)
def test_a_one_part_file_up_to_the_small_size_is_created_with_its_digest(
    transport: Pipeline,
    server: FakeServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: int,
    digest: bool,
) -> None:
    monkeypatch.setattr(_upload, "SMALL_FILE", 5)
    data = os.urandom(size)
    (tmp_path / "f.bin").write_bytes(data)

    upload_squad(transport, tmp_path)

    (created,) = [body for body in server.uploads.values() if "filePath" in body]
    assert created.get("hashDigest") == (crc(data) if digest else None)
    assert server.files == {"f.bin": data}


@pytest.mark.parametrize(
    ("change", "why"),
    [(b"six b", " (it is shorter than planned)"), (b"twelve bytes and more", "; upload it again")],
    ids=["cut-short", "grown"],
)
def test_a_small_file_changed_after_the_plan_fails_the_upload(
    transport: Pipeline, server: FakeServer, tmp_path: Path, change: bytes, why: str
) -> None:
    target = tmp_path / "f.txt"
    target.write_bytes(b"twelve bytes")

    def change_it(route: str, answer: Response) -> Response:
        if route == "list_apps":  # the plan is made: it expects 12 bytes
            target.write_bytes(change)
            os.utime(target, ns=(10**18, 10**18))
        return answer

    server.rewrite = change_it

    with pytest.raises(UploadError) as raised:
        upload_squad(transport, tmp_path)
    assert str(raised.value) == f"{target} changed during the upload{why}"
    assert "complete_folder" not in server.calls
