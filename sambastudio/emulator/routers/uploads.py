"""The multipart dataset upload flow (the documents and bytes are kept by ``_upload_store``).

generate_dataset_id reserves a dataset id → create_folder_upload declares the files →
per file create_multipart_file_upload (with the crc32 of the whole file), upload_part_file
(a PUT of raw bytes per part, streamed to disk), complete_multipart_file_upload → then
complete_folder_upload, and add_dataset (in ``datasets``) registers the reserved id.

A model checkpoint uploaded from the user's machine goes the same way, from an id reserved
by generate_model_upload_id (an assumed route, modelled on generate_dataset_id); its files
land under ``checkpoints/<id>`` and import_model (in ``model_transfers``) imports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from fastapi.routing import APIRoute
from pydantic import Field
from starlette.requests import ClientDisconnect
from starlette.routing import compile_path

from sambastudio.emulator import _storage, _upload_store
from sambastudio.emulator._auth import Caller, CallerDep
from sambastudio.emulator._errors import ApiError
from sambastudio.emulator._lookup import require
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._state import EmulatorState, State
from sambastudio.emulator._upload_store import MAX_PARTS, Doc, Listed, find


class _FilePathRoute(APIRoute):
    """A route whose ``{file_path}`` may hold ``/``: the server decodes ``%2F`` before
    routing, so a file in a sub-folder would otherwise match no route. ``path`` stays the
    contract's template."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, endpoint, **options)
        wide = path.replace("{file_path}", "{file_path:path}")
        self.path_regex, self.path_format, self.param_convertors = compile_path(wide)


router = APIRouter(tags=["uploads"], route_class=_FilePathRoute)

MAX_CHUNK_SIZE = 5 << 30
_DIGEST = re.compile(r"[0-9a-fA-F]{8}")


class NewFolder(Body):
    dataset_id: str = Field(alias="datasetId")
    file_list: list[str] = Field(alias="fileList", min_length=1)


class NewFileUpload(Body):
    folder_id: str = Field(alias="folderId")
    file_path: str = Field(alias="filePath")
    chunk_size: int = Field(alias="chunkSize", gt=0, le=MAX_CHUNK_SIZE)
    hash_algo: str | None = Field(None, alias="hashAlgo")
    hash_digest: str | None = Field(None, alias="hashDigest")


class PartEntry(Body):
    number: int = Field(alias="partNumber", ge=1, le=MAX_PARTS)
    size: int | None = Field(None, ge=0)
    crc32: str | None = None


class CompleteFile(Body):
    folder_id: str = Field(alias="folderId")
    file_path: str = Field(alias="filePath")
    chunk_size: int = Field(alias="chunkSize", gt=0, le=MAX_CHUNK_SIZE)
    upload_id: str = Field(alias="uploadId")
    part_list: list[PartEntry] = Field(alias="partList", min_length=1)


class FileEntry(Body):
    file_path: str = Field(alias="filePath")
    upload_id: str | None = Field(None, alias="uploadId")
    size: int | None = None
    crc32: str | None = None


class CompleteFolder(Body):
    dataset_id: str = Field(alias="datasetId")
    folder_id: str = Field(alias="folderId")
    file_list: list[str | FileEntry] = Field(alias="fileList", min_length=1)


def _declared(file_list: list[str]) -> list[str]:
    """A folder's files: each a safe relative path, none twice, none also a folder."""
    paths = [_storage.file_path("fileList entry", path) for path in file_list]
    seen: set[str] = set()
    for path in paths:
        require(path not in seen, f"fileList names {path!r} twice")
        seen.add(path)
    for path in paths:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            require(folder not in seen, f"fileList has {folder!r} as a file and as a folder")
    return paths


def _digest(algo: str | None, digest: str | None) -> str | None:
    if algo is not None and algo.lower() != "crc32":
        raise ApiError(400, f"hashAlgo must be crc32, not {algo!r}")
    if digest is not None and not _DIGEST.fullmatch(digest):
        raise ApiError(400, f"hashDigest must be a crc32 as 8 hex digits, not {digest!r}")
    return digest.lower() if digest is not None else None


