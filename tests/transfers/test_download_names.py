"""The name a download is saved under: the caller's, else the server's (made safe), else
the route's with an extension from the Content-Type."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._pipeline import Pipeline
from sambastudio.errors import InvalidArgumentError
from sambastudio.transfers.download import download_to_dir
from tests.transfers.test_download import PATH, results_request


def _serve(httpserver: HTTPServer, headers: dict[str, str], content_type: str) -> None:
    httpserver.expect_request(PATH).respond_with_data(
        b"payload", content_type=content_type, headers=headers
    )


@pytest.mark.parametrize(
    ("content_type", "name"),
    [
        ("application/gzip", "download_results.tar.gz"),
        ("application/x-gzip", "download_results.tar.gz"),
        ("application/x-tar", "download_results.tar"),
        ("application/zip", "download_results.zip"),
        ("application/json", "download_results.json"),
        ("text/plain", "download_results.txt"),
        ("Application/ZIP; charset=binary", "download_results.zip"),
        ("application/octet-stream", "download_results"),
    ],
)
def test_without_a_server_name_the_route_and_content_type_name_the_file(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path, content_type: str, name: str
) -> None:
    _serve(httpserver, {}, content_type)

    path = download_to_dir(transport, results_request(), tmp_path)

    assert path == tmp_path / name
    assert path.read_bytes() == b"payload"


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ('attachment; filename="out put.csv"', "out put.csv"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\temp\\\\evil.bin"', "evil.bin"),
        ('attachment; filename=".."', "download_results.zip"),
        ('attachment; filename="."', "download_results.zip"),
        ('attachment; filename="a\x7fb"', "download_results.zip"),
        ('attachment; filename=""', "download_results.zip"),
        ('attachment; filename="/"', "download_results.zip"),
        ("attachment", "download_results.zip"),
        ("", "download_results.zip"),
    ],
    ids=[
        "space",
        "posix-path",
        "windows-path",
        "dotdot",
        "dot",
        "del",
        "empty",
        "root",
        "none",
        "blank",
    ],
)
def test_the_server_name_keeps_only_a_safe_last_component(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path, disposition: str, name: str
) -> None:
    _serve(httpserver, {"Content-Disposition": disposition}, "application/zip")

    path = download_to_dir(transport, results_request(), tmp_path / "out")

    assert path == tmp_path / "out" / name
    assert [p.name for p in (tmp_path / "out").iterdir()] == [name]


def test_the_callers_name_wins_over_the_servers(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    _serve(httpserver, {"Content-Disposition": 'attachment; filename="s.zip"'}, "application/zip")

    assert download_to_dir(transport, results_request(), tmp_path, filename="mine.zip") == (
        tmp_path / "mine.zip"
    )


@pytest.mark.parametrize("filename", ["a/b.zip", "..", ".", "", "a\\b.zip", "x\x00y", "x\x1fy"])
def test_a_filename_that_is_not_a_plain_name_is_refused_before_anything_is_done(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path, filename: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="filename must be a plain file name") as raised:
        download_to_dir(transport, results_request(), tmp_path / "out", filename=filename)

    assert raised.value.argument == "filename"
    assert repr(filename) in str(raised.value)
    assert not (tmp_path / "out").exists()
    assert httpserver.log == []


def test_a_destination_under_the_home_folder_is_expanded(
    transport: Pipeline,
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    _serve(httpserver, {}, "application/zip")

    path = download_to_dir(transport, results_request(), "~/downloads")

    assert path == tmp_path / "downloads" / "download_results.zip"
    assert not (tmp_path / "~").exists()


def test_without_a_content_type_the_route_names_the_file(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path
) -> None:
    def untyped(request: Request) -> Response:
        response = Response(b"payload")
        del response.headers["Content-Type"]
        return response

    httpserver.expect_request(PATH).respond_with_handler(untyped)

    path = download_to_dir(transport, results_request(), tmp_path / "a" / "b")

    assert path == tmp_path / "a" / "b" / "download_results"
    assert path.read_bytes() == b"payload"


def test_a_progress_bar_asked_for_shows_the_file_name(
    transport: Pipeline, httpserver: HTTPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(httpserver, {"Content-Disposition": 'attachment; filename="r.zip"'}, "application/zip")

    download_to_dir(transport, results_request(), tmp_path, progress_bar=True)

    assert "r.zip" in capsys.readouterr().err
