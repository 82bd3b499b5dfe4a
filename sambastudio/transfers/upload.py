"""Streaming, parallel, resumable dataset uploads over SambaStudio's multipart upload API.

The flow is generate_dataset_id → create_folder_upload → per file create_multipart_file_upload
→ upload_part_file (a PUT of raw bytes per part) → complete_multipart_file_upload, then
complete_folder_upload → add_dataset. A model checkpoint goes the same way
(:mod:`sambastudio.transfers.checkpoint`), with its own reservation and the import instead of
add_dataset. The module is long because every step shares the plan, the journal and the
pools, and the resume logic is checked by reading them together. What it promises, and how:

* **Memory independent of the file size**: a part is streamed from disk in 256 KiB blocks
  as the socket takes them (:class:`PartStream`), and at most ``concurrency`` parts are on
  the wire at once. Only a small one-part file (up to ``SMALL_FILE``) is read whole first,
  so the bound is ``concurrency x min(chunk_size, SMALL_FILE)`` at worst.
* **One read of the file; crc32 while streaming**: each block's bytes update the part's
  crc32 as they are sent. The part's crc32 is checked against the one the server answers
  (a mismatch sends the part again) and listed in complete's ``partList``, so the server
  checks what it stored. The whole-file digest on create would need a full extra read
  before the first byte could move, so it is sent only where it costs nothing: a small
  one-part file, read before its create. For the others the whole-file crc32 is derived
  from the part crcs (``crc32_combine``) and compared with the one the server reports on
  completion.
* **Per-part retries**: every request goes through the pipeline's retry with backoff; a
  part is retried on its own and never restarts its file.
* **Resume**: a small append-only journal (JSON lines in the user's cache dir, keyed by the
  dataset name and the folder's absolute path) records the ids and each acknowledged part's
  crc32. Calling the upload again with the same files asks the server
  (get_file_upload_status) which parts it holds and sends only the others. The journal is
  trusted only while every file keeps its size and mtime; otherwise the upload starts over.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, TypeVar

import attrs

from sambastudio._pipeline import (
    ABSENCE,
    RETRY_STATUSES,
    Pipeline,
    RequestOptions,
    ResponseHook,
)
from sambastudio._reconcile import CreatePolicy
from sambastudio._resolve import ids_in_search
from sambastudio._response import APIResponse
from sambastudio._routes import Route
from sambastudio.errors import (
    APIStatusError,
    InvalidArgumentError,
    NotFoundError,
    UploadError,
)
from sambastudio.transfers.crc import crc32, crc32_of_parts, crc_hex, fast_crc32
from sambastudio.transfers.plan import (
    DEFAULT_CHUNK_SIZE,
    Journal,
    Json,
    MiB,
    PartRange,
    PlannedFile,
    ResumeState,
    UploadPlan,
    plan_upload,
)
from sambastudio.transfers.progress import ProgressCallback, ProgressReporter

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_CONCURRENCY",
    "JOB_TYPES",
    "SMALL_FILE",
    "PartStream",
    "UploadPlan",
    "check_dataset_upload",
    "plan_upload",
    "resume_upload",
    "upload_dataset",
]

DEFAULT_CONCURRENCY = 4
JOB_TYPES = ("train", "evaluation", "batch_predict")

_RETRIES = 5
"""Retries per request of the upload flow: a big upload makes thousands of requests, so the
client default (2) would let one unlucky part fail an hours-long transfer."""
_OPTIONS = RequestOptions(max_retries=_RETRIES)
_RETRY_STATUSES = RETRY_STATUSES | {500}
"""What the upload flow retries: a repeated part, file or folder request is harmless."""
_MISMATCH_RETRIES = 2
"""How often a part whose crc32 the server read differently is sent again."""
SMALL_FILE = 8 * MiB
"""A one-part file up to this size is read whole before its create, which then carries
its digest for free; anything larger is streamed from disk."""
_BLOCK = 256 << 10
"""Bytes read, hashed and handed to the socket at a time: small enough to stay in cache."""

T = TypeVar("T")


# --------------------------------------------------------------------------- helpers
def _run_all(pool: ThreadPoolExecutor, fn: Callable[[T], Any], items: Iterable[T]) -> None:
    """Run ``fn`` on every item in ``pool``; on the first failure (or Ctrl-C) drop the items
    not started yet and raise it.

    A worker that an item's failure frees would pick the next item before this thread could
    cancel it: items check that nothing failed before they start."""
    failed = threading.Event()

    def run(item: T) -> None:
        if failed.is_set():
            return
        try:
            fn(item)
        except BaseException:
            failed.set()
            raise

    futures = [pool.submit(run, item) for item in items]
    try:
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
    finally:
        for future in futures:
            future.cancel()
    for future in done:
        future.result()


def _read(file: PlannedFile, part: PartRange) -> bytes:
    with file.path.open("rb") as source:
        source.seek(part.offset)
        data = source.read(part.size)
    if len(data) != part.size:
        raise UploadError(f"{file.path} changed during the upload (it is shorter than planned)")
    return data


class PartStream:
    """One part as a request body, read from disk block by block as the socket takes it,
    with its crc32 computed on the way: one read of the bytes, in cache-sized blocks.

    It is sized (requests sends a Content-Length) and rewinds to its start, which the
    pipeline does before it sends the part again.
    """

    def __init__(self, file: PlannedFile, part: PartRange) -> None:
        self.file, self.part = file, part
        self._position = self._crc = 0

    def __len__(self) -> int:
        return self.part.size

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, position: int, whence: int = os.SEEK_SET) -> int:
        if (position, whence) != (0, os.SEEK_SET):
            raise io.UnsupportedOperation("a part rewinds to its start only")
        self._position = self._crc = 0
        return 0

    def __iter__(self) -> Iterator[bytes]:
        update = fast_crc32()
        with self.file.path.open("rb") as source:
            source.seek(self.part.offset + self._position)
            while self._position < self.part.size:
                block = source.read(min(_BLOCK, self.part.size - self._position))
                if not block:
                    raise UploadError(f"{self.file.path} changed during the upload (it shrank)")
                self._crc = update(block, self._crc)
                self._position += len(block)
                yield block

    @property
    def crc(self) -> str:
        """The crc32 of the bytes sent, once all of them have been."""
        if self._position != self.part.size:
            raise UploadError(
                f"part {self.part.number} of {self.file.relpath!r} was not sent whole"
            )
        return crc_hex(self._crc)


def _answer(
    pipeline: Pipeline,
    route: Route,
    *,
    retry_safe: bool = False,
    expected_statuses: Collection[int] = (),
    **args: Any,
) -> APIResponse:
    """One request of the upload flow, its answer.

    ``retry_safe`` lets the pipeline repeat a POST whose repetition only leaves an unused
    reservation behind (a folder or a file upload nobody completes). The pipeline leaves a
    500 alone, since a server may fail after acting; every repeatable request of the upload
    flow is harmless to send again, so a 500 is retried here too (the pipeline still
    retries only what is idempotent or ``retry_safe``). ``expected_statuses``: see
    ``Pipeline.send``.
    """
    if retry_safe:
        route = attrs.evolve(route, safe_to_retry=True)
    request = route.bind(**args)
    if isinstance(request.content, PartStream):
        request.content.seek(0)  # a part sent again after a crc32 mismatch starts over
    response = pipeline.send(
        request,
        options=_OPTIONS,
        retry_statuses=_RETRY_STATUSES,
        expected_statuses=expected_statuses,
    )
    return APIResponse(response, response.elapsed, pipeline.settings.limits, route)


def _send(
    pipeline: Pipeline,
    route: Route,
    *,
    retry_safe: bool = False,
    expected_statuses: Collection[int] = (),
    **args: Any,
) -> Json:
    """One request of the upload flow, its JSON answer as a dict."""
    answer = _answer(
        pipeline, route, retry_safe=retry_safe, expected_statuses=expected_statuses, **args
    )
    return _dict(answer)


def _dict(answer: APIResponse) -> Json:
    body = answer.json()
    return body if isinstance(body, dict) else {}


def _first(body: Json, *keys: str) -> Any:
    for key in keys:
        if body.get(key) is not None:
            return body[key]
    return None


def check_concurrency(concurrency: int) -> None:
    if concurrency < 1:
        raise InvalidArgumentError("concurrency", f"concurrency must be >= 1, not {concurrency}")


def _check_arguments(name: str, job_types: Sequence[str], concurrency: int) -> None:
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgumentError("name", "the dataset name must be a non-empty string")
    if "/" in name or name.strip() in (".", ".."):
        raise InvalidArgumentError(
            "name", f"the dataset name {name!r} cannot hold '/' or be '.' or '..'"
        )
    if not job_types or isinstance(job_types, str):
        raise InvalidArgumentError("job_types", f"job_types must be a list of {JOB_TYPES}")
    unknown = [job for job in job_types if job not in JOB_TYPES]
    if unknown:
        raise InvalidArgumentError(
            "job_types", f"unknown job type(s) {unknown}: a dataset serves {', '.join(JOB_TYPES)}"
        )
    check_concurrency(concurrency)


def _resolve_apps(pipeline: Pipeline, apps: Sequence[str]) -> list[str]:
    """The ids of ``apps`` (names or ids), or an error naming the unknown ones."""
    if not apps or isinstance(apps, str):
        raise InvalidArgumentError("apps", "apps must be a non-empty list of app names or ids")
    known = _send(pipeline, pipeline.routes["list_apps"]).get("apps") or []
    by_key = {str(app.get(k)): str(app.get("id")) for app in known for k in ("id", "name")}
    unknown = [app for app in apps if app not in by_key]
    if unknown:
        names = sorted(str(app.get("name")) for app in known)
        raise InvalidArgumentError("apps", f"unknown app(s) {unknown}; known apps: {names}")
    return list(dict.fromkeys(by_key[app] for app in apps))


def _find_dataset(pipeline: Pipeline, name: str) -> list[str]:
    try:
        body = _send(
            pipeline,
            pipeline.routes["search_dataset"],
            expected_statuses=ABSENCE,
            dataset_name=name,
        )
    except NotFoundError:
        return []
    return ids_in_search(body, "dataset_id")


# --------------------------------------------------------------------------- the run
@attrs.define
class _Upload:
    """One attempt at moving a plan's bytes into a folder upload on the server."""

    pipeline: Pipeline
    plan: UploadPlan
    journal: Journal
    resume: ResumeState
    reporter: ProgressReporter
    parts_pool: ThreadPoolExecutor
    in_flight: threading.BoundedSemaphore
    """At most ``concurrency`` parts on the wire (and single-part buffers in memory)."""
    stop: threading.Event = attrs.field(factory=threading.Event)
    """Set when the run fails or is interrupted: parts not yet read are not sent."""

    @property
    def folder_id(self) -> str:
        return str(self.resume.start["folder_id"])

    def upload_file(self, file: PlannedFile) -> Json:
        """Send what the server lacks of ``file`` and complete it; its entry in file_list."""
        parts = file.parts(self.plan.chunk_size)
        upload_id = self.resume.upload_ids.get(file.relpath)
        held = self._held_parts(file, upload_id) if upload_id else None
        if upload_id is None or held is None:  # no upload yet, or the server forgot it
            self.resume.parts[file.relpath] = {}
            if len(parts) == 1 and file.size <= SMALL_FILE:
                return self._complete(file, self._send_single(file, parts[0]), parts)
            upload_id, held = self._create(file, digest=None), set()
        for part in parts:
            if part.number in held:
                self.reporter.advance(part.size, item=file.relpath, key=(file.relpath, part.number))
        missing = [part for part in parts if part.number not in held]
        _run_all(self.parts_pool, lambda part: self._send_part(file, upload_id, part), missing)
        return self._complete(file, upload_id, parts)

    def _held_parts(self, file: PlannedFile, upload_id: str) -> set[int] | None:
        """The parts the server holds with the size and crc32 the journal recorded."""
        try:
            status = _send(
                self.pipeline,
                self.pipeline.routes["get_file_upload_status"],
                expected_statuses=ABSENCE,
                dataset_id=self.resume.start["dataset_id"],
                upload_id=upload_id,
            )
        except NotFoundError:
            return None
        recorded = self.resume.parts.get(file.relpath, {})
        return {
            int(part["partNumber"])
            for part in status.get("parts") or []
            if recorded.get(int(part["partNumber"])) == (part.get("size"), part.get("crc32"))
        }

    def _create(self, file: PlannedFile, digest: str | None) -> str:
        body = _send(
            self.pipeline,
            self.pipeline.routes["create_multipart_file_upload"],
            retry_safe=True,
            folder_id=self.folder_id,
            file_path=file.relpath,
            chunk_size=self.plan.chunk_size,
            hash_algo="crc32",
            hash_digest=digest,
        )
        upload_id = str(_first(body, "uploadId", "upload_id"))
        self.journal.append("file", path=file.relpath, upload_id=upload_id)
        return upload_id

    def _send_single(self, file: PlannedFile, part: PartRange) -> str:
        """A one-part file: read first, so create can carry its digest at no extra cost."""
        with self.in_flight:
            data = _read(file, part)
            crc = crc_hex(crc32(data))
            upload_id = self._create(file, digest=crc)
            self._put(file, upload_id, part, data, crc)
        return upload_id

    def _send_part(self, file: PlannedFile, upload_id: str, part: PartRange) -> None:
        with self.in_flight:
            if self.stop.is_set():
                raise UploadError("the upload was interrupted")
            if part.size:
                self._put(file, upload_id, part, PartStream(file, part))
            else:  # no body to stream: requests would send an empty stream chunked
                self._put(file, upload_id, part, b"", crc_hex(0))

    def _put(
        self,
        file: PlannedFile,
        upload_id: str,
        part: PartRange,
        body: PartStream | bytes,
        crc: str = "",
    ) -> None:
        """PUT one part, and again while the server reads a different crc32 than was sent;
        ``crc`` is the crc32 of a ``bytes`` body (a stream computes its own)."""
        for _ in range(_MISMATCH_RETRIES + 1):
            answer = _send(
                self.pipeline,
                self.pipeline.routes["upload_part_file"],
                file_path=file.relpath,
                part_number=part.number,
                upload_id=upload_id,
                folder_id=self.folder_id,
                file=body,
            )
            crc = body.crc if isinstance(body, PartStream) else crc
            received = answer.get("crc32")
            if received is None or str(received).lower() == crc:
                break
        else:
            raise UploadError(
                f"part {part.number} of {file.relpath!r} arrived corrupted "
                f"{_MISMATCH_RETRIES + 1} times: crc32 sent {crc}, received {received}"
            )
        self.resume.parts.setdefault(file.relpath, {})[part.number] = (part.size, crc)
        self.journal.append("part", path=file.relpath, part=part.number, size=part.size, crc32=crc)
        self.reporter.advance(part.size, item=file.relpath, key=(file.relpath, part.number))

    def _complete(self, file: PlannedFile, upload_id: str, parts: Sequence[PartRange]) -> Json:
        if file.path.stat().st_mtime_ns != file.mtime_ns:
            raise UploadError(f"{file.path} changed during the upload; upload it again")
        recorded = self.resume.parts[file.relpath]
        part_list = [
            {"partNumber": part.number, "size": part.size, "crc32": recorded[part.number][1]}
            for part in parts
        ]
        try:
            body = _send(
                self.pipeline,
                self.pipeline.routes["complete_multipart_file_upload"],
                folder_id=self.folder_id,
                file_path=file.relpath,
                chunk_size=self.plan.chunk_size,
                upload_id=upload_id,
                part_list=part_list,
            )
        except APIStatusError as error:
            raise UploadError(
                f"the server refused to assemble {file.relpath!r}: {error}"
            ) from error
        entry = self._entry(file, upload_id)
        reported = _first(body, "crc32", "hashDigest")
        if reported is not None and str(reported).lower() != entry["crc32"]:
            raise UploadError(
                f"{file.relpath!r} was assembled with crc32 {reported}, expected {entry['crc32']}"
            )
        self.journal.append("file_done", path=file.relpath)
        return entry

    def completed_entry(self, file: PlannedFile) -> Json:
        """The file_list entry of a file an earlier attempt completed: no request needed."""
        self.reporter.advance(file.size, item=file.relpath, key=file.relpath)
        return self._entry(file, self.resume.upload_ids[file.relpath])

    def _entry(self, file: PlannedFile, upload_id: str) -> Json:
        """A file's entry in complete_folder_upload's file_list, with its whole-file crc32
        combined from the crc32 of its parts (no second read)."""
        recorded = self.resume.parts[file.relpath]
        digest = crc32_of_parts((int(recorded[n][1], 16), recorded[n][0]) for n in sorted(recorded))
        return {
            "filePath": file.relpath,
            "size": file.size,
            "uploadId": upload_id,
            "crc32": crc_hex(digest),
        }


