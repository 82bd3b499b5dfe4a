"""Jobs: create, look up, list, rename, stop, resume, delete (the machine is in ``_jobs``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from sambastudio.emulator import _capacity, _hyperparams, _jobs, _lookup, _validate
from sambastudio.emulator._auth import Caller, CallerDep
from sambastudio.emulator._catalogue import JOB_TYPES
from sambastudio.emulator._clock import iso_nanos
from sambastudio.emulator._errors import ApiError, not_found, ss_error
from sambastudio.emulator._failures import dataset_failure, hyperparam_failure
from sambastudio.emulator._routing import Body, legacy, operation
from sambastudio.emulator._state import EmulatorState, State

router = APIRouter(tags=["jobs"])

JobType = Literal["train", "evaluation", "batch_predict"]


def _hyperparams_view(state: EmulatorState, job: dict[str, Any]) -> Any:
    """2025: a list of FIELD_* records; 2024: a dict of strings (S3, S7)."""
    values: dict[str, str] = job["hyperparams"]
    if legacy(state):
        return dict(values)
    return [
        {
            "FIELD_NAME": field["FIELD_NAME"],
            "FIELD_VALUE": values.get(field["FIELD_NAME"], ""),
            "DESCRIPTION": field["DESCRIPTION"],
            "DATATYPE": field.get("DATATYPE", "str"),
            "MESSAGE": "",
            "TASK_TYPE": job["job_type"],
            "TYPE_SPECIFIC_SETTINGS": field["TYPE_SPECIFIC_SETTINGS"],
            "CONSTRAINTS": field["CONSTRAINTS"],
            "VARIANT_SELECTION": False,
        }
        for field in job["user_params"]
    ]


def job_view(
    state: EmulatorState, job: dict[str, Any], project: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A job (observed: its status is current) as the flat job object (with the ``config``,
    ``model_status`` and ``tracking_id`` of create_job's real answers, S3 and N6); pass its
    project when the caller has it already."""
    job = _jobs.observe(state, job)
    project = project or state.store.get("project", job["project_id"])
    model = state.store.get("model", job["model_id"])
    return {
        "job_id": job["id"],
        "job_name": job["name"],
        "job_type": job["job_type"],
        "description": job["description"],
        "status": job["status"],
        "status_message": job.get("message", ""),
        "completion_percentage": int(100 * job["steps"] / max(1, job["total_steps"])),
        "steps": job["steps"],
        "total_steps": job["total_steps"],
        "user_id": job["user_id"],
        "project_id": job["project_id"],
        "project_name": project["name"] if project else "",
        "tenant_id": job["tenant_id"],
        "rdu_arch": job["rdu_arch"],
        "parallel_instances": job["parallel_instances"],
        "load_state": job["load_state"],
        "sub_path": job["sub_path"],
        "app_id": job["app_id"],
        "app_name": job["app_name"],
        "model_checkpoint": job["model_name"],
        "model_id": job["model_id"],
        "model_version": job["model_version"],
        "checkpoint_id": "",
        "dataset_id": job["dataset_id"],
        "dataset_name": job["dataset_name"],
        "dataset": job["dataset_name"],
        "input_data_path": f"datasets/{job['dataset_id']}",
        "result_path": f"results/{job['id']}",
        "hyperparams": _hyperparams_view(state, job),
        "image_version": "1.0.0",
        "variant_set_version": "1",
        "variant_name": job["rdu_arch"],
        "config": dict(job["hyperparams"]),
        "model_status": model["status"] if model else "",
        "tracking_id": str(uuid.uuid5(uuid.NAMESPACE_OID, job["id"])),
        "environment_variables": {},
        "time_created": iso_nanos(job["created_at"]),
        "time_updated": iso_nanos(job["updated_at"]),
    }


class CreateJob(Body):
    job_type: str
    job_name: str
    model_checkpoint: str
    dataset: str
    description: str = ""
    hyperparams: str | dict[str, Any] = "{}"
    load_state: bool = False
    sub_path: str = ""
    parallel_instances: int = Field(1, ge=1, le=64)
    rdu_arch: str = "SN40L-8"
    model_version: int | str | None = None


