"""Checkpoints: listed per job, looked up and deleted by name, promoted to models.

A checkpoint document (kind ``checkpoint``, parent its job; written by ``_jobs.observe``)
is ``{id, name: "<job_id>-<step>", job_id, project_id, model_id, app_id, app_name, user_id, steps,
train_loss, train_learning_rate, created_at}``.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from sambastudio.emulator import _jobs, _lookup, _validate
from sambastudio.emulator._auth import Caller, CallerDep
from sambastudio.emulator._clock import iso_nanos
from sambastudio.emulator._errors import ApiError, not_found
from sambastudio.emulator._routing import Body, legacy, operation
from sambastudio.emulator._state import EmulatorState, State

router = APIRouter(tags=["checkpoints"])


def checkpoint_view(state: EmulatorState, doc: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint, named ``name`` (2025) or ``checkpoint_name`` (2024)."""
    return {
        "checkpoint_name" if legacy(state) else "name": doc["name"],
        "checkpoint_id": doc["id"],
        "job_id": doc["job_id"],
        "steps": doc["steps"],
        "time_created": iso_nanos(doc["created_at"]),
        "metrics": {
            "single_value": {
                "train_loss": doc["train_loss"],
                "train_learning_rate": doc["train_learning_rate"],
            },
            "multi_value": {},
            "last_batch_omitted": False,
        },
        "labels": {},
        "app_id": doc["app_id"],
        "app_name": doc["app_name"],
        "path": f"checkpoints/{doc['job_id']}/{doc['steps']}",
        "transformers_version": "4.40.0",
        "torch_version": "2.3.0",
        "user_id": doc["user_id"],
        "image_version": "1.0.0",
        "dependent_jobs": [],
    }


def _checkpoint(state: EmulatorState, caller: Caller, ref: str) -> dict[str, Any]:
    """A checkpoint by name or id; observing its job first writes any it has reached."""
    job_id = ref.rsplit("-", 1)[0]
    job = state.store.get("job", job_id, tenant_id=caller.tenant_id)
    if job is not None:
        _jobs.observe(state, job)
    doc = state.store.get("checkpoint", ref, tenant_id=caller.tenant_id)
    if doc is None:
        raise not_found("checkpoint", ref)
    return doc


@operation(router, "list_checkpoints")
def list_checkpoints(state: State, caller: CallerDep, project: str, job: str) -> dict[str, Any]:
    _, doc = _lookup.job(state, caller, project, job)
    _jobs.observe(state, doc)
    docs = state.store.list("checkpoint", parent_id=doc["id"])
    views = [checkpoint_view(state, checkpoint) for checkpoint in docs]
    return {"data": {"checkpoints": views}} if legacy(state) else {"checkpoints": views}


@operation(router, "checkpoint_info")
def checkpoint_info(state: State, caller: CallerDep, checkpoint_name: str) -> dict[str, Any]:
    return checkpoint_view(state, _checkpoint(state, caller, checkpoint_name))


@operation(router, "delete_checkpoint")
def delete_checkpoint(state: State, caller: CallerDep, checkpoint: str) -> dict[str, Any]:
    state.store.delete("checkpoint", _checkpoint(state, caller, checkpoint)["id"])
    return {}


class AddModel(Body):
    project: str
    job: str
    model_checkpoint: str
    model_checkpoint_name: str
    description: str = ""
    checkpoint_type: Literal["finetuned", "pretrained"] = "finetuned"


@operation(router, "add_model")
def add_model(state: State, caller: CallerDep, body: AddModel) -> dict[str, Any]:
    """Promote a checkpoint: the new model inherits its base model's job types and metadata."""
    name = _validate.name("model_checkpoint_name", body.model_checkpoint_name)
    with state.store.transaction():
        _, job = _lookup.job(state, caller, body.project, body.job)
        checkpoint = _checkpoint(state, caller, body.model_checkpoint)
        if checkpoint["job_id"] != job["id"]:
            raise ApiError(400, f"checkpoint {body.model_checkpoint} is not of job {job['name']}")
        if _lookup.visible(state, caller, "model", name) is not None:
            raise ApiError(409, f"Model with {name} name already exists")
        base = _lookup.model(state, caller, job["model_id"])
        now = state.now()
        model = {
            **base,
            "id": state.new_id(),
            "name": name,
            "model_checkpoint_name": name,
            "description": body.description,
            "sambanova_provided": False,
            "checkpoint_type": body.checkpoint_type,
            "checkpoint_id": checkpoint["id"],
            "base_model_id": base["id"],
            "steps": checkpoint["steps"],
            "owner": caller.user_id,
            "status": "Available",
            "created_at": now,
            "updated_at": now,
        }
        state.store.insert("model", model, tenant_id=caller.tenant_id)
    return {"data": {"model_id": model["id"]}}
