"""Datasets: register, list, find, describe and delete.

A dataset document (kind ``dataset``, tenant-scoped) is::

    {id, name, dataset_name, description, status: "Available" | "Importing", job_types,
     apps: [app id], file_type, url, language, metadata, source_type, path, size_bytes, file_count,
     user_id, tenant_id, created_at, updated_at, [region, import_started_at] (S3 only)}

``source_type`` says where the bytes are: ``localMachine`` (a folder upload completed under a
reserved dataset id, which becomes the dataset's id), ``local`` (a path already in the
emulator's storage) or ``aws`` (an S3 folder). An S3 dataset is ``Importing`` for a short
emulated delay, then ``Available`` (see ``_transfers``): the emulator cannot reach S3, so it
records the bucket, folder and region and stores no file; the credentials are checked for
shape, then neither kept nor echoed (S8: "AWS S3 credentials are not stored"). add_dataset
errors come grpc-gateway style, as S3 saw them; a name taken in the tenant answers 400 with
code 3, as create_job's duplicates did (S3).
"""

from __future__ import annotations

import shutil
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field, SecretStr

from sambastudio.emulator import _lookup, _storage, _validate
from sambastudio.emulator._auth import Caller, CallerDep
from sambastudio.emulator._catalogue import JOB_TYPES
from sambastudio.emulator._clock import iso
from sambastudio.emulator._errors import ApiError, grpc, not_found
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._state import EmulatorState, State
from sambastudio.emulator._transfers import observe_dataset
from sambastudio.emulator._upload_store import Doc, completed_upload, reservation

router = APIRouter(tags=["datasets"])


class AppRefs(Body):
    ids: list[str] | None = None
    names: list[str] | None = None


class UploadedSource(Body):
    source_type: Literal["localMachine"]
    dataset_id: str
    dataset_path: str | None = None


class StoredSource(Body):
    source_type: Literal["local"]
    source_path: str


class AwsSource(Body):
    """snapi's aws source file, with ``source_type`` (the field names are S8's; that SnSdk
    sends them as they are is assumed). Bucket and region follow AWS's naming rules."""

    source_type: Literal["aws"]
    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$")
    folder: str = ""
    access_key_id: SecretStr = Field(alias="accessKeyId", min_length=1)
    secret_access_key: SecretStr = Field(alias="secretAccessKey", min_length=1)
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")


Source = Annotated[UploadedSource | StoredSource | AwsSource, Field(discriminator="source_type")]


class NewDataset(Body):
    dataset_name: str
    apps: AppRefs | list[Any]
    job_type: list[str]
    source: Source
    dataset_metadata: str | dict[str, Any] | None = None
    description: str = ""
    file_type: str = ""
    url: str = ""
    language: str = ""


def dataset_view(doc: Doc) -> dict[str, Any]:
    """A dataset as every route shows it: ``id`` and ``dataset_id`` both, as callers read
    ``id`` from list_datasets and ``dataset_id`` from search and info (S1, S4)."""
    return {
        "id": doc["id"],
        "dataset_id": doc["id"],
        "dataset_name": doc["dataset_name"],
        "description": doc["description"],
        "status": doc["status"],
        "job_types": doc["job_types"],
        "apps": doc["apps"],
        "file_type": doc["file_type"],
        "url": doc["url"],
        "language": doc["language"],
        "metadata": doc["metadata"],
        "source_type": doc["source_type"],
        "path": doc["path"],
        "size_bytes": doc["size_bytes"],
        "file_count": doc["file_count"],
        "user_id": doc["user_id"],
        "time_created": iso(doc["created_at"]),
        "time_updated": iso(doc["updated_at"]),
    }


def _app_ids(state: EmulatorState, caller: Caller, apps: AppRefs | list[Any]) -> list[str]:
    if isinstance(apps, list):  # grpc-gateway's answer to a list (S3)
        raise grpc(
            400,
            3,
            "proto: syntax error: unexpected token [ (apps must be {ids: [...]} or {names: [...]})",
        )
    if bool(apps.ids) == bool(apps.names):
        raise ApiError(400, "apps must name at least one app, by ids or by names (not both)")
    by, refs = ("id", apps.ids) if apps.ids else ("name", apps.names or [])
    found = [_lookup.visible(state, caller, "app", ref) for ref in refs]
    unknown = [ref for ref, app in zip(refs, found, strict=True) if app is None or app[by] != ref]
    if unknown:
        raise ApiError(404, f"apps not found by {by}: {unknown}")
    return list(dict.fromkeys(app["id"] for app in found if app is not None))