def _start(
    pipeline: Pipeline,
    plan: UploadPlan,
    journal: Journal,
    dataset: Json,
    reserve: str,
) -> ResumeState:
    """Reserve an id with the route ``reserve`` and open the folder upload; the journal
    starts afresh."""
    dataset_id = _first(_send(pipeline, pipeline.routes[reserve]), "datasetId", "dataset_id")
    folder = _send(
        pipeline,
        pipeline.routes["create_folder_upload"],
        retry_safe=True,
        dataset_id=dataset_id,
        file_list=[file.relpath for file in plan.files],
    )
    start = {
        "dataset_id": dataset_id,
        "folder_id": _first(folder, "folderId", "folder_id"),
        "dataset_path": _first(folder, "datasetPath", "dataset_path"),
        "fingerprint": plan.fingerprint,
        "chunk_size": plan.chunk_size,
        "dataset": dataset,
    }
    journal.discard()
    journal.append("start", **start)
    return ResumeState(start)


def _transfer(
    pipeline: Pipeline,
    plan: UploadPlan,
    journal: Journal,
    resume: ResumeState,
    concurrency: int,
    reporter: ProgressReporter,
) -> list[Json]:
    """Upload every file not yet complete, ``concurrency`` files and parts at a time."""
    entries: dict[str, Json] = {}
    with (
        ThreadPoolExecutor(concurrency, thread_name_prefix="sambastudio-part") as parts_pool,
        ThreadPoolExecutor(concurrency, thread_name_prefix="sambastudio-file") as files_pool,
    ):
        upload = _Upload(
            pipeline,
            plan,
            journal,
            resume,
            reporter,
            parts_pool,
            threading.BoundedSemaphore(concurrency),
        )

        def one(file: PlannedFile) -> None:
            done = file.relpath in resume.completed
            entries[file.relpath] = (
                upload.completed_entry(file) if done else upload.upload_file(file)
            )

        try:
            _run_all(files_pool, one, plan.files)
        except BaseException:
            upload.stop.set()
            raise
    return [entries[file.relpath] for file in plan.files]