class UpdateJob(Body):
    name: str | None = None
    description: str | None = None


class ResumeJob(Body):
    job_type: JobType
    hyperparams: str | dict[str, Any] = "{}"
    load_state: bool = True


def _check_dataset(dataset: dict[str, Any], job_type: str) -> None:
    if dataset.get("status", "Available") != "Available":
        raise ApiError(400, f"dataset {dataset['name']} is {dataset.get('status')}, not Available")
    job_types = dataset.get("job_types")
    if job_types and job_type not in job_types:
        message = f"dataset {dataset['name']} is for {', '.join(job_types)}, not {job_type}"
        raise ApiError(400, message, details=[ss_error(message)])


def _failure(
    state: EmulatorState, dataset: dict[str, Any], values: dict[str, str], start: int
) -> dict[str, Any] | None:
    message = dataset_failure(state, dataset)
    if message:
        return {"status": "FAILED", "message": message, "at_step": start}
    message = hyperparam_failure(state, values)
    if message:
        return {
            "status": "EXIT_WITH_1",
            "message": message,
            "at_step": start + _jobs.FAILS_AFTER_STEPS,
        }
    return None


def _new_job(
    state: EmulatorState, caller: Caller, project_ref: str, body: CreateJob
) -> dict[str, Any]:
    project = _lookup.project(state, caller, project_ref)
    if body.job_type not in JOB_TYPES:
        raise ApiError(
            400, f"job_type must be one of {', '.join(JOB_TYPES)}, not {body.job_type!r}"
        )
    name = _validate.name("job_name", body.job_name)
    sub_path = _validate.relative_path("sub_path", body.sub_path) if body.sub_path else ""
    model = _lookup.model(state, caller, body.model_checkpoint)
    if model["status"] != "Available":
        raise ApiError(400, f"model {model['name']} is {model['status']}, not Available")
    dataset = _lookup.dataset(state, caller, body.dataset)
    _check_dataset(dataset, body.job_type)
    given = _validate.json_object("hyperparams", body.hyperparams)
    arch, values, fields = _hyperparams.resolve(model, body.job_type, body.rdu_arch, given)
    now = state.now()
    total = _jobs.total_steps(body.job_type, values)
    return {
        "id": state.new_id(),
        "name": name,
        "job_type": body.job_type,
        "description": body.description,
        "project_id": project["id"],
        "tenant_id": caller.tenant_id,
        "user_id": caller.user_id,
        "model_id": model["id"],
        "model_name": model["name"],
        "app_id": model.get("app_id"),
        "app_name": model.get("app_name", ""),
        "dataset_id": dataset["id"],
        "dataset_name": dataset.get("dataset_name", dataset.get("name")),
        "rdu_arch": arch,
        "parallel_instances": body.parallel_instances,
        "load_state": body.load_state,
        "sub_path": sub_path,
        "model_version": str(body.model_version or model.get("version", 1)),
        "hyperparams": values,
        "user_params": fields,
        "total_steps": total,
        "save_steps": int(values.get("save_steps", total)),
        "runs": [_jobs.new_run(now, 0)],
        "failure": _failure(state, dataset, values, 0),
        "status": "CREATED",
        "steps": 0,
        "message": "",
        "checkpoints_written": 0,
        "created_at": now,
        "updated_at": now,
    }


@operation(router, "create_job")
def create_job(state: State, caller: CallerDep, project: str, body: CreateJob) -> dict[str, Any]:
    with state.store.transaction():
        doc = _new_job(state, caller, project, body)
        state.store.insert("job", doc, tenant_id=caller.tenant_id, parent_id=doc["project_id"])
        _jobs.claim(state, doc)
    return job_view(state, doc)  # flat in every generation seen (api-evidence §7, N6)


