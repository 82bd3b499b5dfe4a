"""Steps of the multipart upload flow, shared by the upload and dataset tests."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import requests

from tests.emulator.conftest import Api

CHUNK = 1024


def crc(data: bytes) -> str:
    return format(zlib.crc32(data) & 0xFFFFFFFF, "08x")


def parts(data: bytes, chunk: int = CHUNK) -> list[bytes]:
    """``data`` cut as a client cuts it: chunk-sized parts, an empty file one empty part."""
    return [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]


def start_folder(
    api: Api, files: list[str], reserve: str = "generate_dataset_id"
) -> tuple[str, str]:
    """An id reserved by ``reserve`` (a dataset's, or a model upload's) and a folder upload
    declaring ``files``."""
    dataset_id = api.ok(reserve)["datasetId"]
    folder = api.ok("create_folder_upload", dataset_id=dataset_id, file_list=files)
    return dataset_id, folder["folderId"]


def new_upload(
    api: Api, folder_id: str, path: str, *, chunk: int = CHUNK, digest: str | None = None
) -> str:
    body = api.ok(
        "create_multipart_file_upload",
        folder_id=folder_id,
        file_path=path,
        chunk_size=chunk,
        hash_algo="crc32" if digest else None,
        hash_digest=digest,
    )
    return str(body["uploadId"])


def put(
    api: Api, folder_id: str, path: str, upload_id: str, number: int, data: bytes
) -> requests.Response:
    return api(
        "upload_part_file",
        folder_id=folder_id,
        file_path=path,
        part_number=number,
        upload_id=upload_id,
        file=data,
    )


def complete(
    api: Api, folder_id: str, path: str, upload_id: str, numbers: list[int], chunk: int = CHUNK
) -> requests.Response:
    return api(
        "complete_multipart_file_upload",
        folder_id=folder_id,
        file_path=path,
        chunk_size=chunk,
        upload_id=upload_id,
        part_list=[{"partNumber": number} for number in numbers],
    )


def send_file(api: Api, folder_id: str, path: str, data: bytes) -> dict[str, Any]:
    """Create, send every part of and complete one file; the completion's answer."""
    pieces = parts(data)
    upload_id = new_upload(api, folder_id, path, digest=crc(data))
    for number, piece in enumerate(pieces, 1):
        assert put(api, folder_id, path, upload_id, number, piece).status_code == 200
    response = complete(api, folder_id, path, upload_id, list(range(1, len(pieces) + 1)))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def upload_folder(
    api: Api, files: Mapping[str, bytes], reserve: str = "generate_dataset_id"
) -> str:
    """A complete folder upload of ``files``; the id ``reserve`` reserved."""
    dataset_id, folder_id = start_folder(api, list(files), reserve)
    for path, data in files.items():
        send_file(api, folder_id, path, data)
    api.ok(
        "complete_folder_upload", dataset_id=dataset_id, folder_id=folder_id, file_list=list(files)
    )
    return dataset_id


def dataset_args(api: Api, name: str, source: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """add_dataset arguments for the first app of the catalogue."""
    app = api.ok("list_apps")["apps"][0]
    args: dict[str, Any] = {
        "dataset_name": name,
        "apps": {"names": [app["name"]]},
        "dataset_metadata": {"source": "tests"},
        "description": "a test dataset",
        "file_type": "jsonl",
        "url": "",
        "language": "english",
        "job_type": ["train", "evaluation"],
        "source": source,
    }
    args.update(overrides)
    return args
