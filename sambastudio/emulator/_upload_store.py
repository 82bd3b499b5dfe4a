"""Multipart uploads: parts streamed to disk as they arrive, then assembled in order.

The state of an upload lives in the store, so an emulator restarted on the same
``--data-dir`` resumes a half-finished upload; the bytes live under ``files_dir`` (see
``_storage``) and are never all in memory. The documents (tenant-scoped, each with its
``tenant_id``)::

    upload_dataset  {id (the reserved dataset id), user_id, target, path, registered,
                     created_at}         target: "dataset", or "model" for a checkpoint
    upload_folder   {id, dataset_id, files: [path], status, created_at}     parent: dataset id
    upload_file     {id, folder_id, dataset_id, file_path, chunk_size, hash_digest, status,
                     size, crc32, created_at, completed_at}                 parent: folder id
    upload_part     {id, upload_id, part_number, size, crc32}               parent: upload id

``status`` is ``InProgress`` or ``Completed``. A part arrives in a temporary file and then
replaces the part of the same number in one step, so sending a part again replaces it and a
part cut short leaves nothing behind.

Throughput: the event loop only parses HTTP. A part's bytes are hashed and written in a
worker thread (``zlib.crc32`` and file writes release the GIL) while the loop reads the
next block, and assembly copies the parts in the kernel (``os.copy_file_range``) and
combines their recorded crc32s, rather than reading the bytes back through Python.
"""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import threading
import uuid
import weakref
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO, Literal

import anyio.to_thread
import attrs

from sambastudio.emulator import _storage
from sambastudio.emulator._errors import ApiError, not_found
from sambastudio.emulator._state import EmulatorState
from sambastudio.transfers.crc import crc32_of_parts, crc_hex

Doc = dict[str, Any]
Target = Literal["dataset", "model"]
"""What an upload's files become: a dataset (add_dataset) or a model checkpoint (import_model)."""

BLOCK = 1 << 20
"""Bytes of a part gathered before a worker thread hashes and writes them; with the block
being written, at most two per part are in memory."""
COPY_BLOCK = 8 << 20
"""Block size of the assembly copy where the kernel cannot copy files itself."""
MAX_PARTS = 100_000
_NO_KERNEL_COPY = frozenset({errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP})


@attrs.frozen
class Part:
    """One part the server holds: its number (from 1), size and crc32."""

    number: int
    size: int
    crc32: str

    def view(self) -> dict[str, Any]:
        return {"partNumber": self.number, "size": self.size, "crc32": self.crc32}


@attrs.frozen
class Listed:
    """One entry of a completion's part list: what the client says it sent."""

    number: int
    size: int | None = None
    crc32: str | None = None


def find(state: EmulatorState, tenant_id: str, kind: str, ref: str, what: str) -> Doc:
    """An upload document of the tenant by id, or 404 naming ``what``."""
    doc = state.store.get(kind, ref, tenant_id=tenant_id)
    if doc is None:
        raise not_found(what, ref)
    return doc


def reservation(
    state: EmulatorState, tenant_id: str, dataset_id: str, target: Target | None = None
) -> Doc:
    """An id the tenant reserved for an upload (to ``target``, when given) and has not
    registered yet."""
    doc = find(state, tenant_id, "upload_dataset", dataset_id, "dataset id")
    reserved_for = doc.get("target", "dataset")
    if target is not None and reserved_for != target:
        raise ApiError(400, f"upload {dataset_id} is for a {reserved_for}, not a {target}")
    if doc["registered"]:
        raise ApiError(409, f"dataset id {dataset_id} is registered already; generate a new one")
    return doc


def completed_upload(state: EmulatorState, reserved: Doc) -> None:
    """400 unless a folder upload of the reserved id was completed."""
    folders = state.store.list("upload_folder", parent_id=reserved["id"])
    if not any(folder["status"] == "Completed" for folder in folders):
        raise ApiError(
            400,
            f"the upload of {reserved['id']} is not complete: complete_folder_upload first",
        )


def held_parts(state: EmulatorState, upload_id: str) -> dict[int, Part]:
    docs = state.store.list("upload_part", parent_id=upload_id)
    parts = (Part(doc["part_number"], doc["size"], doc["crc32"]) for doc in docs)
    return {part.number: part for part in sorted(parts, key=lambda part: part.number)}


def _part_path(state: EmulatorState, upload_id: str, number: int) -> Path:
    return _storage.upload_dir(state, upload_id) / str(number)


def require_open(upload: Doc) -> None:
    if upload["status"] != "InProgress":
        raise ApiError(409, f"upload {upload['id']} is completed; its parts can no longer change")


