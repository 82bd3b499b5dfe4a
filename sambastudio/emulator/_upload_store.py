"""Multipart uploads: parts streamed to disk as they arrive, then assembled in order.

The state of an upload lives in the store, so an emulator restarted on the same
``--data-dir`` resumes a half-finished upload; the bytes live under ``files_dir`` (see
``_storage``) and are never all in memory. The documents (tenant-scoped, each with its
``tenant_id``)::

    upload_dataset  {id (the reserved dataset id), user_id, path, registered, created_at}
    upload_folder   {id, dataset_id, files: [path], status, created_at}     parent: dataset id
    upload_file     {id, folder_id, dataset_id, file_path, chunk_size, hash_digest, status,
                     size, crc32, created_at, completed_at}                 parent: folder id
    upload_part     {id, upload_id, part_number, size, crc32}               parent: upload id

``status`` is ``InProgress`` or ``Completed``. A part arrives in a temporary file and then
replaces the part of the same number in one step, so sending a part again replaces it and a
part cut short leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import uuid
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import attrs

from sambastudio.emulator import _storage
from sambastudio.emulator._errors import ApiError, not_found
from sambastudio.emulator._state import EmulatorState

Doc = dict[str, Any]

BLOCK = 1 << 20
"""Bytes held in memory at once while a part is written or a file assembled."""
MAX_PARTS = 100_000


def crc_hex(value: int) -> str:
    """The upload API's digest format: eight lower-case hex digits."""
    return format(value & 0xFFFFFFFF, "08x")


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


def reservation(state: EmulatorState, tenant_id: str, dataset_id: str) -> Doc:
    """A dataset id the tenant reserved and has not registered as a dataset yet."""
    doc = find(state, tenant_id, "upload_dataset", dataset_id, "dataset id")
    if doc["registered"]:
        raise ApiError(409, f"dataset id {dataset_id} is registered already; generate a new one")
    return doc


def held_parts(state: EmulatorState, upload_id: str) -> dict[int, Part]:
    docs = state.store.list("upload_part", parent_id=upload_id)
    parts = (Part(doc["part_number"], doc["size"], doc["crc32"]) for doc in docs)
    return {part.number: part for part in sorted(parts, key=lambda part: part.number)}


def _part_path(state: EmulatorState, upload_id: str, number: int) -> Path:
    return _storage.upload_dir(state, upload_id) / str(number)


def require_open(upload: Doc) -> None:
    if upload["status"] != "InProgress":
        raise ApiError(409, f"upload {upload['id']} is completed; its parts can no longer change")


async def receive_part(
    state: EmulatorState, upload: Doc, number: int, body: AsyncIterator[bytes]
) -> Part:
    """Stream a part's bytes to disk, its crc32 computed on the way; 400 when it is larger
    than the upload's chunk size (checked as the bytes arrive, so nothing oversized is kept).
    """
    folder = _storage.upload_dir(state, upload["id"])
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f"{number}.{uuid.uuid4().hex}.partial"
    limit, size, crc = upload["chunk_size"], 0, 0
    try:
        async with await anyio.open_file(temp, "wb") as out:
            pending = bytearray()
            async for chunk in body:
                size += len(chunk)
                if size > limit:
                    raise ApiError(400, f"part {number} is larger than the chunk size ({limit})")
                crc = zlib.crc32(chunk, crc)
                pending += chunk
                if len(pending) >= BLOCK:
                    await out.write(pending)
                    pending.clear()
            await out.write(pending)
        part = Part(number, size, crc_hex(crc))
        await anyio.to_thread.run_sync(_keep, state, upload, temp, part)
        return part
    finally:
        temp.unlink(missing_ok=True)  # gone already when kept; sync, so it runs even when cancelled


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


def _concatenate(
    state: EmulatorState, upload: Doc, held: dict[int, Part], out: Path
) -> tuple[int, str]:
    """Write parts 1..N into ``out`` block by block; the whole file's size and crc32."""
    whole, size = 0, 0
    with out.open("wb") as sink:
        for number in sorted(held):
            crc = 0
            with _part_path(state, upload["id"], number).open("rb") as source:
                while block := source.read(BLOCK):
                    crc, whole = zlib.crc32(block, crc), zlib.crc32(block, whole)
                    sink.write(block)
                    size += len(block)
            if crc_hex(crc) != held[number].crc32:
                raise ApiError(409, f"part {number} changed while the file was assembled")
    return size, crc_hex(whole)


def assemble(state: EmulatorState, upload: Doc, listed: Sequence[Listed], destination: str) -> Doc:
    """Join an upload's parts, in order, into ``destination`` (relative to ``files_dir``).

    The parts must run from 1 without a gap, every part but the last must be exactly the
    chunk size, and the file's crc32 must equal the digest given at creation. On success
    the upload is ``Completed`` (with its size and crc32) and its parts are deleted; when
    another request completed it meanwhile, that completion is the answer.
    """
    held = held_parts(state, upload["id"])
    _check_parts(upload, held, listed)
    temp = _storage.upload_dir(state, upload["id"]) / f"assembled.{uuid.uuid4().hex}.partial"
    try:
        try:
            size, crc = _concatenate(state, upload, held, temp)
        except FileNotFoundError:
            raise ApiError(409, f"upload {upload['id']} changed meanwhile; try again") from None
        expected = upload["hash_digest"]
        if expected is not None and crc != expected:
            raise ApiError(400, f"digest mismatch: expected {expected}, got {crc}")
        target = _storage.inside(state, destination)
        with state.store.transaction():
            current = find(state, upload["tenant_id"], "upload_file", upload["id"], "upload")
            if current["status"] == "Completed":
                return current
            _place(temp, target, destination)
            done = {"status": "Completed", "size": size, "crc32": crc, "completed_at": state.now()}
            current = state.store.update("upload_file", current["id"], done)
    finally:
        temp.unlink(missing_ok=True)
    shutil.rmtree(_storage.upload_dir(state, upload["id"]), ignore_errors=True)
    return current


def _place(temp: Path, target: Path, destination: str) -> None:
    if target.is_dir():
        raise ApiError(409, f"cannot store {destination}: a folder of that name exists")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)
    except OSError as exc:
        raise ApiError(409, f"cannot store {destination}: {exc.strerror}") from None
