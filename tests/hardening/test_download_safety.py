"""Downloads: concurrent ones do not share a partial file, and hostile file names are safe."""

from __future__ import annotations

import io
import os
import tarfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Limits
from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES
from sambastudio.errors import ArchiveLimitError
from sambastudio.transfers.download import download_to_dir

ARTIFACT = os.urandom(3 << 20)


def _transport(server: HTTPServer, limits: Limits | None = None) -> Pipeline:
    settings = Settings(host_url=server.url_for(""), access_key="k-0123456789abcdef")
    if limits is not None:
        settings = Settings(
            host_url=settings.host_url, access_key=settings.access_key, limits=limits
        )
    return Pipeline(settings)


def _serve(server: HTTPServer, body: bytes, disposition: str) -> None:
    server.expect_request("/api/projects/p/jobs/j/results/download").respond_with_data(
        body,
        content_type="application/octet-stream",
        headers={"Content-Disposition": disposition},
    )


def test_eight_threads_downloading_one_artifact_into_one_folder_all_succeed(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    _serve(httpserver, ARTIFACT, 'attachment; filename="results.bin"')
    wire = ROUTES["download_results"].bind(project="p", job="j")

    def download(_: int) -> Path:
        with _transport(httpserver) as transport:
            return download_to_dir(transport, wire, tmp_path, progress_bar=False)

    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(download, range(40)))
    assert set(paths) == {tmp_path / "results.bin"}
    assert (tmp_path / "results.bin").read_bytes() == ARTIFACT
    assert [path.name for path in tmp_path.iterdir()] == ["results.bin"]


@pytest.mark.parametrize("name", ["a\x00b.bin", "\x00", "x\x07y.bin"])
def test_a_control_character_in_the_server_file_name_falls_back_to_a_safe_name(
    httpserver: HTTPServer, tmp_path: Path, name: str
) -> None:
    _serve(httpserver, b"data", f'attachment; filename="{name}"')
    wire = ROUTES["download_results"].bind(project="p", job="j")
    with _transport(httpserver) as transport:
        path = download_to_dir(transport, wire, tmp_path, progress_bar=False)
    assert path.read_bytes() == b"data"
    assert path.name.startswith("download_results")


def test_a_decompression_bomb_is_refused_and_leaves_nothing(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("zeros.bin")
        info.size = 8 << 20
        tar.addfile(info, io.BytesIO(bytes(info.size)))
    _serve(httpserver, buffer.getvalue(), 'attachment; filename="results.tar.gz"')
    wire = ROUTES["download_results"].bind(project="p", job="j")
    with (
        _transport(httpserver, Limits(max_extract_ratio=50)) as transport,
        pytest.raises(ArchiveLimitError, match="max_extract_ratio"),
    ):
        download_to_dir(transport, wire, tmp_path, extract=True, progress_bar=False)
    assert list(tmp_path.iterdir()) == []
