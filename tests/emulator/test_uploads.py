"""The multipart upload flow: parts on disk, checked assembly, resumable across a restart."""

from __future__ import annotations

import errno
import os
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from starlette.requests import Request

from sambastudio.emulator import Emulator, _upload_store
from sambastudio.emulator._errors import ApiError
from sambastudio.emulator._storage import dataset_files
from tests.emulator.conftest import Api
from tests.emulator.uploading import (
    CHUNK,
    complete,
    crc,
    dataset_args,
    new_upload,
    parts,
    put,
    send_file,
    start_folder,
)

DATA = os.urandom(3 * CHUNK + 100)


def stored(emu: Emulator, dataset_id: str) -> dict[str, bytes]:
    return {path: file.read_bytes() for path, file in dataset_files(emu.state, dataset_id).items()}


def test_the_whole_flow_stores_every_file_byte_identical(emulator: Emulator, api: Api) -> None:
    files = {"train.jsonl": DATA, "nested/dir/valid.jsonl": b"{}\n" * 10, "empty.txt": b""}
    dataset_id, folder_id = start_folder(api, list(files))
    answers = {path: send_file(api, folder_id, path, data) for path, data in files.items()}
    api.ok(
        "complete_folder_upload", dataset_id=dataset_id, folder_id=folder_id, file_list=list(files)
    )
    added = api.ok(
        "add_dataset",
        **dataset_args(api, "squad", {"source_type": "localMachine", "dataset_id": dataset_id}),
    )

    assert added["id"] == dataset_id
    assert stored(emulator, dataset_id) == files
    for path, data in files.items():
        assert answers[path] == {
            "filePath": path,
            "size": len(data),
            "crc32": crc(data),
            "status": "Completed",
        }


def test_the_status_lists_the_parts_held(api: Api) -> None:
    dataset_id, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin")
    for number in (2, 1):
        put(api, folder_id, "f.bin", upload_id, number, parts(DATA)[number - 1])

    status = api.ok("get_file_upload_status", dataset_id=dataset_id, upload_id=upload_id)

    assert status == {
        "uploadId": upload_id,
        "filePath": "f.bin",
        "status": "InProgress",
        "parts": [
            {"partNumber": n, "size": CHUNK, "crc32": crc(parts(DATA)[n - 1])} for n in (1, 2)
        ],
    }


def test_a_part_sent_again_replaces_the_first(emulator: Emulator, api: Api) -> None:
    dataset_id, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin", digest=crc(DATA))
    pieces = parts(DATA)
    put(api, folder_id, "f.bin", upload_id, 1, os.urandom(CHUNK))
    for number, piece in enumerate(pieces, 1):
        answer = put(api, folder_id, "f.bin", upload_id, number, piece).json()
        assert answer == {"partNumber": number, "size": len(piece), "crc32": crc(piece)}
    status = api.ok("get_file_upload_status", dataset_id=dataset_id, upload_id=upload_id)
    assert [part["crc32"] for part in status["parts"]] == [crc(piece) for piece in pieces]

    assert complete(api, folder_id, "f.bin", upload_id, [1, 2, 3, 4]).status_code == 200
    api.ok(
        "complete_folder_upload", dataset_id=dataset_id, folder_id=folder_id, file_list=["f.bin"]
    )
    assert (emulator.state.files_dir / "datasets" / dataset_id / "f.bin").read_bytes() == DATA


def test_a_digest_mismatch_is_refused_and_the_parts_stay(api: Api) -> None:
    dataset_id, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin", digest="0badc0de")
    for number, piece in enumerate(parts(DATA), 1):
        put(api, folder_id, "f.bin", upload_id, number, piece)

    response = complete(api, folder_id, "f.bin", upload_id, [1, 2, 3, 4])

    assert response.status_code == 400
    assert response.json() == {"detail": f"digest mismatch: expected 0badc0de, got {crc(DATA)}"}
    status = api.ok("get_file_upload_status", dataset_id=dataset_id, upload_id=upload_id)
    assert status["status"] == "InProgress"
    assert len(status["parts"]) == 4


