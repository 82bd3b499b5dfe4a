"""Streaming downloads (.part files, Range resume) and archive extraction that stays inside."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES, WireRequest
from sambastudio.errors import NotFoundError, UnsafeArchiveError
from sambastudio.transfers.download import download_to_dir
from sambastudio.transfers.extract import safe_extract
from sambastudio.transfers.progress import TransferProgress

PATH = "/api/projects/p/jobs/j/results/download"


def results_request() -> WireRequest:
    return ROUTES["download_results"].bind(project="p", job="j")


def tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class Ranged:
    """Serves ``data`` honouring ``Range``; the first ``cut_after`` bytes of the first
    answer are followed by a dropped connection when ``cut_after`` is set."""

    def __init__(self, data: bytes, *, ranges: bool = True, cut_after: int | None = None) -> None:
        self.data = data
        self.ranges = ranges
        self.cut_after = cut_after
        self.seen_ranges: list[str | None] = []

    def __call__(self, request: Request) -> Response:
        header = request.headers.get("Range")
        self.seen_ranges.append(header)
        headers = {"Content-Disposition": 'attachment; filename="results.tar.gz"'}
        start = 0
        if header and self.ranges:
            start = int(header.removeprefix("bytes=").rstrip("-"))
            headers["Content-Range"] = f"bytes {start}-{len(self.data) - 1}/{len(self.data)}"
        body = self.data[start:]
        headers["Content-Length"] = str(len(body))
        status = 206 if start else 200
        if self.cut_after is not None:
            cut, self.cut_after = self.cut_after, None
            return Response(_cut(body, cut), status, headers, content_type="application/gzip")
        return Response(body, status, headers, content_type="application/gzip")


def _cut(body: bytes, after: int) -> Iterator[bytes]:
    yield body[:after]
    raise ConnectionAbortedError("dropped on purpose")


def test_download_streams_into_the_final_name(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    data = os.urandom(3 << 20)
    httpserver.expect_request(PATH).respond_with_handler(Ranged(data))
    seen: list[TransferProgress] = []

    path = download_to_dir(transport, results_request(), tmp_path / "out", on_progress=seen.append)

    assert path == tmp_path / "out" / "results.tar.gz"
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == ["results.tar.gz"]
    assert seen[-1].done == seen[-1].total == len(data)


def test_a_partial_file_is_resumed_with_range(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    data = os.urandom(2 << 20)
    server = Ranged(data)
    httpserver.expect_request(PATH).respond_with_handler(server)
    (tmp_path / "r.tgz.part").write_bytes(data[:12345])

    path = download_to_dir(transport, results_request(), tmp_path, filename="r.tgz")

    assert path.read_bytes() == data
    assert server.seen_ranges == ["bytes=12345-"]


def test_a_server_without_ranges_starts_over(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    data = os.urandom(100_000)
    httpserver.expect_request(PATH).respond_with_handler(Ranged(data, ranges=False))
    (tmp_path / "r.tgz.part").write_bytes(b"stale bytes from another file")

    path = download_to_dir(transport, results_request(), tmp_path, filename="r.tgz")

    assert path.read_bytes() == data


def test_a_body_cut_mid_stream_is_resumed(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    data = os.urandom(3 << 20)
    server = Ranged(data, cut_after=1 << 20)
    httpserver.expect_request(PATH).respond_with_handler(server)

    path = download_to_dir(transport, results_request(), tmp_path)

    assert path.read_bytes() == data
    assert server.seen_ranges[0] is None
    assert server.seen_ranges[1] is not None
    assert server.seen_ranges[1] != "bytes=0-"


def test_an_error_leaves_no_file(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request(PATH).respond_with_json({"detail": "No results exists"}, status=404)

    with pytest.raises(NotFoundError, match="No results exists"):
        download_to_dir(transport, results_request(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_extract_unpacks_and_removes_the_archive(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    files = {"results/output.csv": b"a,b\n1,2\n", "results/deep/x.jsonl": b"{}\n"}
    httpserver.expect_request(PATH).respond_with_handler(Ranged(tar_gz(files)))

    path = download_to_dir(transport, results_request(), tmp_path, extract=True)

    assert path == tmp_path
    assert {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()} == set(files)
    assert (tmp_path / "results" / "output.csv").read_bytes() == files["results/output.csv"]


def _tar_with(tmp_path: Path, *members: tarfile.TarInfo) -> Path:
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        tar.addfile(_file("fine.txt"), io.BytesIO(b"ok"))
        for member in members:
            data = io.BytesIO(b"evil") if member.isfile() else None
            tar.addfile(member, data)
    return archive


def _file(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = 4 if name != "fine.txt" else 2
    return info


def _link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


@pytest.mark.parametrize(
    "members",
    [
        [_file("/etc/evil")],
        [_file("../evil")],
        [_file("a/../../evil")],
        [_file("C:\\evil")],
        [_link("out", "/etc")],
        [_link("out", "../..")],
        [_link("a/out", "../../x")],
        [_link("hard", "../evil", tarfile.LNKTYPE)],
        [_link("d", "."), _link("d/e", "..")],
        [_link("d", "sub"), _file("d/through-link")],
    ],
    ids=[
        "absolute",
        "dotdot",
        "inner-dotdot",
        "windows-drive",
        "symlink-absolute",
        "symlink-up",
        "nested-symlink-up",
        "hardlink-up",
        "link-chain",
        "behind-link",
    ],
)
def test_unsafe_tar_is_refused_and_nothing_written(
    tmp_path: Path, members: list[tarfile.TarInfo]
) -> None:
    archive = _tar_with(tmp_path, *members)
    dest = tmp_path / "dest"

    with pytest.raises(UnsafeArchiveError):
        safe_extract(archive, dest)
    assert list(dest.iterdir()) == []


def test_unsafe_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ok.txt", "ok")
        zipped.writestr("../evil.txt", "evil")

    with pytest.raises(UnsafeArchiveError):
        safe_extract(archive, tmp_path / "dest")
    assert not (tmp_path / "evil.txt").exists()


def test_a_link_inside_the_destination_is_kept(tmp_path: Path) -> None:
    archive = _tar_with(tmp_path, _link("alias.txt", "fine.txt"))

    written = safe_extract(archive, tmp_path / "dest")

    assert (tmp_path / "dest" / "alias.txt").read_bytes() == b"ok"
    assert len(written) == 2


def test_a_link_already_in_the_destination_is_not_followed_out(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (dest / "sub").symlink_to(outside)
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w") as tar:
        tar.addfile(_file("sub/evil"), io.BytesIO(b"evil"))

    with pytest.raises(UnsafeArchiveError, match="'sub/evil': the destination holds a link"):
        safe_extract(archive, dest)
    assert list(outside.iterdir()) == []
