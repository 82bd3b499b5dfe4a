"""Streaming downloads to disk, resumable, extracted on request (:mod:`.extract`).

A download is written in chunks to a ``.part`` file that is renamed only once every byte
has arrived, so a file under its final name is always whole. A body cut short is resumed
with ``Range`` from the bytes already on disk (also by a later call), when the server
answers 206; otherwise it starts over. Within one call the resume also sends ``If-Range``
with the first answer's ETag, so a file that changed meanwhile is fetched whole again
rather than spliced. Each download writes a partial file of its own (concurrent downloads
of one artifact never share one) and takes over a leftover one by an atomic rename.
Each block read must arrive within ``timeout`` (:func:`block_size`), however long the
whole file takes: a stalled block cuts the connection and is resumed like any read
timeout; when the resumes run out, ``APITimeoutError``, with the bytes kept for a later call.
Archives are extracted only when asked, by :func:`~sambastudio.transfers.extract.safe_extract`.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from contextlib import closing, suppress
from email.message import Message
from pathlib import Path, PurePosixPath, PureWindowsPath

import attrs
import requests
from urllib3.exceptions import ReadTimeoutError

from sambastudio._config import Timeout
from sambastudio._pipeline import Pipeline
from sambastudio._redact import mask_text
from sambastudio._routes import WireRequest
from sambastudio._transport import total_seconds
from sambastudio._watchdog import each_within
from sambastudio.errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidArgumentError,
    error_from_response,
)
from sambastudio.transfers.extract import safe_extract
from sambastudio.transfers.progress import ProgressCallback, ProgressReporter

CHUNK_SIZE = 1 << 20
MIN_RATE = 16 << 10
"""Bytes a second under which a download counts as stalled (with a timeout of 4 s or more)."""
_SMALLEST_BLOCK = 64 << 10
_RESUMES = 5
"""How often a body cut mid-stream is picked up again (each request has its own retries)."""
_CUT = (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, requests.Timeout)
_EXTENSIONS = {
    "application/gzip": ".tar.gz",
    "application/x-gzip": ".tar.gz",
    "application/x-tar": ".tar",
    "application/zip": ".zip",
    "application/json": ".json",
    "text/plain": ".txt",
}


def _safe_name(name: str) -> str | None:
    """The last component of a server-given file name, or ``None`` if nothing safe is left
    (control characters such as NUL, which no file system takes, leave nothing safe)."""
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in name):
        return None
    base = PureWindowsPath(PurePosixPath(name).name).name
    return base if base not in ("", ".", "..") else None


def _server_filename(response: requests.Response) -> str | None:
    disposition = response.headers.get("Content-Disposition")
    if not disposition:
        return None
    message = Message()
    message["Content-Disposition"] = disposition
    name = message.get_filename()
    return _safe_name(name) if name else None


def _default_filename(request: WireRequest, response: requests.Response) -> str:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return request.route.name + _EXTENSIONS.get(content_type, "")


def _total_size(response: requests.Response) -> int | None:
    """The full size of the file, when the headers say it (not for an encoded body)."""
    if not _identity(response):
        return None
    if response.status_code == 206:
        total = response.headers.get("Content-Range", "").rpartition("/")[2]
        return int(total) if total.isdigit() else None
    length = response.headers.get("Content-Length", "")
    return int(length) if length.isdigit() else None


def block_size(seconds: float | None) -> int:
    """The bytes each read of a download asks for, which must arrive within ``seconds``.

    1 MiB (few reads, so fast) unless the timeout is short: then smaller, so that only a
    rate under :data:`MIN_RATE` is cut (under 64 KiB per timeout below 4 s).
    """
    if seconds is None:
        return CHUNK_SIZE
    return int(min(CHUNK_SIZE, max(_SMALLEST_BLOCK, MIN_RATE * seconds)))


def _timed_out(cut: requests.RequestException | None) -> bool:
    """Whether a cut was a timeout (requests reports a read timeout of the body as a
    ``ConnectionError`` around urllib3's)."""
    if cut is None:
        return False
    return isinstance(cut, requests.Timeout) or any(
        isinstance(arg, ReadTimeoutError) for arg in cut.args
    )


def _identity(response: requests.Response) -> bool:
    """Whether the bytes on disk are the bytes on the wire, so a Range can resume them."""
    return response.headers.get("Content-Encoding", "identity") == "identity"


def _partial_path(dest: Path, request: WireRequest, filename: str | None) -> Path:
    """Stable across calls, so a later call finds the bytes an earlier one left."""
    if filename:
        return dest / f"{filename}.part"
    key = hashlib.sha256(f"{request.path}?{sorted(request.query.items())}".encode()).hexdigest()
    return dest / f"{request.route.name}-{key[:12]}.part"


def _claim(leftover: Path) -> Path:
    """A partial file of this download's own, holding ``leftover``'s bytes if it had any.

    Concurrent downloads of one artifact each write their own file; the rename that takes
    the leftover is atomic, so only one of them resumes from it.
    """
    own = leftover.with_name(f"{leftover.stem}.{uuid.uuid4().hex[:12]}.part")
    with suppress(FileNotFoundError):
        os.rename(leftover, own)
    return own


def _strong_etag(response: requests.Response) -> str | None:
    """The response's ETag when it is strong: the only kind ``If-Range`` may carry."""
    etag = response.headers.get("ETag")
    return etag if etag and not etag.startswith("W/") else None


def _open(
    pipeline: Pipeline, request: WireRequest, offset: int, etag: str | None = None
) -> requests.Response:
    """GET from ``offset`` on; a 416 (nothing left after ``offset``) restarts from zero.

    ``Accept-Encoding: identity`` keeps the bytes on disk equal to the bytes the server
    counts, which a ``Range`` needs. ``etag`` is that of the bytes on disk, when known:
    sent as ``If-Range``, it makes a server whose file changed meanwhile send all of the
    new one, instead of its tail after bytes of the old one.
    """
    headers = {**request.headers, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if etag:
            headers["If-Range"] = etag
    response = pipeline.send(
        attrs.evolve(request, headers=headers), stream=True, raise_for_status=False
    )
    if response.status_code == 416 and offset:
        response.close()
        return _open(pipeline, request, 0)
    if response.status_code >= 400:
        raise error_from_response(response)
    return response


def download_to_dir(
    pipeline: Pipeline,
    wire_request: WireRequest,
    dest_dir: str | os.PathLike[str],
    *,
    filename: str | None = None,
    extract: bool = False,
    on_progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
) -> Path:
    """Stream ``wire_request``'s answer into ``dest_dir``; the file's path.

    The name is ``filename``, else the server's Content-Disposition, else the route's name
    with an extension from the Content-Type. With ``extract=True`` the archive is unpacked
    into ``dest_dir`` by :func:`safe_extract`, then removed, and ``dest_dir`` is returned.
    """
    if filename is not None and _safe_name(filename) != filename:
        raise InvalidArgumentError("filename", f"filename must be a plain file name: {filename!r}")
    dest = Path(dest_dir).expanduser()
    dest.mkdir(parents=True, exist_ok=True)
    leftover = _partial_path(dest, wire_request, filename)
    partial = _claim(leftover)
    reporter: ProgressReporter | None = None
    etag: str | None = None  # of the bytes in ``partial``, once this call has written some
    timeout = pipeline.settings.timeout
    seconds = total_seconds(timeout)
    block = block_size(seconds)
    cut: requests.RequestException | None = None
    try:
        for _ in range(_RESUMES + 1):
            cut = None
            offset = partial.stat().st_size if partial.exists() else 0
            with _open(pipeline, wire_request, offset, etag) as response:
                if response.status_code != 206:
                    offset = 0  # the server sent everything again
                etag = _strong_etag(response)
                total = _total_size(response)
                name = filename or _server_filename(response)
                name = name or _default_filename(wire_request, response)
                if reporter is None:
                    reporter = ProgressReporter(
                        total,
                        desc=name,
                        on_progress=on_progress,
                        progress_bar=progress_bar,
                        initial=offset,
                    )
                elif not offset:
                    reporter.restart(total)  # the server sent the file again from its start
                chunks = response.iter_content(block)
                blocks = each_within(chunks, response, seconds, what=f"block of {block} bytes")
                try:
                    with partial.open("ab" if offset else "wb") as out, closing(blocks):
                        for chunk in blocks:
                            out.write(chunk)
                            reporter.advance(len(chunk), item=name)
                except _CUT as error:
                    cut = error
                    if not _identity(response):
                        partial.unlink()
                    continue
            size = partial.stat().st_size
            if total is None or size == total:
                break
            if size > total:
                partial.unlink()
        else:
            raise _given_up(wire_request, partial, leftover, cut, timeout)
    except BaseException:
        _leave_for_resume(partial, leftover)
        raise
    finally:
        if reporter is not None:
            reporter.close()
    final = dest / name
    if not extract:
        os.replace(partial, final)  # atomic: the final name only ever holds a whole file
        return final
    try:
        safe_extract(partial, dest, pipeline.settings.limits)
    finally:
        partial.unlink()
    return dest


def _given_up(
    request: WireRequest,
    partial: Path,
    leftover: Path,
    cut: requests.RequestException | None,
    timeout: Timeout,
) -> APIConnectionError:
    """The error of a download cut off once more than it may be resumed; it names the file
    that :func:`_leave_for_resume` will keep, if any byte arrived."""
    if _holds_bytes(partial):
        kept = f"{leftover} holds what arrived, and calling again resumes from there"
    else:
        kept = "nothing arrived, and calling again starts over"
    if _timed_out(cut):
        message = f"the download stalled ({cut}); timeout={timeout!r}; {kept}"
        return APITimeoutError(mask_text(message), method=request.method, path=request.path)
    message = f"the download kept being cut off; {kept}"
    return APIConnectionError(message, method=request.method, path=request.path)


def _holds_bytes(partial: Path) -> bool:
    return partial.exists() and partial.stat().st_size > 0


def _leave_for_resume(partial: Path, leftover: Path) -> None:
    """Put what arrived where a later call looks for it, or remove an empty partial file."""
    if _holds_bytes(partial):
        os.replace(partial, leftover)
    else:
        partial.unlink(missing_ok=True)