@pytest.mark.parametrize(
    ("held", "listed", "problem"),
    [
        ([1, 2, 4], [1, 2, 3, 4, 5], "missing parts [3, 5]"),
        ([1, 2, 3, 4], [1, 2, 4], "missing parts [3]"),
        ([1, 2, 3, 4], [1, 2, 3], "out-of-range parts [4]"),
        ([1, 2, 3, 4], [1, 2, 2, 3, 4], "partList names parts [2] more than once"),
    ],
)
def test_missing_and_out_of_range_parts_are_refused(
    api: Api, held: list[int], listed: list[int], problem: str
) -> None:
    _, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin")
    for number in held:
        put(api, folder_id, "f.bin", upload_id, number, parts(DATA)[number - 1])

    response = complete(api, folder_id, "f.bin", upload_id, listed)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(problem)


def test_only_the_last_part_may_be_shorter_than_the_chunk_size(api: Api) -> None:
    _, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin")
    put(api, folder_id, "f.bin", upload_id, 1, b"short")
    put(api, folder_id, "f.bin", upload_id, 2, b"last")

    response = complete(api, folder_id, "f.bin", upload_id, [1, 2])

    assert response.status_code == 400
    assert "parts [1] are not 1024 bytes" in response.json()["detail"]


def test_a_part_list_crc_must_match_what_the_server_holds(api: Api) -> None:
    _, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin")
    put(api, folder_id, "f.bin", upload_id, 1, b"data")

    response = api(
        "complete_multipart_file_upload",
        folder_id=folder_id,
        file_path="f.bin",
        chunk_size=CHUNK,
        upload_id=upload_id,
        part_list=[{"partNumber": 1, "size": 4, "crc32": "00000000"}],
    )

    assert response.status_code == 400
    assert (
        response.json()["detail"] == f"part 1: crc32 sent 00000000, the server holds {crc(b'data')}"
    )


def test_completing_again_answers_the_same_and_parts_then_stay_fixed(api: Api) -> None:
    _, folder_id = start_folder(api, ["f.txt"])
    upload_id = new_upload(api, folder_id, "f.txt")
    put(api, folder_id, "f.txt", upload_id, 1, b"hello")
    first = complete(api, folder_id, "f.txt", upload_id, [1])
    again = complete(api, folder_id, "f.txt", upload_id, [1])

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    late = put(api, folder_id, "f.txt", upload_id, 1, b"changed")
    assert late.status_code == 409
    assert "completed" in late.json()["detail"]


def test_a_part_larger_than_the_chunk_size_is_refused_and_not_kept(api: Api) -> None:
    dataset_id, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin")

    response = put(api, folder_id, "f.bin", upload_id, 1, b"x" * (CHUNK + 1))

    assert response.status_code == 400
    assert response.json() == {"detail": "part 1 is larger than the chunk size (1024)"}
    status = api.ok("get_file_upload_status", dataset_id=dataset_id, upload_id=upload_id)
    assert status["parts"] == []


def test_a_big_part_is_streamed_to_disk_not_read_whole(
    emulator: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = os.urandom(32 << 20)
    dataset_id, folder_id = start_folder(api, ["big.bin"])
    upload_id = new_upload(api, folder_id, "big.bin", chunk=len(big), digest=crc(big))

    async def refuse(self: Request) -> bytes:
        raise AssertionError("a part's body must be streamed, never read whole")

    monkeypatch.setattr(Request, "body", refuse)
    answer = put(api, folder_id, "big.bin", upload_id, 1, big)
    monkeypatch.undo()  # JSON bodies are read whole, rightly

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"partNumber": 1, "size": len(big), "crc32": crc(big)}
    part = emulator.state.files_dir / "uploads" / upload_id / "1"
    assert part.stat().st_size == len(big)
    assert complete(api, folder_id, "big.bin", upload_id, [1], chunk=len(big)).status_code == 200
    assert not part.exists()
    final = emulator.state.files_dir / "datasets" / dataset_id / "big.bin"
    assert final.stat().st_size == len(big)


