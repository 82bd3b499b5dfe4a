"""Model imports (a checkpoint from storage, or uploaded from the user's machine) and
exports (a model to storage).

An import's ``storage_type`` says where the checkpoint is: ``local`` (a path on the storage;
not checked, the emulator holds no checkpoints there), ``aws`` (an S3 path) or
``localMachine`` (assumed, as add_dataset's source type for an upload): ``import_path`` is
the folder a model upload (generate_model_upload_id) completed, each file checked on
assembly against the crc32 the client sent. That upload is then registered, so it is
imported once, and the model keeps its files (``checkpoint_path``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BeforeValidator, Field

from sambastudio.emulator import _lookup, _validate
from sambastudio.emulator._auth import Caller, CallerDep
from sambastudio.emulator._errors import ApiError, forbidden, not_found
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._state import EmulatorState, State
from sambastudio.emulator._transfers import export_progress, import_progress
from sambastudio.emulator._upload_store import completed_upload, reservation

router = APIRouter(tags=["model transfers"])


_STORAGE_TYPES = {"local": "local", "aws": "aws", "localmachine": "localMachine"}


def _canonical(value: object) -> object:
    return _STORAGE_TYPES.get(value.lower(), value) if isinstance(value, str) else value


StorageType = Annotated[Literal["local", "aws", "localMachine"], BeforeValidator(_canonical)]
"""Any case: the seed writes "Local", snapi "LOCAL"."""


class ImportModel(Body):
    model_id: str = Field(description="The base model (name or id) the checkpoint belongs to.")
    import_path: str
    import_model_name: str
    storage_type: StorageType = "local"
    steps: int = Field(0, ge=0)


def _import_view(model: dict[str, Any], now: float) -> dict[str, Any]:
    status, progress, stage = import_progress(model, now)
    return {"model_id": model["id"], "status": status, "progress": progress, "stage": stage}


@operation(router, "import_model")
def import_model(state: State, caller: CallerDep, body: ImportModel) -> dict[str, Any]:
    name = _validate.name("import_model_name", body.import_model_name)
    path = body.import_path
    if not path.strip() or ".." in path.replace("\\", "/").split("/"):
        raise ApiError(400, f"import_path {path!r} must be a path without '..'")
    with state.store.transaction():
        base = _lookup.model(state, caller, body.model_id)
        if _lookup.visible(state, caller, "model", name) is not None:
            raise ApiError(409, f"Model with {name} name already exists")
        uploaded = _uploaded(state, caller, path) if body.storage_type == "localMachine" else None
        now = state.now()
        model = {
            **base,
            "id": state.new_id(),
            "name": name,
            "model_checkpoint_name": name,
            "description": f"imported from {body.storage_type} storage",
            "sambanova_provided": False,
            "checkpoint_type": "pretrained",
            "base_model_id": base["id"],
            "steps": body.steps,
            "owner": caller.user_id,
            "status": "Importing",
            "import_started_at": now,
            "created_at": now,
            "updated_at": now,
        }
        if uploaded is not None:
            model["description"] = "imported from an upload"
            model["checkpoint_path"] = uploaded["path"]
            state.store.update("upload_dataset", uploaded["id"], {"registered": True})
        state.store.insert("model", model, tenant_id=caller.tenant_id)
    return _import_view(model, now)


def _uploaded(state: EmulatorState, caller: Caller, path: str) -> dict[str, Any]:
    """The completed, not yet imported model upload whose folder ``path`` names."""
    reservations = state.store.list("upload_dataset", tenant_id=caller.tenant_id)
    found = [doc for doc in reservations if doc["path"] == path]
    if not found:
        raise ApiError(400, f"import_path {path!r} is not the folder of an upload of this tenant")
    reserved = reservation(state, caller.tenant_id, found[0]["id"], "model")
    completed_upload(state, reserved)
    return reserved


@operation(router, "import_status")
def import_status(state: State, caller: CallerDep, model_id: str) -> dict[str, Any]:
    if _lookup.visible(state, caller, "model", model_id) is None:  # as seen (api-evidence N4)
        raise ApiError(404, f"No import status found for model ID {model_id}")
    return _import_view(_lookup.model(state, caller, model_id), state.now())


class ExportModel(Body):
    storage_type: StorageType = "local"


def _export_view(state: EmulatorState, export: dict[str, Any]) -> dict[str, Any]:
    status, progress, _ = export_progress(export, state.now())
    return {
        "model_id": export["model_id"],
        "model_activity_id": export["id"],
        "status": status,
        "progress": progress,
        "storage_type": export["storage_type"],
        "path": export["path"],
    }


@operation(router, "export_model")
def export_model(
    state: State, caller: CallerDep, model_id: str, body: ExportModel
) -> dict[str, Any]:
    model = _lookup.model(state, caller, model_id)
    if model["sambanova_provided"]:
        raise forbidden(f"model {model['name']} is provided by SambaNova and cannot be exported")
    if model["status"] != "Available":
        raise ApiError(400, f"model {model['name']} is {model['status']}, not Available")
    activity = state.new_id()
    export = {
        "id": activity,
        "model_id": model["id"],
        "storage_type": body.storage_type,
        "path": f"exports/{model['name']}/{activity}",
        "created_at": state.now(),
    }
    state.store.insert("model_export", export, tenant_id=caller.tenant_id, parent_id=model["id"])
    view = _export_view(state, export)
    return {key: view[key] for key in ("model_id", "model_activity_id", "status", "progress")}


@operation(router, "exported_model_list")
def exported_model_list(state: State, caller: CallerDep) -> dict[str, Any]:
    exports = state.store.list("model_export", tenant_id=caller.tenant_id)
    return {"models": [_export_view(state, export) for export in exports]}


@operation(router, "delete_exported_model")
def delete_exported_model(
    state: State,
    caller: CallerDep,
    model_id: str,
    model_activity_id: Annotated[str | None, Query()] = None,
) -> dict[str, Any]:
    with state.store.transaction():
        model = _lookup.model(state, caller, model_id)
        exports = [
            export
            for export in state.store.list(
                "model_export", tenant_id=caller.tenant_id, parent_id=model["id"]
            )
            if model_activity_id in (None, export["id"])
        ]
        if not exports:
            raise not_found("exported model", model_activity_id or model_id)
        for export in exports:
            state.store.delete("model_export", export["id"])
    return {}