class _PartWriter:
    """A part's temporary file, hashed and written block by block in a worker thread."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._lock = threading.Lock()  # close() waits for a write in progress
        self.crc = 0

    def write(self, chunks: Sequence[bytes]) -> None:
        with self._lock:
            if self._file.closed:  # the part failed while this block waited for a thread
                return
            for chunk in chunks:
                self.crc = zlib.crc32(chunk, self.crc)
                self._file.write(chunk)

    def close(self) -> None:
        with self._lock:
            self._file.close()


async def receive_part(
    state: EmulatorState, upload: Doc, number: int, body: AsyncIterator[bytes]
) -> Part:
    """Stream a part's bytes to disk, its crc32 computed on the way; 400 when it is larger
    than the upload's chunk size (checked as the bytes arrive, so nothing oversized is kept).

    Each block is handed to a worker thread and the next one is read meanwhile: hashing
    and writing never hold up the event loop, which serves every other request too.
    """
    folder = _storage.upload_dir(state, upload["id"])
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f"{number}.{uuid.uuid4().hex}.partial"
    limit, size = upload["chunk_size"], 0
    loop = asyncio.get_running_loop()
    writer = _PartWriter(temp)
    writing: asyncio.Future[None] | None = None
    batch: list[bytes] = []
    batched = 0
    try:
        async for chunk in body:
            size += len(chunk)
            if size > limit:
                raise ApiError(400, f"part {number} is larger than the chunk size ({limit})")
            batch.append(chunk)
            batched += len(chunk)
            if batched >= BLOCK:
                if writing is not None:
                    await writing
                writing = loop.run_in_executor(None, writer.write, batch)
                batch, batched = [], 0
        if writing is not None:
            await writing
        await loop.run_in_executor(None, writer.write, batch)
        writer.close()
        part = Part(number, size, crc_hex(writer.crc))
        await anyio.to_thread.run_sync(_keep, state, upload, temp, part)
        return part
    finally:  # sync, so it runs even when cancelled; the temp file is gone already when kept
        writer.close()
        temp.unlink(missing_ok=True)


def _keep(state: EmulatorState, upload: Doc, temp: Path, part: Part) -> None:
    """Make a received part the part of its number (replacing an earlier one) at once."""
    with state.store.transaction():
        require_open(find(state, upload["tenant_id"], "upload_file", upload["id"], "upload"))
        os.replace(temp, _part_path(state, upload["id"], part.number))
        doc = {
            "id": f"{upload['id']}:{part.number}",
            "upload_id": upload["id"],
            "part_number": part.number,
            "size": part.size,
            "crc32": part.crc32,
        }
        state.store.delete("upload_part", doc["id"])
        state.store.insert(
            "upload_part", doc, tenant_id=upload["tenant_id"], parent_id=upload["id"]
        )


def _check_parts(upload: Doc, held: dict[int, Part], listed: Sequence[Listed]) -> None:
    """400, saying why, unless the part list and the parts held describe one whole file."""
    counts = Counter(entry.number for entry in listed)
    twice = sorted(n for n, count in counts.items() if count > 1)
    if twice:
        raise ApiError(400, f"partList names parts {twice} more than once")
    last = max(counts)
    missing = [n for n in range(1, last + 1) if n not in held or n not in counts]
    if missing:
        raise ApiError(400, f"missing parts {missing}: parts must run from 1 to {last}")
    beyond = [n for n in held if n > last]
    if beyond:
        raise ApiError(400, f"out-of-range parts {beyond}: the part list ends at part {last}")
    for entry in listed:
        part = held[entry.number]
        if entry.crc32 is not None and entry.crc32.lower() != part.crc32:
            raise ApiError(
                400, f"part {part.number}: crc32 sent {entry.crc32}, the server holds {part.crc32}"
            )
        if entry.size is not None and entry.size != part.size:
            raise ApiError(
                400, f"part {part.number}: size sent {entry.size}, the server holds {part.size}"
            )
    short = [n for n in range(1, last) if held[n].size != upload["chunk_size"]]
    if short:
        raise ApiError(
            400,
            f"parts {short} are not {upload['chunk_size']} bytes (the chunk size): "
            "only the last part may be shorter",
        )


def _open_parts(
    state: EmulatorState, upload: Doc, held: dict[int, Part], stack: ExitStack
) -> list[BinaryIO]:
    """Parts 1..N, opened under the store's lock (which a part's replacement takes too), so
    the files opened are the parts ``held`` describes; 409 when one changed meanwhile."""
    with state.store.transaction():
        if held_parts(state, upload["id"]) != held:
            raise ApiError(409, f"upload {upload['id']} changed meanwhile; try again")
        try:
            return [
                stack.enter_context(_part_path(state, upload["id"], number).open("rb", buffering=0))
                for number in sorted(held)
            ]
        except FileNotFoundError:
            raise ApiError(409, f"upload {upload['id']} changed meanwhile; try again") from None


def _copy(source: BinaryIO, sink: BinaryIO) -> int:
    """Append all of ``source`` to ``sink``, in the kernel where the filesystem allows it
    (no byte passes through Python), else in large blocks; the bytes copied."""
    copied = 0
    if hasattr(os, "copy_file_range"):  # Linux
        try:
            while step := os.copy_file_range(source.fileno(), sink.fileno(), COPY_BLOCK << 4):
                copied += step
            return copied
        except OSError as error:
            if error.errno not in _NO_KERNEL_COPY:
                raise
    while block := source.read(COPY_BLOCK):  # goes on from where the kernel stopped
        sink.write(block)
        copied += len(block)
    return copied


def _concatenate(sources: Sequence[BinaryIO], out: Path) -> int:
    """Write the ``sources`` one after the other into ``out``; the size written."""
    with out.open("wb", buffering=0) as sink:
        return sum(_copy(source, sink) for source in sources)


class _Assembly:
    """One upload's assembly, which concurrent completions of it wait for."""

    def __init__(self) -> None:
        self.lock = threading.Lock()