def test_assembly_combines_the_recorded_crcs_instead_of_reading_the_parts_back(
    emulator: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = crc(DATA)
    dataset_id, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin", digest=digest)
    for number, piece in enumerate(parts(DATA), 1):
        assert put(api, folder_id, "f.bin", upload_id, number, piece).status_code == 200

    def unread(data: bytes, value: int = 0) -> int:
        raise AssertionError("assembly must not hash the parts again")

    monkeypatch.setattr(zlib, "crc32", unread)  # for every module: nothing may hash
    response = complete(api, folder_id, "f.bin", upload_id, [1, 2, 3, 4])

    assert response.status_code == 200, response.text
    assert response.json()["crc32"] == digest
    assert (emulator.state.files_dir / "datasets" / dataset_id / "f.bin").read_bytes() == DATA
    assert not (emulator.state.files_dir / "uploads" / upload_id).exists()


def test_assembly_copies_in_blocks_where_the_kernel_cannot_copy(
    emulator: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cross_device(*args: object) -> int:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", cross_device, raising=False)
    monkeypatch.setattr(_upload_store, "COPY_BLOCK", 1000)  # several blocks per part
    dataset_id, folder_id = start_folder(api, ["f.bin"])

    send_file(api, folder_id, "f.bin", DATA)

    assert (emulator.state.files_dir / "datasets" / dataset_id / "f.bin").read_bytes() == DATA


def test_a_completion_sent_twice_at_once_waits_for_the_first(
    emulator: Emulator, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset_id, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin", digest=crc(DATA))
    for number, piece in enumerate(parts(DATA), 1):
        put(api, folder_id, "f.bin", upload_id, number, piece)
    copies: list[int] = []
    copy = _upload_store._copy

    def slow_copy(source: BinaryIO, sink: BinaryIO) -> int:
        copies.append(1)
        time.sleep(0.05)  # long enough for the second completion to arrive meanwhile
        return copy(source, sink)

    monkeypatch.setattr(_upload_store, "_copy", slow_copy)
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda _: complete(Api(emulator), folder_id, "f.bin", upload_id, [1, 2, 3, 4]),
                range(2),
            )
        )

    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert len(copies) == 4  # one assembly of four parts
    assert (emulator.state.files_dir / "datasets" / dataset_id / "f.bin").read_bytes() == DATA


def test_a_part_replaced_after_the_checks_is_not_assembled(emulator: Emulator, api: Api) -> None:
    _, folder_id = start_folder(api, ["f.bin"])
    upload_id = new_upload(api, folder_id, "f.bin")
    for number, piece in enumerate(parts(DATA), 1):
        put(api, folder_id, "f.bin", upload_id, number, piece)
    state = emulator.state
    checked = _upload_store.held_parts(state, upload_id)
    put(api, folder_id, "f.bin", upload_id, 2, os.urandom(CHUNK))  # after the checks
    upload = state.store.get("upload_file", upload_id)
    assert upload is not None

    with ExitStack() as stack, pytest.raises(ApiError) as raised:
        _upload_store._open_parts(state, upload, checked, stack)

    assert raised.value.status == 409
    assert "changed meanwhile" in raised.value.message


def test_a_restart_on_the_same_data_dir_keeps_an_upload_resumable(tmp_path: Path) -> None:
    pieces = parts(DATA)
    with Emulator(port=0, data_dir=tmp_path) as first:
        api = Api(first)
        dataset_id, folder_id = start_folder(api, ["f.bin"])
        upload_id = new_upload(api, folder_id, "f.bin", digest=crc(DATA))
        for number in (1, 2):
            assert put(api, folder_id, "f.bin", upload_id, number, pieces[number - 1]).ok

    with Emulator(port=0, data_dir=tmp_path) as second:
        api = Api(second)
        status = api.ok("get_file_upload_status", dataset_id=dataset_id, upload_id=upload_id)
        assert [part["partNumber"] for part in status["parts"]] == [1, 2]
        for number in (3, 4):
            assert put(api, folder_id, "f.bin", upload_id, number, pieces[number - 1]).ok
        assert complete(api, folder_id, "f.bin", upload_id, [1, 2, 3, 4]).ok
        api.ok(
            "complete_folder_upload",
            dataset_id=dataset_id,
            folder_id=folder_id,
            file_list=["f.bin"],
        )
        source = {"source_type": "localMachine", "dataset_id": dataset_id}
        api.ok("add_dataset", **dataset_args(api, "resumed", source))
        assert stored(second, dataset_id) == {"f.bin": DATA}


# ------------------------------------------------------------------ bad input
Call = Callable[[Api, dict[str, str]], Any]


def _ids(api: Api) -> dict[str, str]:
    """A folder declaring ``a/f.bin`` with one upload of it, holding part 1."""
    dataset_id, folder_id = start_folder(api, ["a/f.bin"])
    upload_id = new_upload(api, folder_id, "a/f.bin")
    put(api, folder_id, "a/f.bin", upload_id, 1, b"x")
    return {"dataset": dataset_id, "folder": folder_id, "upload": upload_id}


def _put(path: str = "a/f.bin", number: int = 1, **ids: str) -> Call:
    def call(api: Api, known: dict[str, str]) -> Any:
        return put(
            api,
            ids.get("folder", known["folder"]),
            path,
            ids.get("upload", known["upload"]),
            number,
            b"x",
        )

    return call


def _hostile_put(encoded_path: str) -> Call:
    """A PUT the SDK refuses to build (a '..' segment), sent by hand to test the server."""

    def call(api: Api, known: dict[str, str]) -> Any:
        return api.session.put(
            f"{api.emulator.url}/api/v1beta/upload/file/{encoded_path}",
            params={"folderId": known["folder"], "uploadId": known["upload"], "partNumber": 1},
            data=b"x",
            headers={"key": api.emulator.access_key},
            timeout=30,
        )

    return call


def _folder(files: list[str], dataset: str | None = None) -> Call:
    def call(api: Api, known: dict[str, str]) -> Any:
        return api("create_folder_upload", dataset_id=dataset or known["dataset"], file_list=files)

    return call


def _file(path: str = "a/f.bin", folder: str | None = None, **options: Any) -> Call:
    def call(api: Api, known: dict[str, str]) -> Any:
        args = {"chunk_size": CHUNK, **options}
        return api(
            "create_multipart_file_upload",
            folder_id=folder or known["folder"],
            file_path=path,
            **args,
        )

    return call


def _status(upload: str | None = None, dataset: str | None = None) -> Call:
    def call(api: Api, known: dict[str, str]) -> Any:
        return api(
            "get_file_upload_status",
            dataset_id=dataset or known["dataset"],
            upload_id=upload or known["upload"],
        )

    return call


def _complete(numbers: list[int] | None = None, **options: Any) -> Call:
    def call(api: Api, known: dict[str, str]) -> Any:
        args = {
            "folder_id": known["folder"],
            "file_path": "a/f.bin",
            "chunk_size": CHUNK,
            "upload_id": known["upload"],
            "part_list": [{"partNumber": n} for n in numbers or [1]],
            **options,
        }
        return api("complete_multipart_file_upload", **args)

    return call


def _close(files: list[Any], dataset: str | None = None) -> Call:
    def call(api: Api, known: dict[str, str]) -> Any:
        return api(
            "complete_folder_upload",
            dataset_id=dataset or known["dataset"],
            folder_id=known["folder"],
            file_list=files,
        )

    return call


UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("call", "status", "detail"),
    [
        (_put(number=0), 400, "partNumber"),
        (_put(number=100_001), 400, "partNumber"),
        (_put(upload=UNKNOWN), 404, f"upload {UNKNOWN} not found"),
        (_put(folder=UNKNOWN), 400, "belongs to folder"),
        (_put(path="a/other.bin"), 400, "is for 'a/f.bin', not 'a/other.bin'"),
        (_hostile_put("..%2Fa%2Ff.bin"), 400, "may not contain '..'"),
        (_folder(["../escape.txt"]), 400, "may not contain '..'"),
        (_folder(["/etc/passwd"]), 400, "must be a relative path"),
        (_folder(["a//b.txt"]), 400, "no empty or '.' segments"),
        (_folder(["a/./b.txt"]), 400, "no empty or '.' segments"),
        (_folder(["a\\b.txt"]), 400, "'/' as the separator"),
        (_folder(["x.txt", "x.txt"]), 400, "names 'x.txt' twice"),
        (_folder(["x", "x/y.txt"]), 400, "'x' as a file and as a folder"),
        (_folder([]), 400, "fileList"),
        (_folder(["x.txt"], dataset=UNKNOWN), 404, f"dataset id {UNKNOWN} not found"),
        (_file(chunk_size=0), 400, "chunkSize"),
        (_file(chunk_size=-5), 400, "chunkSize"),
        (_file(path="a/undeclared.bin"), 400, "is not in the folder's fileList"),
        (_file(path="/a/f.bin"), 400, "must be a relative path"),
        (_file(folder=UNKNOWN), 404, f"folder {UNKNOWN} not found"),
        (_file(hash_algo="md5"), 400, "hashAlgo must be crc32"),
        (_file(hash_algo="crc32", hash_digest="xyz"), 400, "hashDigest must be a crc32"),
        (_status(upload=UNKNOWN), 404, f"upload {UNKNOWN} not found"),
        (_status(dataset=UNKNOWN), 404, "is not part of dataset"),
        (_complete(chunk_size=2048), 400, "chunkSize 2048 differs"),
        (_complete([0]), 400, "partNumber"),
        (_complete(part_list=[]), 400, "partList"),
        (_close(["a/f.bin"]), 400, "files not completed: ['a/f.bin']"),
        (_close(["b.bin"]), 400, "'b.bin' is outside the folder's declared fileList"),
        (_close(["a/f.bin"], dataset=UNKNOWN), 400, "belongs to dataset"),
    ],
)
def test_bad_input_is_refused_with_a_clear_detail(
    shared_api: Api, call: Call, status: int, detail: str
) -> None:
    response = call(shared_api, _ids(shared_api))

    assert response.status_code == status, response.text
    assert detail in response.json()["detail"]