def _file_view(upload: Doc) -> dict[str, Any]:
    return {
        "filePath": upload["file_path"],
        "size": upload["size"],
        "crc32": upload["crc32"],
        "status": upload["status"],
    }


def _reserve(state: EmulatorState, caller: Caller, target: _upload_store.Target) -> str:
    """A new id for an upload whose files become a dataset or a model checkpoint."""
    reserved = state.new_id()
    doc = {
        "id": reserved,
        "user_id": caller.user_id,
        "target": target,
        "path": _storage.upload_target_dir(target, reserved),
        "registered": False,
        "tenant_id": caller.tenant_id,
        "created_at": state.now(),
    }
    state.store.insert("upload_dataset", doc, tenant_id=caller.tenant_id)
    return reserved


@operation(router, "generate_dataset_id")
def generate_dataset_id(state: State, caller: CallerDep) -> dict[str, Any]:
    return {"datasetId": _reserve(state, caller, "dataset")}


@operation(router, "generate_model_upload_id")
def generate_model_upload_id(state: State, caller: CallerDep) -> dict[str, Any]:
    return {"datasetId": _reserve(state, caller, "model")}


@operation(router, "create_folder_upload")
def create_folder_upload(state: State, caller: CallerDep, body: NewFolder) -> dict[str, Any]:
    reserved = _upload_store.reservation(state, caller.tenant_id, body.dataset_id)
    folder = {
        "id": state.new_id(),
        "dataset_id": reserved["id"],
        "files": _declared(body.file_list),
        "status": "InProgress",
        "tenant_id": caller.tenant_id,
        "created_at": state.now(),
    }
    state.store.insert(
        "upload_folder", folder, tenant_id=caller.tenant_id, parent_id=reserved["id"]
    )
    return {"folderId": folder["id"], "datasetPath": reserved["path"]}


def _open_folder(state: EmulatorState, caller: Caller, folder_id: str) -> Doc:
    folder = find(state, caller.tenant_id, "upload_folder", folder_id, "folder")
    require(
        folder["status"] == "InProgress",
        f"folder {folder_id} is completed; start another folder upload",
        409,
    )
    return folder


@operation(router, "create_multipart_file_upload")
def create_multipart_file_upload(
    state: State, caller: CallerDep, body: NewFileUpload
) -> dict[str, Any]:
    folder = _open_folder(state, caller, body.folder_id)
    path = _storage.file_path("filePath", body.file_path)
    require(path in folder["files"], f"filePath {path!r} is not in the folder's fileList")
    upload = {
        "id": state.new_id(),
        "folder_id": folder["id"],
        "dataset_id": folder["dataset_id"],
        "file_path": path,
        "chunk_size": body.chunk_size,
        "hash_digest": _digest(body.hash_algo, body.hash_digest),
        "status": "InProgress",
        "size": None,
        "crc32": None,
        "tenant_id": caller.tenant_id,
        "created_at": state.now(),
    }
    state.store.insert("upload_file", upload, tenant_id=caller.tenant_id, parent_id=folder["id"])
    return {"uploadId": upload["id"], "path": path}


def _upload_of(
    state: EmulatorState, caller: Caller, folder_id: str, upload_id: str, file_path: str
) -> Doc:
    """The upload a request names, refused unless its folder and file path agree."""
    upload = find(state, caller.tenant_id, "upload_file", upload_id, "upload")
    require(
        upload["folder_id"] == folder_id,
        f"upload {upload_id} belongs to folder {upload['folder_id']}, not {folder_id}",
    )
    path = _storage.file_path("filePath", file_path)
    require(
        upload["file_path"] == path,
        f"upload {upload_id} is for {upload['file_path']!r}, not {path!r}",
    )
    return upload


@operation(router, "upload_part_file")
async def upload_part_file(
    request: Request,
    state: State,
    caller: CallerDep,
    file_path: str,
    folder_id: Annotated[str, Query(alias="folderId")],
    part_number: Annotated[int, Query(alias="partNumber", ge=1, le=MAX_PARTS)],
    upload_id: Annotated[str, Query(alias="uploadId")],
) -> dict[str, Any]:
    """The body is streamed to disk in blocks, never read whole."""
    upload = await anyio.to_thread.run_sync(
        _upload_of, state, caller, folder_id, upload_id, file_path
    )
    _upload_store.require_open(upload)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > upload["chunk_size"]:
        raise ApiError(
            400, f"part {part_number} is larger than the chunk size ({upload['chunk_size']})"
        )
    try:
        part = await _upload_store.receive_part(state, upload, part_number, request.stream())
    except ClientDisconnect:
        raise ApiError(400, f"part {part_number} was cut short by the client") from None
    return part.view()