_assemblies: weakref.WeakValueDictionary[str, _Assembly] = weakref.WeakValueDictionary()
_assemblies_lock = threading.Lock()


def assemble(state: EmulatorState, upload: Doc, listed: Sequence[Listed], destination: str) -> Doc:
    """Join an upload's parts, in order, into ``destination`` (relative to ``files_dir``).

    The parts must run from 1 without a gap, every part but the last must be exactly the
    chunk size, and the file's crc32 must equal the digest given at creation. On success
    the upload is ``Completed`` (with its size and crc32) and its parts are deleted. A
    completion sent again while the first is still copying (a client that timed out, say)
    waits for it, and that completion is its answer.
    """
    with _assemblies_lock:
        assembly = _assemblies.setdefault(upload["id"], _Assembly())
    with assembly.lock:
        current = find(state, upload["tenant_id"], "upload_file", upload["id"], "upload")
        if current["status"] == "Completed":
            return current
        return _assemble(state, current, listed, destination)


def _assemble(state: EmulatorState, upload: Doc, listed: Sequence[Listed], destination: str) -> Doc:
    held = held_parts(state, upload["id"])
    _check_parts(upload, held, listed)
    ordered = [held[number] for number in sorted(held)]
    size = sum(part.size for part in ordered)
    crc = crc_hex(crc32_of_parts((int(part.crc32, 16), part.size) for part in ordered))
    expected = upload["hash_digest"]
    if expected is not None and crc != expected:
        raise ApiError(400, f"digest mismatch: expected {expected}, got {crc}")
    temp = _storage.upload_dir(state, upload["id"]) / f"assembled.{uuid.uuid4().hex}.partial"
    try:
        with ExitStack() as stack:
            written = _concatenate(_open_parts(state, upload, held, stack), temp)
        if written != size:
            raise ApiError(409, f"upload {upload['id']} changed meanwhile; try again")
        target = _storage.inside(state, destination)
        with state.store.transaction():
            _place(temp, target, destination)
            done = {"status": "Completed", "size": size, "crc32": crc, "completed_at": state.now()}
            current = state.store.update("upload_file", upload["id"], done)
    finally:
        temp.unlink(missing_ok=True)
    _discard(_storage.upload_dir(state, upload["id"]))
    return current


def _discard(folder: Path) -> None:
    """Remove an assembled upload's parts: renamed away at once, deleted in the background.

    Freeing a large file's blocks can take over a second (ext4, once they are written
    back), which the completing client need not wait for.
    """
    trash = folder.with_name(f".discarded-{uuid.uuid4().hex}")
    try:
        folder.rename(trash)
    except FileNotFoundError:
        return
    threading.Thread(
        target=shutil.rmtree,
        args=(trash,),
        kwargs={"ignore_errors": True},
        name="sambastudio-discard",
        daemon=True,
    ).start()


def _place(temp: Path, target: Path, destination: str) -> None:
    if target.is_dir():
        raise ApiError(409, f"cannot store {destination}: a folder of that name exists")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
    except OSError as exc:
        raise ApiError(409, f"cannot store {destination}: {exc.strerror}") from None