def test_a_folder_closes_only_with_matching_file_details(api: Api) -> None:
    known = _ids(api)
    upload_id = known["upload"]
    assert complete(api, known["folder"], "a/f.bin", upload_id, [1]).ok
    wrong = {"filePath": "a/f.bin", "uploadId": upload_id, "size": 1, "crc32": "00000000"}
    right = {**wrong, "crc32": crc(b"x")}

    refused = _close([wrong])(api, known)
    assert refused.status_code == 400
    assert (
        refused.json()["detail"] == f"'a/f.bin': crc32 sent 00000000, the server holds {crc(b'x')}"
    )
    assert _close([right])(api, known).status_code == 200
    assert _close([right])(api, known).status_code == 200  # safe to repeat
    late = _file()(api, known)
    assert late.status_code == 409
    assert "is completed" in late.json()["detail"]


def test_uploads_belong_to_their_tenant(emulator: Emulator, api: Api) -> None:
    emulator.add_tenant("other")
    outsider = emulator.add_user("eve", tenant="other")
    known = _ids(api)

    response = api(
        "get_file_upload_status",
        as_user=outsider,
        in_tenant="other",
        dataset_id=known["dataset"],
        upload_id=known["upload"],
    )

    assert response.status_code == 404


def test_the_upload_routes_need_the_platform_key(api: Api) -> None:
    known = _ids(api)
    assert api("generate_dataset_id", as_user=None).status_code == 401
    anonymous = api(
        "upload_part_file",
        as_user=None,
        folder_id=known["folder"],
        file_path="a/f.bin",
        part_number=1,
        upload_id=known["upload"],
        file=b"x",
    )
    assert anonymous.status_code == 401