@operation(router, "list_jobs")
def list_jobs(
    state: State, caller: CallerDep, project_id: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    project = _lookup.project(state, caller, project_id) if project_id else None
    parent = project["id"] if project else None
    docs = state.store.list("job", tenant_id=caller.tenant_id, parent_id=parent)
    return {"jobs": [job_view(state, doc, project) for doc in docs], "count": len(docs)}


@operation(router, "search_job")
def search_job(
    state: State, caller: CallerDep, project: str, job_name: Annotated[str, Query()]
) -> dict[str, Any]:
    owner = _lookup.project(state, caller, project)
    doc = state.store.get("job", job_name, tenant_id=caller.tenant_id, parent_id=owner["id"])
    if doc is None or doc["name"] != job_name:
        raise not_found("job", job_name)
    return {"data": {"job_id": doc["id"]}}


@operation(router, "job_info")
def job_info(
    state: State,
    caller: CallerDep,
    project: str,
    job: str,
    verbose: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    _, doc = _lookup.job(state, caller, project, job)
    return {"data": job_view(state, doc)}


@operation(router, "update_job")
def update_job(
    state: State, caller: CallerDep, project: str, job: str, body: UpdateJob
) -> dict[str, Any]:
    _, doc = _lookup.job(state, caller, project, job)
    changes: dict[str, Any] = {"updated_at": state.now()}
    if body.name is not None:
        changes["name"] = _validate.name("name", body.name)
    if body.description is not None:
        changes["description"] = body.description
    return {"data": job_view(state, state.store.update("job", doc["id"], changes))}


@operation(router, "delete_job")
def delete_job(state: State, caller: CallerDep, project: str, job: str) -> dict[str, Any]:
    with state.store.transaction():
        _, doc = _lookup.job(state, caller, project, job)
        _jobs.observe(state, doc)  # what it held until now stays in the tenant's history
        for kind in ("checkpoint", "export"):
            for child in state.store.list(kind, parent_id=doc["id"]):
                state.store.delete(kind, child["id"])
        state.store.delete("job", doc["id"])
        _capacity.wake(state, caller.tenant_id)
    return {}


@operation(router, "stop_job")
def stop_job(state: State, caller: CallerDep, project: str, job: str) -> dict[str, Any]:
    with state.store.transaction():
        _, doc = _lookup.job(state, caller, project, job)
        doc = _jobs.observe(state, doc)
        if doc["status"] in _jobs.TERMINAL:
            raise ApiError(400, f"job {doc['name']} has ended ({doc['status']}); it cannot stop")
        if doc["status"] != "STOPPED":
            runs = [*doc["runs"][:-1], {**doc["runs"][-1], "stopped_at": state.now()}]
            doc = state.store.update("job", doc["id"], {"runs": runs, "updated_at": state.now()})
            _capacity.wake(state, caller.tenant_id)
    return {"data": job_view(state, doc)}


@operation(router, "resume_job")
def resume_job(
    state: State, caller: CallerDep, project: str, job_name: str, body: ResumeJob
) -> dict[str, Any]:
    with state.store.transaction():
        _, doc = _lookup.job(state, caller, project, job_name)
        doc = _jobs.observe(state, doc)
        if doc["status"] != "STOPPED":
            raise ApiError(400, f"job {doc['name']} is {doc['status']}; only a STOPPED job resumes")
        if body.job_type != doc["job_type"]:
            raise ApiError(
                400, f"job {doc['name']} is a {doc['job_type']} job, not {body.job_type}"
            )
        model = _lookup.model(state, caller, doc["model_id"])
        given = {**doc["hyperparams"], **_validate.json_object("hyperparams", body.hyperparams)}
        _, values, _ = _hyperparams.resolve(model, doc["job_type"], doc["rdu_arch"], given)
        now, start = state.now(), doc["steps"]
        dataset = state.store.get("dataset", doc["dataset_id"]) or {"id": doc["dataset_id"]}
        total = _jobs.total_steps(doc["job_type"], values)
        changes = {
            "hyperparams": values,
            "total_steps": total,
            "save_steps": int(values.get("save_steps", total)),
            "load_state": body.load_state,
            "runs": [*doc["runs"], _jobs.new_run(now, start)],
            "failure": _failure(state, dataset, values, start),
            "updated_at": now,
        }
        doc = state.store.update("job", doc["id"], changes)
        _jobs.claim(state, doc)
    return {"data": job_view(state, doc)}
