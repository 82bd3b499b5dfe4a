"""The job state machine, derived from the clock rather than driven by a thread.

Each run of a job (the first one, and one per resume) goes CREATED → PENDING_RDU →
TRAINING (train, evaluation) or PREDICTING (batch_predict) → EXIT_WITH_0, one step every
:data:`STEP_SECONDS`. A run claims its RDUs as it enters PENDING_RDU and stays there until
the tenant's capacity grants them (``_capacity``), then :data:`PENDING_SECONDS` more; it
holds them until it ends or stops. A stop freezes the run (STOPPED); a resume starts a new
run from the step it reached. A failure rule makes the job end FAILED (bad dataset, as it
leaves PENDING_RDU) or EXIT_WITH_1 (bad hyperparameter, a few steps in).

A job document (kind ``job``, parent its project) is::

    {id, name, job_type, description, project_id, tenant_id, user_id, model_id,
     model_name, app_id, app_name, dataset_id, dataset_name, rdu_arch, parallel_instances,
     load_state, sub_path, model_version, hyperparams: {name: str}, user_params: [...],
     total_steps, save_steps, runs: [{started_at, from_step, stopped_at, granted_at}],
     failure: {status, message, at_step} | None, status, steps, message,
     checkpoints_written, created_at, updated_at}

:func:`observe` brings ``status`` and ``steps`` up to the clock, writes the checkpoints
(``<job_id>-<step>``) reached since the last look, and notifies the owner once it ends.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from sambastudio.emulator import _capacity
from sambastudio.emulator._notify import notify
from sambastudio.emulator._state import EmulatorState

CREATED_SECONDS = 2.0
PENDING_SECONDS = 10.0
STEP_SECONDS = 3.0
STEPS = {"evaluation": 10, "batch_predict": 20}
"""Steps of the job types whose length no hyperparameter sets (train: num_iterations)."""
TERMINAL = frozenset({"EXIT_WITH_0", "EXIT_WITH_1", "FAILED"})
RUNNING = frozenset({"CREATED", "PENDING_RDU", "TRAINING", "PREDICTING"})
FAILS_AFTER_STEPS = 2


class Progress(NamedTuple):
    status: str
    steps: int


def total_steps(job_type: str, values: dict[str, str]) -> int:
    return int(values.get("num_iterations", STEPS.get(job_type, 10)))


def _requested_at(run: dict[str, Any]) -> float:
    return float(run["started_at"]) + CREATED_SECONDS


def _granted_at(run: dict[str, Any]) -> float | None:
    """When the run got its RDUs (runs stored before capacity existed got them at once)."""
    granted = run.get("granted_at", _requested_at(run))
    return None if granted is None else float(granted)


def _working_from(run: dict[str, Any]) -> float:
    """When a granted run leaves PENDING_RDU (``inf`` while it waits)."""
    granted = _granted_at(run)
    return _capacity.NEVER if granted is None else granted + PENDING_SECONDS


def _ends_at(job: dict[str, Any], run: dict[str, Any], working_from: float) -> float:
    """When a run that works from ``working_from`` ends, unless stopped."""
    failure, start = job.get("failure"), run["from_step"]
    if failure and failure["status"] == "FAILED":
        return working_from
    last = int(failure["at_step"] if failure else job["total_steps"])
    return float(working_from + max(0, last - start) * STEP_SECONDS)


def progress_at(job: dict[str, Any], now: float) -> Progress:
    """Where a job stands at emulated time ``now``."""
    run = job["runs"][-1]
    until = now if run["stopped_at"] is None else min(now, run["stopped_at"])
    elapsed = until - run["started_at"]
    start, total, failure = run["from_step"], job["total_steps"], job.get("failure")
    working = "PREDICTING" if job["job_type"] == "batch_predict" else "TRAINING"
    if elapsed < CREATED_SECONDS:
        status, steps = "CREATED", start
    elif until < _working_from(run):
        status, steps = "PENDING_RDU", start
    elif failure and failure["status"] == "FAILED":
        return Progress("FAILED", start)
    else:
        running = until - _working_from(run)
        steps = min(total, start + int(running / STEP_SECONDS))
        status = "EXIT_WITH_0" if steps >= total else working
        if failure and steps >= failure["at_step"]:
            return Progress("EXIT_WITH_1", failure["at_step"])
    if run["stopped_at"] is not None and status not in TERMINAL:
        return Progress("STOPPED", steps)
    return Progress(status, steps)


def step_time(job: dict[str, Any], step: int) -> float:
    """The emulated time at which the job finished ``step`` (its running start for step 0)."""
    runs = job["runs"]
    run = next((r for r in reversed(runs) if r["from_step"] < step), runs[-1])
    started = _working_from(run)
    if started == _capacity.NEVER:
        started = _requested_at(run) + PENDING_SECONDS
    return float(started + max(0, step - run["from_step"]) * STEP_SECONDS)


def checkpoint_steps(job: dict[str, Any], upto: int) -> list[int]:
    """The steps at which a train job wrote a checkpoint, up to ``upto``."""
    if job["job_type"] != "train":
        return []
    every = max(1, job["save_steps"])
    steps = list(range(every, upto + 1, every))
    if upto == job["total_steps"] and upto not in steps:
        steps.append(upto)
    return steps


def train_loss(step: int) -> float:
    """Falls with every step, from about 2.5 towards 0.3."""
    return round(0.3 + 2.2 * math.exp(-step / 50), 6)


def learning_rate(job: dict[str, Any], step: int) -> float:
    base = float(job["hyperparams"].get("learning_rate", "0.00001"))
    if job["hyperparams"].get("lr_schedule") != "cosine_schedule_with_warmup":
        return base
    return base * 0.5 * (1 + math.cos(math.pi * step / max(1, job["total_steps"])))


def new_run(now: float, from_step: int) -> dict[str, Any]:
    """A run starting now; its RDUs are claimed (:func:`claim`) once the job is stored."""
    return {"started_at": now, "from_step": from_step, "stopped_at": None, "granted_at": None}


def claim(state: EmulatorState, job: dict[str, Any]) -> None:
    """Put the job's new run in line for its tenant's RDUs."""
    at = _requested_at(job["runs"][-1])
    _capacity.request(state, job["tenant_id"], "job", job["id"], at)


def _claims(job: dict[str, Any]) -> list[_capacity.Claim]:
    rdus = job["parallel_instances"] * _capacity.rdus_of(job["rdu_arch"])
    last = len(job["runs"]) - 1

    def release(index: int) -> Callable[[float], float]:
        run = job["runs"][index]
        stopped = _capacity.NEVER if run["stopped_at"] is None else run["stopped_at"]
        if index < last:
            return lambda granted: float(stopped)
        return lambda granted: min(stopped, _ends_at(job, run, granted + PENDING_SECONDS))

    return [
        _capacity.Claim(
            kind="job",
            doc_id=job["id"],
            index=index,
            rdus=rdus,
            requested_at=_requested_at(run),
            granted_at=_granted_at(run),
            release=release(index),
            withdrawn=run["stopped_at"] is not None,
        )
        for index, run in enumerate(job["runs"])
    ]


def _record_grant(job: dict[str, Any], index: int, time: float) -> dict[str, Any]:
    runs = list(job["runs"])
    runs[index] = {**runs[index], "granted_at": time}
    return {"runs": runs}


_capacity.register("job", _claims, _record_grant)


def observe(state: EmulatorState, job: dict[str, Any]) -> dict[str, Any]:
    """The job brought up to the clock, with its new checkpoints and notification stored."""
    _capacity.settle(state, job["tenant_id"])
    job = state.store.get("job", job["id"]) or job
    now = state.now()
    progress = progress_at(job, now)
    if (progress.status, progress.steps) == (job["status"], job["steps"]):
        return job
    with state.store.transaction():
        current = state.store.get("job", job["id"])
        if current is None:
            return {**job, "status": progress.status, "steps": progress.steps}
        progress = progress_at(current, now)
        for step in checkpoint_steps(current, progress.steps):
            if step > current["checkpoints_written"]:
                _write_checkpoint(state, current, step)
        changes: dict[str, Any] = {
            "status": progress.status,
            "steps": progress.steps,
            "checkpoints_written": max(current["checkpoints_written"], progress.steps),
        }
        if progress.status in TERMINAL and current["status"] not in TERMINAL:
            changes["message"] = _finish(state, current, progress.status)
            changes["updated_at"] = step_time(current, progress.steps)
        return state.store.update("job", current["id"], changes)


def _finish(state: EmulatorState, job: dict[str, Any], status: str) -> str:
    failure = job.get("failure")
    message = failure["message"] if failure and status != "EXIT_WITH_0" else ""
    text = f"Job {job['name']} ended {status}" + (f": {message}" if message else "")
    notify(state, job["tenant_id"], job["user_id"], 20 if status == "EXIT_WITH_0" else 40, text)
    return message


def _write_checkpoint(state: EmulatorState, job: dict[str, Any], step: int) -> None:
    checkpoint = {
        "id": state.new_id(),
        "name": f"{job['id']}-{step}",
        "job_id": job["id"],
        "project_id": job["project_id"],
        "model_id": job["model_id"],
        "app_id": job["app_id"],
        "app_name": job["app_name"],
        "user_id": job["user_id"],
        "steps": step,
        "train_loss": train_loss(step),
        "train_learning_rate": learning_rate(job, step),
        "created_at": step_time(job, step),
    }
    state.store.insert("checkpoint", checkpoint, tenant_id=job["tenant_id"], parent_id=job["id"])
