"""Endpoints and their API keys (the state machine and document are in ``_endpoints``)."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from sambastudio.emulator import _capacity, _endpoints, _hyperparams, _lookup, _validate
from sambastudio.emulator._auth import Caller, CallerDep
from sambastudio.emulator._clock import go_utc
from sambastudio.emulator._errors import ApiError, grpc, not_found
from sambastudio.emulator._failures import model_failure
from sambastudio.emulator._routing import Body, legacy, operation
from sambastudio.emulator._state import EmulatorState, State

router = APIRouter(tags=["endpoints"])


def _keys_view(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**key, "time_created": go_utc(key["time_created"])} for key in doc["api_keys"]]


def endpoint_view(state: EmulatorState, doc: dict[str, Any]) -> dict[str, Any]:
    """An endpoint (observed), with ``api_key`` and ``api_keys`` (both are in the 2024-07
    answer of api-evidence §2 create_endpoint, S3) and the predict URLs of its flavor."""
    doc = _endpoints.observe(state, doc)
    keys = _keys_view(doc)
    active = [key["api_key"] for key in keys if key["status"] == "Active"]
    created, updated = go_utc(doc["created_at"]), go_utc(doc["updated_at"])
    url = functools.partial(_endpoints.url_for, doc["project_id"], doc["id"], legacy=legacy(state))
    return {
        "id": doc["id"],
        "name": doc["name"],
        "description": doc["description"],
        "project_id": doc["project_id"],
        "status": doc["status"],
        "status_message": doc["failure"] if doc["status"] == "Failed" else "",
        "url": url(),
        "stream_url": url(stream=True),
        "api_key": active[0] if active else "",
        "targets": doc["targets"],
        "hyperparams": doc["hyperparams"],
        "inference_api_openai_compatible": doc["inference_api_openai_compatible"],
        "model_type": doc["model_type"],
        "app_id": doc.get("app_id"),
        "app_name": doc["app_name"],
        "playground": doc["playground"],
        "prediction_input_type": doc["prediction_input_type"],
        "application_field": "language",
        "environment_variables": {},
        "presets": [],
        "system_prompts": [],
        "dependencies": [],
        "shared_with": [],
        "user_id": doc["user_id"],
        "tenant_id": doc["tenant_id"],
        "time_created": created,
        "time_updated": updated,
        "metadata": {
            "labels": {},
            "creationTimestamp": created,
            "updateTimestamp": updated,
            "resourceVersion": str(len(doc["api_keys"])),
            "tenant": doc["tenant_id"],
            "owner": doc["user_id"],
            "permissions": [],
        },
        "api_keys": keys,
    }


class CreateEndpoint(Body):
    endpoint_name: str
    model_checkpoint: str
    description: str = ""
    instances: int = Field(1, ge=1, le=64)
    hyperparams: str | dict[str, Any] = "{}"
    rdu_arch: str = "SN40L-8"
    model_version: int | str | None = None
    inference_api_openai_compatible: bool = False


class UpdateEndpoint(Body):
    description: str | None = None
    instances: int | None = Field(None, ge=0, le=64)
    rdu_arch: str | None = None


class NewApiKey(Body):
    api_key: str = Field(min_length=8, max_length=256)
    description: str = ""


class EditApiKey(Body):
    api_key: str
    status: Literal["Active", "Revoked"]
    description: str | None = None


def _new_endpoint(
    state: EmulatorState, caller: Caller, project_ref: str, body: CreateEndpoint
) -> dict[str, Any]:
    project = _lookup.project(state, caller, project_ref)
    name = _validate.name("endpoint_name", body.endpoint_name)
    model = _lookup.model(state, caller, body.model_checkpoint)
    if model["status"] != "Available":  # FAILED_PRECONDITION, as seen (api-evidence §7, N3)
        raise grpc(400, 9, f"Model {model['id']} is not in ready state")
    given = _validate.json_object("hyperparams", body.hyperparams)
    arch, values, _ = _hyperparams.resolve(model, "deploy", body.rdu_arch, given)
    endpoint_id, now = state.new_id(), state.now()
    app = state.store.get("app", model["app_id"]) if model.get("app_id") else None
    first_key = _endpoints.api_key_entry(state, state.new_id(), "default key")
    params = model["params"]["invalidates_checkpoint"]
    return {
        "id": endpoint_id,
        "name": name,
        "description": body.description,
        "project_id": project["id"],
        "tenant_id": caller.tenant_id,
        "user_id": caller.user_id,
        "model_id": model["id"],
        "model_type": model["model_type"],
        "app_id": model.get("app_id"),
        "app_name": app["name"] if app else "",
        "playground": bool(app and app["playground"]),
        "prediction_input_type": app["prediction_input"] if app else "text",
        "targets": [
            {
                "model": model["id"],
                "model_checkpoint_name": model["name"],
                "model_version": str(body.model_version or model.get("version", 1)),
                "instances": body.instances,
                "instances_before_stop": body.instances,
                "rdu_arch": arch,
                "traffic": 100,
                "params": {
                    "max_seq_length": params.get("max_seq_length"),
                    "vocab_size": params.get("vocab_size"),
                },
            }
        ],
        "hyperparams": values,
        "inference_api_openai_compatible": body.inference_api_openai_compatible,
        "api_keys": [first_key],
        "status": "Deploying",
        "deployed_at": now,
        "deployments": [],
        "stopped": False,
        "failure": model_failure(state, model),
        "created_at": now,
        "updated_at": now,
    }


@operation(router, "create_endpoint")
def create_endpoint(
    state: State, caller: CallerDep, project: str, body: CreateEndpoint
) -> dict[str, Any]:
    with state.store.transaction():
        doc = _new_endpoint(state, caller, project, body)
        doc["deployments"] = _endpoints.deploy(doc, doc["deployed_at"])
        state.store.insert("endpoint", doc, tenant_id=caller.tenant_id, parent_id=doc["project_id"])
        _endpoints.claim(state, doc)
    return endpoint_view(state, doc)


@operation(router, "list_endpoints")
def list_endpoints(
    state: State, caller: CallerDep, project: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    parent = _lookup.project(state, caller, project)["id"] if project else None
    docs = state.store.list("endpoint", tenant_id=caller.tenant_id, parent_id=parent)
    return {"endpoints": [endpoint_view(state, doc) for doc in docs]}


@operation(router, "endpoint_info")
def endpoint_info(state: State, caller: CallerDep, project: str, endpoint: str) -> dict[str, Any]:
    return endpoint_view(state, _lookup.endpoint(state, caller, project, endpoint)[1])


@operation(router, "endpoint_info_by_id")
def endpoint_info_by_id(state: State, caller: CallerDep, endpoint: str) -> dict[str, Any]:
    doc = state.store.get("endpoint", endpoint, tenant_id=caller.tenant_id)
    if doc is None:
        raise not_found("endpoint", endpoint)
    return endpoint_view(state, doc)


def _retarget(doc: dict[str, Any], **changes: Any) -> list[dict[str, Any]]:
    return [{**target, **changes} for target in doc["targets"]]


@operation(router, "update_endpoint")
def update_endpoint(
    state: State, caller: CallerDep, project: str, endpoint: str, body: UpdateEndpoint
) -> dict[str, Any]:
    """instances 0 stops the endpoint; instances > 0 on a stopped one, or a new rdu_arch,
    deploys it again."""
    with state.store.transaction():
        _, doc = _lookup.endpoint(state, caller, project, endpoint)
        doc = _endpoints.observe(state, doc)
        now = state.now()
        changes: dict[str, Any] = {"updated_at": now}
        redeploy = False
        if body.description is not None:
            changes["description"] = body.description
        if body.rdu_arch is not None and body.rdu_arch != doc["targets"][0]["rdu_arch"]:
            model = _lookup.model(state, caller, doc["model_id"])
            arch = _hyperparams.arch_for(model, "deploy", body.rdu_arch)
            changes["targets"] = doc["targets"] = _retarget(doc, rdu_arch=arch)
            redeploy = True
        if body.instances == 0:
            changes.update(stopped=True, deployments=_endpoints.release(doc, now))
        elif body.instances is not None:
            changes["targets"] = doc["targets"] = _retarget(
                doc, instances=body.instances, instances_before_stop=body.instances
            )
            redeploy = redeploy or bool(doc["stopped"])
            redeploy = redeploy or _endpoints.demand(doc) != _endpoints.claimed(doc)
        if redeploy:
            changes.update(stopped=False, deployed_at=now, deployments=_endpoints.deploy(doc, now))
        doc = state.store.update("endpoint", doc["id"], changes)
        if redeploy:
            _endpoints.claim(state, doc)
        elif body.instances == 0:
            _capacity.wake(state, caller.tenant_id)
    return endpoint_view(state, doc)


@operation(router, "stop_endpoint")
def stop_endpoint(state: State, caller: CallerDep, project: str, endpoint: str) -> dict[str, Any]:
    with state.store.transaction():
        _, doc = _lookup.endpoint(state, caller, project, endpoint)
        doc = _endpoints.observe(state, doc)
        if not doc["stopped"]:
            now = state.now()
            changes = {
                "stopped": True,
                "updated_at": now,
                "deployments": _endpoints.release(doc, now),
            }
            doc = state.store.update("endpoint", doc["id"], changes)
            _capacity.wake(state, caller.tenant_id)
    return endpoint_view(state, doc)


@operation(router, "delete_endpoint")
def delete_endpoint(state: State, caller: CallerDep, project: str, endpoint: str) -> dict[str, Any]:
    with state.store.transaction():
        _, doc = _lookup.endpoint(state, caller, project, endpoint)
        _endpoints.observe(state, doc)  # what it held until now stays in the tenant's history
        state.store.delete("endpoint", doc["id"])
        _capacity.wake(state, caller.tenant_id)
    return {}


@operation(router, "add_endpoint_api_key")
def add_endpoint_api_key(
    state: State, caller: CallerDep, project_id: str, endpoint_id: str, body: NewApiKey
) -> dict[str, Any]:
    with state.store.transaction():
        _, doc = _lookup.endpoint(state, caller, project_id, endpoint_id)
        if any(key["api_key"] == body.api_key for key in doc["api_keys"]):
            raise ApiError(409, "this API key is already registered on the endpoint")
        keys = [*doc["api_keys"], _endpoints.api_key_entry(state, body.api_key, body.description)]
        doc = state.store.update("endpoint", doc["id"], {"api_keys": keys})
    return {"api_keys": _keys_view(doc)}


@operation(router, "edit_endpoint_api_key")
def edit_endpoint_api_key(
    state: State, caller: CallerDep, project_id: str, body: EditApiKey
) -> dict[str, Any]:
    with state.store.transaction():
        project = _lookup.project(state, caller, project_id)
        for doc in state.store.list("endpoint", parent_id=project["id"]):
            keys = doc["api_keys"]
            for index, key in enumerate(keys):
                if key["api_key"] != body.api_key:
                    continue
                edited = {**key, "status": body.status}
                if body.description is not None:
                    edited["description"] = body.description
                keys = [*keys[:index], edited, *keys[index + 1 :]]
                state.store.update("endpoint", doc["id"], {"api_keys": keys})
                return {k: edited[k] for k in ("api_key", "description", "status")}
    raise ApiError(404, f"no endpoint of project {project['name']} has this API key")
