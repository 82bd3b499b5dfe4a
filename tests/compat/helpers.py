"""Shared by the shim's tests: a transport that records instead of sending, and key readers.

The readers take what real callers read (api-evidence.md §3), in either API generation:
the 2025 shapes (``current`` flavor) and the 2024 ones (``legacy``).
"""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests

from sambastudio._config import Settings
from sambastudio._routes import WireRequest
from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator

_names = itertools.count(1)

SECRET = "sk-0123456789abcdef0123456789abcdef"
"""An access key the tests hunt for in everything the shim produces."""


def unique(prefix: str) -> str:
    """A name no other test uses (tests share one emulator per flavor and module)."""
    return f"{prefix}-{next(_names)}"


def ok(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` after checking it is the shim's dict of a 200 answer."""
    assert isinstance(result, dict), result
    assert result["status_code"] == 200, result
    assert isinstance(result["headers"], dict)
    return result


def fake_response(body: Any = None, status: int = 200, *, raw: bytes | None = None) -> Any:
    response = requests.Response()
    response.status_code = status
    response._content = raw if raw is not None else json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    response.headers["x-correlation-id"] = "corr-1"
    return response


class Recorder:
    """Stands in for the transport: records each wire request and answers ``answer``."""

    def __init__(self, settings: Settings, answer: Any = None) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.sent: list[tuple[WireRequest, dict[str, Any]]] = []
        self.answer = answer if answer is not None else fake_response({})

    def send(self, request: WireRequest, **options: Any) -> Any:
        self.sent.append((request, options))
        return self.answer


@contextmanager
def recording(answer: Any = None) -> Iterator[tuple[SnSdk, Recorder]]:
    """An ``SnSdk`` whose transport records; nothing goes over the network."""
    sdk = SnSdk("https://sambastudio.test", SECRET)
    recorder = Recorder(sdk._pipeline.settings, answer)
    sdk._pipeline = recorder  # type: ignore[assignment]
    yield sdk, recorder


# ----------------------------------------------------------- keys real callers read
def project_id(result: Mapping[str, Any]) -> str:
    """``create_project``/``project_info``: ``id`` (2025) or ``data.project_id`` (2024)."""
    return str(result["id"] if "id" in result else result["data"]["project_id"])


def projects(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``list_projects``: ``projects`` (2025) or ``data.projects`` (2024)."""
    listed = result["projects"] if "projects" in result else result["data"]["projects"]
    return list(listed)


def project_name(project: Mapping[str, Any]) -> str:
    return str(project.get("name") or project["project_name"])


def job_id(result: Mapping[str, Any]) -> str:
    """``create_job``: the flat ``job_id`` (both), or ``data.job_id``."""
    return str(result["job_id"] if "job_id" in result else result["data"]["job_id"])


def checkpoints(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``list_checkpoints``: ``checkpoints`` (2025) or ``data.checkpoints`` (2024)."""
    listed = result["checkpoints"] if "checkpoints" in result else result["data"]["checkpoints"]
    return list(listed)


def checkpoint_name(checkpoint: Mapping[str, Any]) -> str:
    """``name`` from 2025-02 on, ``checkpoint_name`` before."""
    return str(checkpoint.get("name") or checkpoint["checkpoint_name"])


def endpoint_key(endpoint: Mapping[str, Any]) -> str:
    """``api_keys[0].api_key`` (2025) or ``api_key`` (2024)."""
    if endpoint.get("api_keys"):
        return str(endpoint["api_keys"][0]["api_key"])
    return str(endpoint["api_key"])


# ------------------------------------------------------------------------ polling
ENDED = ("EXIT_WITH_0", "EXIT_WITH_1", "FAILED")


def run_to_end(sdk: SnSdk, emu: Emulator, project: str, job: str) -> list[str]:
    """Poll ``job_info`` as callers do (``['data']['status']``); the statuses seen."""
    seen: list[str] = []
    for _ in range(60):
        status = ok(sdk.job_info(project=project, job=job))["data"]["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ENDED:
            return seen
        emu.clock.advance(4)
    raise AssertionError(f"the job never ended: {seen}")


def until_live(sdk: SnSdk, emu: Emulator, project: str, endpoint: str) -> dict[str, Any]:
    """Poll ``endpoint_info`` until ``status`` is Live."""
    for _ in range(30):
        info = ok(sdk.endpoint_info(project=project, endpoint=endpoint))
        assert info["status"] in ("Deploying", "SettingUp", "AwaitingRDU", "Live"), info
        if info["status"] == "Live":
            return info
        emu.clock.advance(5)
    raise AssertionError("the endpoint never became Live")


# ------------------------------------------------------------------ dataset upload
def _crc(data: bytes) -> str:
    return format(zlib.crc32(data) & 0xFFFFFFFF, "08x")


def upload_dataset(
    sdk: SnSdk, name: str, files: Mapping[str, bytes], job_types: list[str], chunk_size: int = 64
) -> dict[str, Any]:
    """Upload ``files`` with the shim's own upload methods, as snapi drives them; add_dataset's
    answer. Every part is checked against the crc32 the server read."""
    dataset_id = ok(sdk.generate_dataset_id())["datasetId"]
    folder = ok(sdk.create_folder_upload(dataset_id, list(files)))
    folder_id = folder["folderId"]
    entries = []
    for path, data in files.items():
        created = sdk.create_multipart_file_upload(folder_id, path, chunk_size, "crc32", _crc(data))
        upload_id = ok(created)["uploadId"]
        parts = []
        for number, offset in enumerate(range(0, len(data), chunk_size), start=1):
            chunk = data[offset : offset + chunk_size]
            sent = ok(sdk.upload_part_file(folder_id, path, number, upload_id, chunk_size, chunk))
            assert sent["crc32"] == _crc(chunk)
            parts.append({"partNumber": number, "size": len(chunk), "crc32": _crc(chunk)})
        held = ok(sdk.get_file_upload_status(dataset_id, upload_id))["parts"]
        assert [part["partNumber"] for part in held] == [part["partNumber"] for part in parts]
        ok(sdk.complete_multipart_file_upload(folder_id, path, chunk_size, upload_id, parts))
        entry = {"filePath": path, "size": len(data), "uploadId": upload_id, "crc32": _crc(data)}
        entries.append(entry)
    ok(sdk.complete_folder_upload(dataset_id=dataset_id, folder_id=folder_id, file_list=entries))
    source = {
        "source_type": "localMachine",
        "dataset_id": dataset_id,
        "dataset_path": folder["datasetPath"],
    }
    apps = {"names": ["Generative Tuning"]}
    return ok(
        sdk.add_dataset(name, apps, {}, "a test dataset", "jsonl", "", "english", job_types, source)
    )


TRAINING_DATA = {
    "train.jsonl": b"".join(
        b'{"prompt": "question %d", "completion": "answer %d"}\n' % (n, n) for n in range(20)
    ),
    "validation/eval.jsonl": b'{"prompt": "q", "completion": "a"}\n',
}