Added = tuple[Json, APIResponse]
"""The dataset add_dataset made (or dataset_info found), and the answer it came in."""


def _add_dataset(pipeline: Pipeline, start: Json) -> Added:
    """add_dataset through :class:`CreatePolicy`: a lost answer is reconciled by the
    dataset's name, and the dataset found is ours only if it has the description asked."""
    dataset = start["dataset"]
    source = {
        "source_type": "localMachine",
        "dataset_id": start["dataset_id"],
        "dataset_path": start["dataset_path"],
    }

    def send() -> Added:
        answer = _answer(pipeline, pipeline.routes["add_dataset"], **dataset, source=source)
        return _dict(answer), answer

    def find() -> Added | None:
        ids = _find_dataset(pipeline, dataset["dataset_name"])
        if len(ids) != 1:
            return None
        answer = _answer(pipeline, pipeline.routes["dataset_info"], dataset=ids[0])
        info = _dict(answer)
        return dict(info.get("data") or info), answer

    policy: CreatePolicy[Added] = CreatePolicy(
        send=send,
        find=find,
        matches=lambda found: found[0].get("description") == dataset["description"],
        attempts=pipeline.settings.max_retries + 1,
    )
    return policy.run()


@attrs.frozen(kw_only=True)
class FolderUpload:
    """One upload of a plan's files into a folder on the server, and how to resume it.

    ``reserve`` is the route that reserves the id the folder belongs to
    (``generate_dataset_id`` for a dataset); ``details`` are kept in the journal with it, for
    the request that follows the upload (``add_dataset``'s fields, say)."""

    plan: UploadPlan
    journal: Journal
    resume: ResumeState | None
    reserve: str
    details: Json
    desc: str
    concurrency: int
    on_progress: ProgressCallback | None
    progress_bar: bool | None


