"""Downloads against the emulator: a body cut mid-stream is resumed with Range, byte-identical.

The cut is made on the client's side: an adapter lets the first download answer deliver
only its first bytes and then fails the read as a dropped connection does, so the
emulator's real Range handling serves the resume.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES, WireRequest
from sambastudio.emulator import Emulator
from sambastudio.emulator._jobs import CREATED_SECONDS, PENDING_SECONDS, STEP_SECONDS
from sambastudio.transfers.download import download_to_dir
from tests.emulator.conftest import Api
from tests.emulator.helpers import add_dataset, start_job


class _CutStream:
    """A response body that delivers ``after`` bytes, then fails as a dropped connection."""

    def __init__(self, raw: Any, after: int, on_cut: Callable[[], object]) -> None:
        self._raw, self._after, self._on_cut = raw, after, on_cut

    def stream(self, amt: int, decode_content: bool | None = None) -> Iterator[bytes]:
        delivered = 0
        for chunk in self._raw.stream(amt, decode_content=decode_content):
            if delivered + len(chunk) >= self._after:
                yield chunk[: self._after - delivered]
                self._on_cut()
                raise urllib3.exceptions.ProtocolError("connection dropped by the test")
            delivered += len(chunk)
            yield chunk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class CutFirstDownload(HTTPAdapter):
    """Cuts the first download answer after ``after`` bytes; records every download's
    ``Range`` and ``If-Range`` headers and the status it was answered with."""

    def __init__(self, after: int, on_cut: Callable[[], object] = lambda: None) -> None:
        super().__init__()
        self.after: int | None = after
        self.on_cut = on_cut
        self.exchanges: list[tuple[str | None, str | None, int]] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().send(request, *args, **kwargs)
        if "/download" in (request.url or ""):
            headers = request.headers
            self.exchanges.append(
                (headers.get("Range"), headers.get("If-Range"), response.status_code)
            )
            if self.after is not None:
                response.raw = _CutStream(response.raw, self.after, self.on_cut)
                self.after = None
        return response


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(port=0, seed=0) as emu:
        yield emu


@pytest.fixture
def api(emulator: Emulator) -> Iterator[Api]:
    client = Api(emulator)
    yield client
    client.session.close()


def transport_with(emulator: Emulator, adapter: HTTPAdapter) -> Pipeline:
    session = requests.Session()
    session.mount("http://", adapter)
    settings = Settings(host_url=emulator.url, access_key=emulator.access_key)
    return Pipeline(settings, session=session, sleep=lambda seconds: None)


def whole(api: Api, route: str, **args: str) -> bytes:
    response = api(route, project="p", job="bp", **args)
    assert response.status_code == 200, response.text
    return response.content


def finish_batch_job(emulator: Emulator, api: Api) -> None:
    add_dataset(emulator, "inputs", job_types=("batch_predict",))
    start_job(api, job_type="batch_predict", job_name="bp", dataset="inputs", hyperparams="{}")
    emulator.clock.advance(3600)


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("download_results", {}),
        ("download_logs", {}),
        ("download_job_artifacts", {"artifact_type": "results"}),
    ],
)
def test_a_download_cut_mid_stream_resumes_with_range_byte_identical(
    emulator: Emulator, api: Api, tmp_path: Path, route: str, args: dict[str, str]
) -> None:
    finish_batch_job(emulator, api)
    expected = whole(api, route, **args)
    cut = len(expected) // 2
    adapter = CutFirstDownload(after=cut)
    request: WireRequest = ROUTES[route].bind(project="p", job="bp", **args)

    path = download_to_dir(transport_with(emulator, adapter), request, tmp_path)

    assert path.read_bytes() == expected
    assert path.name.endswith(".tar.gz")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no .part left behind
    etag = api(route, project="p", job="bp", **args).headers["ETag"]
    assert adapter.exchanges == [(None, None, 200), (f"bytes={cut}-", etag, 206)]


def test_a_later_call_resumes_the_part_file_an_earlier_one_left(
    emulator: Emulator, api: Api, tmp_path: Path
) -> None:
    finish_batch_job(emulator, api)
    expected = whole(api, "download_results")
    (tmp_path / "results.tgz.part").write_bytes(expected[:100])
    adapter = CutFirstDownload(after=len(expected))  # never reached: nothing is cut
    request = ROUTES["download_results"].bind(project="p", job="bp")

    path = download_to_dir(
        transport_with(emulator, adapter), request, tmp_path, filename="results.tgz"
    )

    assert path.read_bytes() == expected
    assert adapter.exchanges == [("bytes=100-", None, 206)]


def test_a_file_that_changed_while_cut_is_fetched_whole_again(
    emulator: Emulator, api: Api, tmp_path: Path
) -> None:
    start_job(api, job_name="bp")  # a train job of 20 steps: its logs grow with every step
    emulator.clock.advance(CREATED_SECONDS + PENDING_SECONDS + STEP_SECONDS * 5)
    first = whole(api, "download_logs")
    adapter = CutFirstDownload(
        after=len(first) // 2, on_cut=lambda: emulator.clock.advance(STEP_SECONDS * 3)
    )
    request = ROUTES["download_logs"].bind(project="p", job="bp")

    path = download_to_dir(transport_with(emulator, adapter), request, tmp_path)

    latest = whole(api, "download_logs")
    assert latest != first
    assert path.read_bytes() == latest
    with tarfile.open(fileobj=io.BytesIO(path.read_bytes())) as archive:
        assert archive.getnames() == ["logs/job.log", "logs/training.log"]
    (_, _, first_status), (resumed_range, if_range, status) = adapter.exchanges
    assert (first_status, resumed_range, status) == (200, f"bytes={len(first) // 2}-", 200)
    assert if_range is not None