def _job_types(job_type: list[str]) -> list[str]:
    unknown = [job for job in job_type if job not in JOB_TYPES]
    if not job_type or unknown:
        raise ApiError(400, f"job_type must list some of {', '.join(JOB_TYPES)}; got {job_type}")
    return list(dict.fromkeys(job_type))


def _where(state: EmulatorState, caller: Caller, source: Source) -> dict[str, Any]:
    """Where the dataset's bytes are: the source type, path and file statistics."""
    if isinstance(source, AwsSource):
        if ".." in source.folder.split("/"):
            raise ApiError(400, f"source.folder {source.folder!r} may not contain '..'")
        path = f"s3://{source.bucket}/{source.folder.strip('/')}".rstrip("/")
        return {
            "source_type": "aws",
            "path": path,
            "region": source.region,
            "size_bytes": 0,
            "file_count": 0,
            "status": "Importing",
            "import_started_at": state.now(),
        }
    if isinstance(source, UploadedSource):
        reserved = reservation(state, caller.tenant_id, source.dataset_id, "dataset")
        completed_upload(state, reserved)
        if source.dataset_path not in (None, reserved["path"]):
            raise ApiError(
                400,
                f"dataset_path {source.dataset_path!r} is not the upload's {reserved['path']!r}",
            )
        where = {"source_type": "localMachine", "path": reserved["path"]}
    else:
        path = _storage.file_path("source_path", source.source_path)
        where = {"source_type": "local", "path": path}
        if not _storage.inside(state, path).exists():
            raise ApiError(400, f"source_path {path!r} does not exist in the emulator's storage")
    files = _storage.files_under(_storage.inside(state, where["path"])).values()
    sizes = [file.stat().st_size for file in files]
    return {**where, "size_bytes": sum(sizes), "file_count": len(sizes)}


@operation(router, "add_dataset")
def add_dataset(state: State, caller: CallerDep, body: NewDataset) -> dict[str, Any]:
    """Every check runs before anything is written, and the writes are one transaction."""
    name = _validate.name("dataset_name", body.dataset_name)
    apps = _app_ids(state, caller, body.apps)
    job_types = _job_types(body.job_type)
    metadata = _validate.json_object("dataset_metadata", body.dataset_metadata)
    now, source = state.now(), body.source
    with state.store.transaction():
        where = _where(state, caller, source)
        doc = {
            "id": source.dataset_id if isinstance(source, UploadedSource) else state.new_id(),
            "name": name,
            "dataset_name": name,
            "description": body.description,
            "status": "Available",  # an S3 import's ``where`` says Importing
            "job_types": job_types,
            "apps": apps,
            "file_type": body.file_type,
            "url": body.url,
            "language": body.language,
            "metadata": metadata,
            **where,
            "user_id": caller.user_id,
            "tenant_id": caller.tenant_id,
            "created_at": now,
            "updated_at": now,
        }
        state.store.insert("dataset", doc, tenant_id=caller.tenant_id)
        if isinstance(source, UploadedSource):
            state.store.update("upload_dataset", doc["id"], {"registered": True})
    return dataset_view(doc)  # callers read ["id"] in 2024 too (api-evidence §2, S3)


@operation(router, "list_datasets")
def list_datasets(state: State, caller: CallerDep) -> dict[str, Any]:
    docs = _lookup.visible_all(state, caller, "dataset")
    return {"datasets": [dataset_view(observe_dataset(state, doc)) for doc in docs]}


@operation(router, "search_dataset")
def search_dataset(
    state: State, caller: CallerDep, dataset_name: Annotated[str, Query()]
) -> dict[str, Any]:
    doc = _lookup.visible(state, caller, "dataset", dataset_name)
    if doc is None or doc["name"] != dataset_name:
        raise not_found("dataset", dataset_name)
    return {"data": {"dataset_id": doc["id"]}}


@operation(router, "dataset_info")
def dataset_info(state: State, caller: CallerDep, dataset: str) -> dict[str, Any]:
    return {"data": dataset_view(_lookup.dataset(state, caller, dataset))}


@operation(router, "delete_dataset")
def delete_dataset(state: State, caller: CallerDep, dataset: str) -> dict[str, Any]:
    """The files of an uploaded dataset go with it; a ``local`` one's belong to the storage."""
    doc = state.store.get("dataset", dataset, tenant_id=caller.tenant_id)
    if doc is None:
        raise not_found("dataset", dataset)
    state.store.delete("dataset", doc["id"])
    if doc["source_type"] == "localMachine":
        shutil.rmtree(_storage.inside(state, doc["path"]), ignore_errors=True)
    message = f"The Dataset: {doc['id']} was successfully marked for deletion from the Dataset Hub."
    return {"detail": message}
