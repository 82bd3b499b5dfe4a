"""A small in-memory upload/download server on pytest-httpserver (real loopback HTTP).

It speaks the routes of ``_routes.py`` the way the emulator does, and lets a test break
one exchange precisely (a corrupted part, a refused part) to check the client's answer.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio.transfers.upload import upload_dataset

Handler = Callable[[Request], Response]
_CALL = "fake.call"
"""Where a request keeps its rank among the requests the fake answered."""


def crc(data: bytes) -> str:
    return format(zlib.crc32(data) & 0xFFFFFFFF, "08x")


def reply(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


class FakeServer:
    """The upload and dataset routes, with state a test can read and faults it can plant."""

    def __init__(self, httpserver: HTTPServer) -> None:
        self.http = httpserver
        self.apps = [{"id": "app-1", "name": "Llama"}, {"id": "app-2", "name": "Mistral"}]
        self.datasets: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.parts: dict[str, dict[int, bytes]] = defaultdict(dict)
        self.files: dict[str, bytes] = {}
        self.calls: list[str] = []
        self._lock = threading.Lock()
        self.put_parts: list[tuple[str, int]] = []
        self.corrupt: Callable[[str, int, bytes], bytes] = lambda path, number, data: data
        self.refuse_part: Callable[[str, int], bool] = lambda path, number: False
        self.part_faults: dict[tuple[str, int], list[int]] = {}
        """Statuses a part is answered with, in turn, once its body has been read."""
        self.lose_add_answer = False
        """add_dataset creates the dataset, then answers 500 (once)."""
        self.completion: dict[str, str] = {}
        """Added to complete_multipart's answer, e.g. the whole file's ``crc32``."""
        self.rewrite: Callable[[str, Response], Response] = lambda route, answer: answer
        """Given each route's name (a handler's) and answer, the answer sent instead."""
        routes: dict[tuple[str, str], Handler] = {
            ("GET", "/api/apps"): self.list_apps,
            ("GET", "/api/datasets/search"): self.search_dataset,
            ("POST", "/api/v1beta/upload/dataset-id"): self.generate_dataset_id,
            ("POST", "/api/v1beta/upload/folder"): self.create_folder_upload,
            ("POST", "/api/v1beta/upload/multipart"): self.create_multipart,
            ("PUT", "/api/v1beta/upload/file/.+"): self.upload_part,
            ("GET", "/api/v1beta/upload/status"): self.status,
            ("POST", "/api/v1beta/upload/multipart/complete"): self.complete_multipart,
            ("POST", "/api/v1beta/upload/folder/complete"): self.complete_folder,
            ("POST", "/api/datasets"): self.add_dataset,
            ("GET", "/api/datasets/[^/]+"): self.dataset_info,
        }
        for (method, path), handler in routes.items():
            httpserver.expect_request(re.compile(f"^{path}$"), method=method).respond_with_handler(
                self._logged(handler)
            )

    @staticmethod
    def _id(prefix: str, request: Request) -> str:
        """An id numbered by the request that made it (``ds-3``: the third request's)."""
        return f"{prefix}-{request.environ[_CALL]}"

    def _logged(self, handler: Handler) -> Handler:
        def run(request: Request) -> Response:
            with self._lock:
                self.calls.append(handler.__name__)
                request.environ[_CALL] = len(self.calls)
            return self.rewrite(handler.__name__, handler(request))

        return run

    def list_apps(self, request: Request) -> Response:
        return reply({"apps": self.apps})

    def search_dataset(self, request: Request) -> Response:
        found = self.datasets.get(request.args["dataset_name"])
        if found is None:
            return reply({"detail": "dataset not found"}, 404)
        return reply({"data": {"dataset_id": found["id"]}})

    def generate_dataset_id(self, request: Request) -> Response:
        return reply({"datasetId": self._id("ds", request)})

    def create_folder_upload(self, request: Request) -> Response:
        body = request.get_json()
        folder = self._id("folder", request)
        self.uploads[folder] = {"files": body["fileList"], "dataset": body["datasetId"]}
        return reply({"folderId": folder, "datasetPath": f"uploads/{body['datasetId']}"})

    def create_multipart(self, request: Request) -> Response:
        body = request.get_json()
        if body["folderId"] not in self.uploads:
            return reply({"detail": f"no folder upload {body['folderId']}"}, 404)
        upload = self._id("up", request)
        self.uploads[upload] = body
        return reply({"uploadId": upload, "path": body["filePath"]})

    def upload_part(self, request: Request) -> Response:
        path = request.path.removeprefix("/api/v1beta/upload/file/")
        number = int(request.args["partNumber"])
        self.put_parts.append((path, number))
        if self.refuse_part(path, number):
            return reply({"detail": "refused"}, 400)
        faults = self.part_faults.get((path, number))
        if faults:
            request.get_data()
            return reply({"detail": "injected"}, faults.pop(0))
        data = self.corrupt(path, number, request.get_data())
        self.parts[request.args["uploadId"]][number] = data
        return reply({"partNumber": number, "size": len(data), "crc32": crc(data)})

    def status(self, request: Request) -> Response:
        parts = self.parts.get(request.args["uploadId"])
        if parts is None:
            return reply({"detail": "no such upload"}, 404)
        listed = [{"partNumber": n, "size": len(d), "crc32": crc(d)} for n, d in parts.items()]
        return reply({"uploadId": request.args["uploadId"], "parts": listed})

    def complete_multipart(self, request: Request) -> Response:
        body = request.get_json()
        parts = self.parts[body["uploadId"]]
        for item in body["partList"]:
            stored = parts.get(item["partNumber"])
            if stored is None or crc(stored) != item["crc32"]:
                return reply({"detail": f"part {item['partNumber']} is missing or differs"}, 400)
        data = b"".join(parts[item["partNumber"]] for item in body["partList"])
        digest = self.uploads[body["uploadId"]].get("hashDigest")
        if digest is not None and digest != crc(data):
            return reply({"detail": "digest mismatch"}, 400)
        self.files[body["filePath"]] = data
        answer = {"filePath": body["filePath"], "size": len(data), "status": "Completed"}
        return reply({**answer, **self.completion})

    def complete_folder(self, request: Request) -> Response:
        return reply({"status": "Completed"})

    def add_dataset(self, request: Request) -> Response:
        body = request.get_json()
        dataset = {"id": f"id-{body['dataset_name']}", **body}
        self.datasets[body["dataset_name"]] = dataset
        if self.lose_add_answer:
            self.lose_add_answer = False
            return reply({"detail": "lost"}, 500)
        return reply(dataset)

    def dataset_info(self, request: Request) -> Response:
        key = request.path.rsplit("/", 1)[1]
        found = [d for d in self.datasets.values() if key in (d["id"], d["dataset_name"])]
        return reply({"data": found[0]}) if found else reply({"detail": "no"}, 404)


def upload_squad(transport: Pipeline, root: Path, **options: Any) -> dict[str, Any]:
    """Upload ``root`` as the dataset ``squad`` for the fake's app ``Llama``, to train;
    ``options`` add or change :func:`upload_dataset`'s arguments."""
    arguments: dict[str, Any] = {
        "name": "squad",
        "path": root,
        "apps": ["Llama"],
        "job_types": ["train"],
        **options,
    }
    return upload_dataset(transport, **arguments)


@pytest.fixture
def transport(httpserver: HTTPServer) -> Iterator[Pipeline]:
    settings = Settings(host_url=httpserver.url_for("/"), access_key="test-key")
    with Pipeline(settings, sleep=lambda seconds: None) as sent:
        yield sent


@pytest.fixture
def server(httpserver: HTTPServer) -> FakeServer:
    return FakeServer(httpserver)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Journals go to a fresh folder, never to the user's cache."""
    monkeypatch.setenv("SAMBASTUDIO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS", "1")