def journal_for(key: str, path: str | os.PathLike[str]) -> Journal:
    """The journal of the upload of ``path`` under ``key`` (a dataset's name, say)."""
    return Journal(key, Path(path).expanduser().absolute())


def resumable(journal: Journal, plan: UploadPlan) -> ResumeState | None:
    """What an interrupted upload achieved, if its files are still the ones planned."""
    resume = ResumeState.from_records(journal.records())
    if resume is not None and resume.start.get("fingerprint") != plan.fingerprint:
        return None
    return resume


def send_folder(pipeline: Pipeline, upload: FolderUpload) -> Json:
    """Send what the server lacks of ``upload``'s files and close the folder; the journal's
    start record (``dataset_id``, ``folder_id``, ``dataset_path``, the details)."""
    plan, journal, resume = upload.plan, upload.journal, upload.resume
    if resume is None:
        resume = _start(pipeline, plan, journal, upload.details, upload.reserve)
    else:
        resume.start["dataset"] = upload.details
    with ProgressReporter(
        plan.total_bytes,
        desc=upload.desc,
        on_progress=upload.on_progress,
        progress_bar=upload.progress_bar,
    ) as reporter:
        file_list = _transfer(pipeline, plan, journal, resume, upload.concurrency, reporter)
    try:
        _send(
            pipeline,
            pipeline.routes["complete_folder_upload"],
            dataset_id=resume.start["dataset_id"],
            folder_id=resume.start["folder_id"],
            file_list=file_list,
        )
    except APIStatusError as error:
        raise UploadError(f"the server refused to close the folder upload: {error}") from error
    return resume.start