@operation(router, "get_file_upload_status")
def get_file_upload_status(
    state: State,
    caller: CallerDep,
    dataset_id: Annotated[str, Query(alias="datasetId")],
    upload_id: Annotated[str, Query(alias="uploadId")],
) -> dict[str, Any]:
    upload = find(state, caller.tenant_id, "upload_file", upload_id, "upload")
    require(
        upload["dataset_id"] == dataset_id,
        f"upload {upload_id} is not part of dataset {dataset_id}",
        404,
    )
    parts = _upload_store.held_parts(state, upload_id).values()
    return {
        "uploadId": upload_id,
        "filePath": upload["file_path"],
        "status": upload["status"],
        "parts": [part.view() for part in parts],
    }


@operation(router, "complete_multipart_file_upload", inline=False)
def complete_multipart_file_upload(
    state: State, caller: CallerDep, body: CompleteFile
) -> dict[str, Any]:
    """Safe to repeat: a completed upload answers as it did when it completed.

    In the thread pool: copying a large file's parts and deleting them takes a while, and
    the event loop keeps serving other requests meanwhile.
    """
    upload = _upload_of(state, caller, body.folder_id, body.upload_id, body.file_path)
    require(
        upload["chunk_size"] == body.chunk_size,
        f"chunkSize {body.chunk_size} differs from the upload's {upload['chunk_size']}",
    )
    if upload["status"] == "InProgress":
        listed = [Listed(entry.number, entry.size, entry.crc32) for entry in body.part_list]
        reserved = find(state, caller.tenant_id, "upload_dataset", upload["dataset_id"], "upload")
        destination = f"{reserved['path']}/{upload['file_path']}"
        upload = _upload_store.assemble(state, upload, listed, destination)
    return _file_view(upload)


def _check_entry(entry: FileEntry, upload: Doc) -> None:
    """A fileList entry's details, where given, must match the file as completed."""
    path = upload["file_path"]
    if entry.upload_id is not None:
        require(
            entry.upload_id == upload["id"],
            f"{path!r} was completed by upload {upload['id']}, not {entry.upload_id}",
        )
    for field, given in (("size", entry.size), ("crc32", entry.crc32)):
        held = upload[field]
        if given is not None and str(given).lower() != str(held):
            raise ApiError(400, f"{path!r}: {field} sent {given}, the server holds {held}")


@operation(router, "complete_folder_upload")
def complete_folder_upload(state: State, caller: CallerDep, body: CompleteFolder) -> dict[str, Any]:
    """Every file the folder declared must be completed; safe to repeat."""
    folder = find(state, caller.tenant_id, "upload_folder", body.folder_id, "folder")
    require(
        folder["dataset_id"] == body.dataset_id,
        f"folder {folder['id']} belongs to dataset {folder['dataset_id']}, not {body.dataset_id}",
    )
    uploads = state.store.list("upload_file", parent_id=folder["id"])
    done = sorted(
        (u for u in uploads if u["status"] == "Completed"), key=lambda u: u["completed_at"]
    )
    completed = {upload["file_path"]: upload for upload in done}  # the latest of a path wins
    for item in body.file_list:
        entry = FileEntry(filePath=item) if isinstance(item, str) else item
        path = entry.file_path
        require(path in folder["files"], f"{path!r} is outside the folder's declared fileList")
        if path in completed:
            _check_entry(entry, completed[path])
    missing = [path for path in folder["files"] if path not in completed]
    require(not missing, f"files not completed: {missing}")
    if folder["status"] != "Completed":
        state.store.update("upload_folder", folder["id"], {"status": "Completed"})
    return {"datasetId": folder["dataset_id"], "folderId": folder["id"], "status": "Completed"}
