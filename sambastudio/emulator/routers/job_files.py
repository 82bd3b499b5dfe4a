"""What jobs produce: metrics, logs, results archives and their exports to S3.

The archive downloads honour one byte range (``Range: bytes=N-``, ``bytes=N-M`` or
``bytes=-N``) with 206 and ``Content-Range``, and 416 when it starts past the end, so a
client's resume meets a real server. Each archive carries a strong ``ETag`` and an
``If-Range`` that no longer matches it gets the whole archive: the logs of a running job
change between two requests, and a resumed download must not splice two archives.
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from pydantic import Field, SecretStr

from sambastudio.emulator import _artifacts, _jobs, _lookup
from sambastudio.emulator._auth import Caller, CallerDep
from sambastudio.emulator._clock import iso_nanos
from sambastudio.emulator._errors import ApiError, detail
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._state import EmulatorState, State

router = APIRouter(tags=["job files"])

EXPORT_SECONDS = 5.0
PREVIEW_LINES = 50


def _job(state: EmulatorState, caller: Caller, project: str, job: str) -> dict[str, Any]:
    _, doc = _lookup.job(state, caller, project, job)
    return _jobs.observe(state, doc)


RangeHeader = Annotated[
    str | None, Header(alias="Range", description="One byte range: bytes=N-, N-M or -N")
]
IfRange = Annotated[
    str | None,
    Header(alias="If-Range", description="The ETag a resumed download started with"),
]
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The ``(first, last)`` bytes (inclusive) one ``Range`` asks for; ``None`` for the
    whole body (no header, or one this server ignores as RFC 9110 allows: several ranges,
    another unit, bad syntax). 416 for a range that starts past the end."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), int(last) if last else size - 1
        if last and end < start:
            return None
    elif last:  # a suffix: the last N bytes (none of them: unsatisfiable)
        start, end = (max(size - int(last), 0) if int(last) else size), size - 1
    else:
        return None
    if start >= size:
        raise ApiError(
            416,
            f"range {header} starts past the end of the {size} bytes",
            style="detail",
            headers={"Content-Range": f"bytes */{size}"},
        )
    return start, min(end, size - 1)


def _download(
    job: dict[str, Any], kind: str, range_header: str | None, if_range: str | None
) -> Response:
    data = _artifacts.archive(job, kind)
    if data is None:
        raise detail(404, "No results exists")
    etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    headers = {
        "Content-Disposition": f'attachment; filename="{job["name"]}-{kind}.tar.gz"',
        "Accept-Ranges": "bytes",
        "ETag": etag,
    }
    span = None if if_range not in (None, etag) else _byte_range(range_header, len(data))
    if span is None:
        return Response(data, media_type="application/gzip", headers=headers)
    first, last = span
    headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    return Response(
        data[first : last + 1], status_code=206, media_type="application/gzip", headers=headers
    )


@operation(router, "get_metrics")
def get_metrics(
    state: State,
    caller: CallerDep,
    project: str,
    job: str,
    random_sample_limit: Annotated[int | None, Query(ge=-1)] = None,
) -> dict[str, Any]:
    """``random_sample_limit`` -1 (SnSdk's default) means every point; 0 is refused."""
    if random_sample_limit == 0:
        raise ApiError(400, "random_sample_limit must be -1 (all points) or greater than 0")
    limit = None if random_sample_limit == -1 else random_sample_limit
    return {"data": _artifacts.metrics(_job(state, caller, project, job), limit)}


@operation(router, "job_log_list")
def job_log_list(state: State, caller: CallerDep, project: str, job: str) -> dict[str, Any]:
    files = _artifacts.logs(_job(state, caller, project, job))
    return {"logs": [{"name": name, "size": len(text.encode())} for name, text in files.items()]}


@operation(router, "job_log_preview")
def job_log_preview(
    state: State, caller: CallerDep, project: str, job: str, log_file: Annotated[str, Query()]
) -> dict[str, Any]:
    files = _artifacts.logs(_job(state, caller, project, job))
    if log_file not in files:
        raise ApiError(404, f"log file {log_file} not found (known: {', '.join(files)})")
    lines = files[log_file].splitlines()[-PREVIEW_LINES:]
    return {"name": log_file, "preview": "\n".join(lines)}


@operation(router, "download_job_artifacts")
def download_job_artifacts(
    state: State,
    caller: CallerDep,
    project: str,
    job: str,
    artifact_type: Literal["results", "logs"],
    range_header: RangeHeader = None,
    if_range: IfRange = None,
) -> Response:
    return _download(_job(state, caller, project, job), artifact_type, range_header, if_range)


@operation(router, "download_logs")
def download_logs(
    state: State,
    caller: CallerDep,
    project: str,
    job: str,
    range_header: RangeHeader = None,
    if_range: IfRange = None,
) -> Response:
    return _download(_job(state, caller, project, job), "logs", range_header, if_range)


@operation(router, "download_results")
def download_results(
    state: State,
    caller: CallerDep,
    project: str,
    job: str,
    range_header: RangeHeader = None,
    if_range: IfRange = None,
) -> Response:
    return _download(_job(state, caller, project, job), "results", range_header, if_range)


def _export_view(state: EmulatorState, doc: dict[str, Any]) -> dict[str, Any]:
    done = state.now() - doc["created_at"] >= EXPORT_SECONDS
    return {
        "export_id": doc["id"],
        "status": "Completed" if done else "InProgress",
        "storage_type": doc["storage_type"],
        "bucket": doc["bucket"],
        "folder": doc["folder"],
        "region_name": doc["region_name"],
        "time_created": iso_nanos(doc["created_at"]),
    }


class AwsUpload(Body):
    """The credentials are accepted, checked for presence and never stored or echoed."""

    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$")
    folder: str = ""
    access_key_id: SecretStr
    secret_access_key: SecretStr
    session_token: SecretStr | None = None
    region_name: str = "us-east-1"


@operation(router, "list_exports")
def list_exports(state: State, caller: CallerDep, project: str, job: str) -> dict[str, Any]:
    doc = _job(state, caller, project, job)
    exports = state.store.list("export", parent_id=doc["id"])
    return {"exports": [_export_view(state, export) for export in exports]}


@operation(router, "upload_results_to_aws")
def upload_results_to_aws(
    state: State, caller: CallerDep, project: str, job: str, body: AwsUpload
) -> dict[str, Any]:
    doc = _job(state, caller, project, job)
    if not _artifacts.has_results(doc):
        raise ApiError(400, f"job {doc['name']} has no results to export ({doc['status']})")
    if ".." in body.folder.split("/"):
        raise ApiError(400, f"folder {body.folder!r} may not contain '..'")
    export = {
        "id": state.new_id(),
        "storage_type": "aws",
        "bucket": body.bucket,
        "folder": body.folder,
        "region_name": body.region_name,
        "created_at": state.now(),
    }
    state.store.insert("export", export, tenant_id=caller.tenant_id, parent_id=doc["id"])
    view = _export_view(state, export)
    return {"export_id": view["export_id"], "status": view["status"]}