def _run(pipeline: Pipeline, upload: FolderUpload) -> Added:
    added = _add_dataset(pipeline, send_folder(pipeline, upload))
    upload.journal.discard()
    return added


def _told(answered: ResponseHook | None, added: Added) -> Json:
    """The dataset added, once ``answered`` has been given the answer it came in."""
    if answered is not None:
        answered(added[1])
    return added[0]


def _dataset_upload(
    plan: UploadPlan,
    journal: Journal,
    resume: ResumeState | None,
    dataset: Json,
    concurrency: int,
    on_progress: ProgressCallback | None,
    progress_bar: bool | None,
) -> FolderUpload:
    return FolderUpload(
        plan=plan,
        journal=journal,
        resume=resume,
        reserve="generate_dataset_id",
        details=dataset,
        desc=f"Uploading {dataset['dataset_name']}",
        concurrency=concurrency,
        on_progress=on_progress,
        progress_bar=progress_bar,
    )


def _refuse_existing(pipeline: Pipeline, name: str) -> None:
    if _find_dataset(pipeline, name):
        raise InvalidArgumentError("name", f"a dataset named {name!r} already exists")


def check_dataset_upload(
    pipeline: Pipeline,
    *,
    name: str,
    path: str | os.PathLike[str],
    apps: Sequence[str],
    job_types: Sequence[str],
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> tuple[UploadPlan, list[str]]:
    """Every check :func:`upload_dataset` makes before it creates anything, with read-only
    requests only (the apps, the name): the plan of what it would send, and the apps' ids."""
    _check_arguments(name, job_types, concurrency)
    plan = plan_upload(path, chunk_size)
    app_ids = _resolve_apps(pipeline, apps)
    _refuse_existing(pipeline, name)
    return plan, app_ids


def upload_dataset(
    pipeline: Pipeline,
    *,
    name: str,
    path: str | os.PathLike[str],
    apps: Sequence[str],
    job_types: Sequence[str],
    description: str = "",
    file_type: str = "",
    url: str = "",
    language: str = "",
    metadata: Mapping[str, Any] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    answered: ResponseHook | None = None,
) -> Json:
    """Upload a file or a folder (recursively) as a new dataset; the add_dataset answer
    (``answered`` gets the response it came in: ``last_response``).

    Every check that can fail (the path, an empty folder, the job types, unknown apps, a
    name already taken) runs before anything is created on the server. When an earlier
    call for the same ``name`` and ``path`` was interrupted and the files are unchanged,
    this call resumes it and sends only the parts the server lacks.
    """
    plan, app_ids = check_dataset_upload(
        pipeline,
        name=name,
        path=path,
        apps=apps,
        job_types=job_types,
        chunk_size=chunk_size,
        concurrency=concurrency,
    )
    dataset = {
        "dataset_name": name,
        "apps": {"ids": app_ids},
        "dataset_metadata": dict(metadata or {}),
        "description": description,
        "file_type": file_type,
        "url": url,
        "language": language,
        "job_type": list(job_types),
    }
    journal = journal_for(name, path)
    resume = resumable(journal, plan)
    upload = _dataset_upload(plan, journal, resume, dataset, concurrency, on_progress, progress_bar)
    return _told(answered, _run(pipeline, upload))


def resume_upload(
    pipeline: Pipeline,
    *,
    name: str,
    path: str | os.PathLike[str],
    concurrency: int = DEFAULT_CONCURRENCY,
    on_progress: ProgressCallback | None = None,
    progress_bar: bool | None = None,
    answered: ResponseHook | None = None,
) -> Json:
    """Finish an interrupted :func:`upload_dataset` of ``path`` as ``name``, with the
    dataset details that call was given; only the parts the server lacks are sent."""
    journal = journal_for(name, path)
    resume = ResumeState.from_records(journal.records())
    if resume is None:
        raise UploadError(f"there is no interrupted upload of {str(path)!r} as {name!r} to resume")
    _check_arguments(name, resume.start["dataset"]["job_type"], concurrency)
    plan = plan_upload(path, int(resume.start["chunk_size"]))
    if plan.fingerprint != resume.start["fingerprint"]:
        raise UploadError(
            f"the files under {str(path)!r} changed since the upload was interrupted; "
            "upload them again to start over"
        )
    _refuse_existing(pipeline, name)
    dataset = resume.start["dataset"]
    upload = _dataset_upload(plan, journal, resume, dataset, concurrency, on_progress, progress_bar)
    return _told(answered, _run(pipeline, upload))
