"""Models: the catalogue, promoted and imported models, composites and speculative pairs.

A model document (kind ``model``; the catalogue's are global, the others tenant-scoped) is
``{id, name, model_checkpoint_name, description, model_type: "llm"|"embedding", type:
"Basic"|"Composite", app_id, app_name, status, sambanova_provided, checkpoint_type, version,
model_size_gb, jobTypes, hyperparams, params, dependencies, config, owner, created_at,
updated_at}`` plus ``checkpoint_id``/``base_model_id`` (promoted) or ``import_started_at``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from sambastudio.emulator import _lookup, _validate
from sambastudio.emulator._auth import CallerDep
from sambastudio.emulator._capacity import RDUS_PER_NODE
from sambastudio.emulator._catalogue import JOB_TYPES
from sambastudio.emulator._clock import iso
from sambastudio.emulator._errors import ApiError, forbidden, not_found
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._state import EmulatorState, State
from sambastudio.emulator._transfers import observe_model

router = APIRouter(tags=["models"])

KNOWN_JOB_TYPES = (*JOB_TYPES, "deploy")


def model_view(
    state: EmulatorState, doc: dict[str, Any], job_type: str | None = None
) -> dict[str, Any]:
    """A model; with ``job_type``, its hyperparams hold that job type only."""
    doc = observe_model(state, doc)
    hyperparams = doc["hyperparams"]
    if job_type is not None:
        hyperparams = {job_type: hyperparams.get(job_type, {})}
    return {
        "model_id": doc["id"],
        "model_checkpoint_name": doc["name"],
        "name": doc["name"],
        "description": doc["description"],
        "model_type": doc["model_type"],
        "type": doc["type"],
        "status": doc["status"],
        "app_id": doc.get("app_id"),
        "app_name": doc.get("app_name", ""),
        "user_id": doc["owner"],
        "checkpoint_type": doc["checkpoint_type"],
        "sambanova_provided": doc["sambanova_provided"],
        "version": doc["version"],
        "model_size_gb": doc["model_size_gb"],
        "steps": doc.get("steps", 0),
        "path": f"models/{doc['id']}",
        "application_field": "language",
        "jobTypes": doc["jobTypes"],
        "hyperparams": hyperparams,
        "params": doc["params"],
        "metrics": {},
        "job_config": {},
        "dependencies": doc["dependencies"],
        "config": doc["config"],
        "time_created": iso(doc["created_at"]),
        "time_updated": iso(doc["updated_at"]),
    }


@operation(router, "list_models")
def list_models(
    state: State, caller: CallerDep, verbose: Annotated[bool, Query()] = False
) -> dict[str, Any]:
    docs = _lookup.visible_all(state, caller, "model")
    return {"models": [model_view(state, doc) for doc in docs]}


@operation(router, "search_model")
def search_model(
    state: State, caller: CallerDep, model_name: Annotated[str, Query()]
) -> dict[str, Any]:
    doc = _lookup.visible(state, caller, "model", model_name)
    if doc is None or doc["name"] != model_name:
        raise not_found("model", model_name)
    return {"data": {"model_id": doc["id"]}}


@operation(router, "model_info")
def model_info(
    state: State,
    caller: CallerDep,
    model: str,
    job_type: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    doc = _lookup.model(state, caller, model)
    if job_type is not None and job_type not in KNOWN_JOB_TYPES:
        raise ApiError(400, f"job_type must be one of {', '.join(KNOWN_JOB_TYPES)}")
    if job_type is not None and job_type not in doc["hyperparams"]:
        raise ApiError(400, f"model {doc['name']} does not support job type {job_type}")
    return model_view(state, doc, job_type)


@operation(router, "delete_model")
def delete_model(state: State, caller: CallerDep, model: str) -> dict[str, Any]:
    with state.store.transaction():
        doc = _lookup.model(state, caller, model)
        if doc["sambanova_provided"]:
            raise forbidden(f"model {doc['name']} is provided by SambaNova and cannot be deleted")
        users = [
            endpoint["name"]
            for endpoint in state.store.list("endpoint", tenant_id=caller.tenant_id)
            if endpoint["model_id"] == doc["id"]
        ]
        if users:
            raise ApiError(409, f"model {doc['name']} is deployed by endpoints {users}")
        state.store.delete("model", doc["id"])
    return {}


class Dependency(Body):
    name: str


class CompositeModel(Body):
    name: str
    description: str = ""
    dependencies: list[Dependency] = Field(min_length=1)
    rdu_required: int = Field(8, gt=0)
    config_params: dict[str, Any] = Field(default_factory=dict)
    app: str = ""


def _parameters(model: dict[str, Any]) -> float:
    """``"8b"`` → 8e9, ``"335m"`` → 3.35e8."""
    text = str(model["params"]["invalidates_checkpoint"].get("model_parameter_count", "0"))
    scale = {"b": 1e9, "m": 1e6, "k": 1e3}.get(text[-1:].lower(), 1)
    digits = text[:-1] if scale != 1 else text
    return float(digits) * scale


@operation(router, "add_composite_model")
def add_composite_model(state: State, caller: CallerDep, body: CompositeModel) -> dict[str, Any]:
    """Bundle models; with config_params target_model/draft_model, a speculative pair."""
    name = _validate.name("name", body.name)
    with state.store.transaction():
        parts = [_lookup.model(state, caller, dep.name) for dep in body.dependencies]
        if _lookup.visible(state, caller, "model", name) is not None:
            raise ApiError(409, f"Model with {name} name already exists")
        app = _lookup.visible(state, caller, "app", body.app) if body.app else None
        if body.app and app is None:
            raise not_found("app", body.app)
        first = parts[0]
        now = state.now()
        deploy = {"deploy": first["hyperparams"].get("deploy", {})}
        model = {
            **first,
            "id": state.new_id(),
            "name": name,
            "model_checkpoint_name": name,
            "description": body.description,
            "type": "Composite",
            "app_id": app["id"] if app else first.get("app_id"),
            "app_name": app["name"] if app else first.get("app_name", ""),
            "sambanova_provided": False,
            "checkpoint_type": "composite",
            "jobTypes": ["deploy"],
            "hyperparams": deploy,
            "dependencies": [{"name": part["name"], "model_id": part["id"]} for part in parts],
            "config": {**body.config_params, "rdu_required": body.rdu_required},
            "model_size_gb": round(sum(part["model_size_gb"] for part in parts), 2),
            "owner": caller.user_id,
            "status": "Available",
            "created_at": now,
            "updated_at": now,
        }
        model.pop("import_started_at", None)
        state.store.insert("model", model, tenant_id=caller.tenant_id)
    return {"model_id": model["id"], "status": model["status"]}


class SpecDecoding(Body):
    target: str
    draft: str
    rdu_required: int = Field(8, gt=0)
    dependencies: list[Dependency] = Field(default_factory=list)


@operation(router, "validate_spec_decoding")
def validate_spec_decoding(state: State, caller: CallerDep, body: SpecDecoding) -> dict[str, Any]:
    target = _lookup.model(state, caller, body.target)
    draft = _lookup.model(state, caller, body.draft)
    problems = []
    if target["model_type"] != "llm" or draft["model_type"] != "llm":
        problems.append(("both models must be language models", "model_type"))
    vocab = [m["params"]["invalidates_checkpoint"].get("vocab_size") for m in (target, draft)]
    if vocab[0] != vocab[1]:
        problems.append((f"vocab sizes differ: {vocab[0]} and {vocab[1]}", "vocab_size"))
    if _parameters(draft) >= _parameters(target):
        problems.append(("the draft model must be smaller than the target", "parameter_count"))
    return _verdict(problems)


def _verdict(problems: list[tuple[str, str]]) -> dict[str, Any]:
    validations = [
        {"level": "error", "message": message, "reason": reason} for message, reason in problems
    ]
    return {"valid": not problems, "validations": validations}


class ModelBundle(Body):
    dependencies: list[Dependency] = Field(min_length=1)
    rdu_required: int = Field(8, gt=0)


@operation(router, "validate_model_bundle")
def validate_model_bundle(state: State, caller: CallerDep, body: ModelBundle) -> dict[str, Any]:
    """What add_composite_model would bundle: each member once and ready, on RDUs that come
    in whole nodes (the rules are assumed: no real answer was seen)."""
    members = [_lookup.model(state, caller, dep.name) for dep in body.dependencies]
    problems: list[tuple[str, str]] = []
    names = [member["name"] for member in members]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append((f"models appear more than once: {', '.join(repeated)}", "duplicate"))
    for member in members:
        if member["status"] != "Available":
            problems.append((f"model {member['name']} is not in ready state", "not_ready"))
    if body.rdu_required % RDUS_PER_NODE:
        message = f"rdu_required must be a multiple of {RDUS_PER_NODE}, not {body.rdu_required}"
        problems.append((message, "rdu_required"))
    return _verdict(problems)
