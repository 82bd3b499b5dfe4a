"""Shared steps of the emulator tests: a dataset in the store, a job, an endpoint."""

from __future__ import annotations

import json
from typing import Any

from sambastudio.emulator import Emulator
from tests.emulator.conftest import Api

LLM = "Meta-Llama-3-8B-Instruct"
EMBEDDING = "e5-large-v2"


def add_dataset(
    emulator: Emulator,
    name: str = "squad",
    *,
    job_types: tuple[str, ...] = ("train", "evaluation"),
    tenant: str = "default",
    status: str = "Available",
) -> dict[str, Any]:
    """Put a dataset document straight into the store (the upload flow has its own tests)."""
    state = emulator.state
    doc = {
        "id": state.new_id(),
        "name": name,
        "dataset_name": name,
        "status": status,
        "job_types": list(job_types),
        "apps": [],
    }
    tenant_doc = state.tenant(tenant)
    assert tenant_doc is not None
    return state.store.insert("dataset", doc, tenant_id=tenant_doc["id"])


def job_args(**overrides: Any) -> dict[str, Any]:
    """create_job arguments for a short train job (20 steps, a checkpoint every 5)."""
    args: dict[str, Any] = {
        "project": "p",
        "job_type": "train",
        "job_name": "ft",
        "description": "fine-tune",
        "model_checkpoint": LLM,
        "dataset": "squad",
        "hyperparams": json.dumps({"num_iterations": 20, "save_steps": 5}),
        "load_state": False,
        "sub_path": "",
        "parallel_instances": 1,
        "rdu_arch": "SN40L-8",
    }
    args.update(overrides)
    return args


def start_job(api: Api, **overrides: Any) -> dict[str, Any]:
    """A project ``p`` (made if missing), a dataset for the job type, and the job."""
    if api("project_info", project=overrides.get("project", "p")).status_code == 404:
        api.ok("create_project", project_name=overrides.get("project", "p"), description="")
    args = job_args(**overrides)
    if api.emulator.state.store.get("dataset", args["dataset"]) is None:
        add_dataset(api.emulator, args["dataset"], job_types=(args["job_type"],))
    created: dict[str, Any] = api.ok("create_job", **args)
    return created.get("data", created)


def endpoint_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "project": "p",
        "endpoint_name": "ep",
        "description": "",
        "model_checkpoint": LLM,
        "instances": 1,
        "hyperparams": "{}",
        "rdu_arch": "SN40L-8",
    }
    args.update(overrides)
    return args


def start_endpoint(api: Api, **overrides: Any) -> dict[str, Any]:
    if api("project_info", project=overrides.get("project", "p")).status_code == 404:
        api.ok("create_project", project_name=overrides.get("project", "p"), description="")
    created: dict[str, Any] = api.ok("create_endpoint", **endpoint_args(**overrides))
    return created
