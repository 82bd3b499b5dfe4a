"""What a job leaves behind, derived from its document: logs, metrics and archives.

Nothing here is stored: the same job at the same step always gives the same bytes, so
downloads are reproducible and survive a restart with the job itself.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tarfile
from typing import Any

from sambastudio.emulator import _jobs
from sambastudio.emulator._clock import iso_nanos

LOG_FILES = {
    "train": ("job.log", "training.log"),
    "evaluation": ("job.log", "evaluation.log"),
    "batch_predict": ("job.log", "inference.log"),
}


def _events(job: dict[str, Any]) -> list[str]:
    lines = [f"{iso_nanos(job['created_at'])} job {job['name']} created ({job['job_type']})"]
    for number, run in enumerate(job["runs"]):
        begin = run["started_at"]
        if number:
            lines.append(f"{iso_nanos(begin)} resumed from step {run['from_step']}")
        lines.append(f"{iso_nanos(begin + _jobs.CREATED_SECONDS)} waiting for RDUs")
        if run["stopped_at"] is not None:
            lines.append(f"{iso_nanos(run['stopped_at'])} stopped by the user")
    if job["status"] in _jobs.TERMINAL:
        message = f": {job['message']}" if job.get("message") else ""
        lines.append(f"{iso_nanos(job['updated_at'])} ended {job['status']}{message}")
    return lines


def _step_lines(job: dict[str, Any]) -> list[str]:
    lines = []
    for step in range(1, job["steps"] + 1):
        if job["job_type"] == "train":
            loss, rate = _jobs.train_loss(step), _jobs.learning_rate(job, step)
            lines.append(f"step {step}/{job['total_steps']} train_loss={loss} lr={rate:.3g}")
        else:
            lines.append(f"batch {step}/{job['total_steps']} done")
    return lines


def logs(job: dict[str, Any]) -> dict[str, str]:
    """The job's log files by name, as text."""
    first, second = LOG_FILES[job["job_type"]]
    return {
        first: "\n".join(_events(job)) + "\n",
        second: "\n".join(_step_lines(job)) + "\n",
    }


def metrics(job: dict[str, Any], limit: int | None) -> dict[str, list[dict[str, Any]]]:
    """Per-step training metrics; at most ``limit`` evenly spread points per series."""
    steps = list(range(1, job["steps"] + 1)) if job["job_type"] == "train" else []
    if limit is not None and len(steps) > limit:
        stride = len(steps) / limit
        steps = [steps[int(i * stride)] for i in range(limit)]
    return {
        "train_loss": [{"step": s, "value": _jobs.train_loss(s)} for s in steps],
        "train_learning_rate": [{"step": s, "value": _jobs.learning_rate(job, s)} for s in steps],
    }


def _results(job: dict[str, Any]) -> dict[str, bytes]:
    if job["job_type"] == "evaluation":
        loss = _jobs.train_loss(job["total_steps"])
        return {"results/eval_results.json": json.dumps({"eval_loss": loss}).encode()}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["input", "completion"])
    for row in range(job["total_steps"]):
        writer.writerow([f"input {row}", f"emulated completion {row} of {job['name']}"])
    return {"results/output.csv": buffer.getvalue().encode()}


def has_results(job: dict[str, Any]) -> bool:
    return bool(job["job_type"] != "train" and job["status"] == "EXIT_WITH_0")


def tar_gz(files: dict[str, bytes], mtime: float) -> bytes:
    """A gzipped tar of ``files`` (name → bytes), byte-for-byte reproducible."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(mtime), 0o644
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), mtime=int(mtime))


def archive(job: dict[str, Any], kind: str) -> bytes | None:
    """The ``results`` or ``logs`` archive of a job; ``None`` when there are no results."""
    if kind == "logs":
        files = {f"logs/{name}": text.encode() for name, text in logs(job).items()}
    elif has_results(job):
        files = _results(job)
    else:
        return None
    return tar_gz(files, job["updated_at"])
