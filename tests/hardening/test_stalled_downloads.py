"""A download, once started, gives each block it reads ``timeout`` to arrive, however long
the whole file takes: a server that trickles a block forever is cut (the bytes that came
are kept for resuming), a slow but steady one is not."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Client, SnSdk
from sambastudio._pipeline import RequestOptions
from sambastudio.compat._migration import SILENCE_ENV
from sambastudio.errors import APITimeoutError
from sambastudio.resources import Job
from tests.hardening.trickling_server import bytewise, trickling_server
from tests.transfers.test_download import PATH, Ranged

KEY = "k-0123456789abcdef"
QUICK = 256 << 10
BODY = bytes(range(256)) * (QUICK // 256) + b"trickled, one byte per 0.2 s: 12 s in all"
"""256 KiB sent at once, then 41 bytes one by one."""
RESUMES = 5
"""The resumes download.py makes of a body cut mid-stream (as of any read timeout)."""


def _head(length: int) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\n"
        b'Content-Disposition: attachment; filename="results.tar.gz"\r\n'
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % length
    )


def _through_client(url: str, dest: Path) -> None:
    client = Client(host_url=url, access_key=KEY, max_retries=0, timeout=1)
    job = Job.model_validate({"job_id": "j", "project_id": "p"}).attach(client)
    job.download_results(dest, progress_bar=False)


def _through_shim(url: str, dest: Path) -> None:
    sdk = SnSdk(url, KEY)
    sdk._pipeline = sdk._pipeline.with_options(RequestOptions(max_retries=0, timeout=1))
    result = sdk.download_results("p", "j", str(dest))
    if result["status_code"] == 504:
        raise APITimeoutError(result["detail"], method="GET", path=PATH)
    assert result["status_code"] == 200, result


@pytest.fixture(autouse=True)
def _quiet_deprecations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SILENCE_ENV, "1")  # the shim's deprecation warning is not the subject


DOWNLOADS: dict[str, Callable[[str, Path], None]] = {
    "client": _through_client,
    "shim": _through_shim,
}


@pytest.mark.parametrize("how", sorted(DOWNLOADS))
def test_a_trickled_block_is_cut_at_the_timeout_and_what_came_is_kept(
    how: str, tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Each attempt is cut a second after its last whole block; the download is resumed as
    after any read timeout, then raises the timeout, leaving a partial file to resume."""
    steady, trickled = BODY[:QUICK], BODY[QUICK:]
    with trickling_server(steady=_head(len(BODY)) + steady, pieces=bytewise(trickled)) as server:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="timeout=1"):
            DOWNLOADS[how](server.url, tmp_path)
        elapsed = time.monotonic() - started
        assert server.connections == RESUMES + 1
    assert elapsed < (RESUMES + 1) * 1.6  # without the cut: 8 s, and no error
    [partial] = tmp_path.glob("*.part")  # where the next call looks for it
    kept = partial.read_bytes()
    assert 0 < len(kept) <= QUICK
    assert BODY.startswith(kept)
    assert not (tmp_path / "results.tar.gz").exists()

    ranged = Ranged(BODY)
    httpserver.expect_request(PATH).respond_with_handler(ranged)
    DOWNLOADS[how](httpserver.url_for("").rstrip("/"), tmp_path)
    assert ranged.seen_ranges == [f"bytes={len(kept)}-"]
    assert (tmp_path / "results.tar.gz").read_bytes() == BODY
    assert not partial.exists()


@pytest.mark.parametrize("how", sorted(DOWNLOADS))
def test_a_slow_but_steady_download_is_not_cut(how: str, tmp_path: Path) -> None:
    """16 KiB every 0.1 s (160 KiB/s) for 2.4 s in all, more than the 1 s timeout."""
    pieces = [BODY[start : start + (16 << 10)] for start in range(0, len(BODY), 16 << 10)]
    with trickling_server(steady=_head(len(BODY)), pieces=pieces, interval=0.1) as server:
        DOWNLOADS[how](server.url, tmp_path)
        assert server.connections == 1
    assert (tmp_path / "results.tar.gz").read_bytes() == BODY
