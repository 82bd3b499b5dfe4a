"""Projects: the folders that hold jobs and endpoints.

A project document (kind ``project``, tenant-scoped) is
``{id, name, description, status: "Available", user_id, created_at, updated_at}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from sambastudio.emulator import _lookup, _validate
from sambastudio.emulator._auth import CallerDep
from sambastudio.emulator._clock import iso
from sambastudio.emulator._errors import conflict, not_found
from sambastudio.emulator._routing import Body, legacy, operation
from sambastudio.emulator._state import EmulatorState, State

router = APIRouter(tags=["projects"])


def project_view(state: EmulatorState, doc: dict[str, Any]) -> dict[str, Any]:
    """A project in the flavor's shape: ``{id, name, ...}`` or ``{project_id, project_name}``."""
    jobs = state.store.names("job", parent_id=doc["id"])
    endpoints = state.store.names("endpoint", parent_id=doc["id"])
    common = {
        "description": doc["description"],
        "status": doc["status"],
        "user_id": doc["user_id"],
        "tenant_id": doc["tenant_id"],
        "time_created": iso(doc["created_at"]),
        "time_updated": iso(doc["updated_at"]),
        "job_count": len(jobs),
        "endpoint_count": len(endpoints),
    }
    if legacy(state):
        return {
            "project_id": doc["id"],
            "project_name": doc["name"],
            **common,
            "jobs": [name for _, name in jobs],
            "job_ids": [job_id for job_id, _ in jobs],
            "endpoints": [name for _, name in endpoints],
        }
    metadata = {
        "owner": doc["user_id"],
        "tenant": doc["tenant_id"],
        "creationTimestamp": common["time_created"],
        "updateTimestamp": common["time_updated"],
    }
    return {"id": doc["id"], "name": doc["name"], **common, "metadata": metadata}


def _one(state: EmulatorState, doc: dict[str, Any]) -> dict[str, Any]:
    view = project_view(state, doc)
    return {"data": view} if legacy(state) else view


class CreateProject(Body):
    project_name: str
    description: str = ""


class UpdateProject(Body):
    name: str | None = None
    description: str | None = None


@operation(router, "list_projects")
def list_projects(state: State, caller: CallerDep) -> dict[str, Any]:
    docs = state.store.list("project", tenant_id=caller.tenant_id)
    views = [project_view(state, doc) for doc in docs]
    if legacy(state):
        return {
            "count": len(views),
            "items": [],
            "page": 1,
            "limit": -1,
            "data": {"projects": views},
        }
    return {"projects": views}


@operation(router, "create_project")
def create_project(state: State, caller: CallerDep, body: CreateProject) -> dict[str, Any]:
    now = state.now()
    doc = {
        "id": state.new_id(),
        "name": _validate.name("project_name", body.project_name),
        "description": body.description,
        "status": "Available",
        "tenant_id": caller.tenant_id,
        "user_id": caller.user_id,
        "created_at": now,
        "updated_at": now,
    }
    return _one(state, state.store.insert("project", doc, tenant_id=caller.tenant_id))


@operation(router, "search_project")
def search_project(
    state: State, caller: CallerDep, project_name: Annotated[str, Query()]
) -> dict[str, Any]:
    doc = state.store.get("project", project_name, tenant_id=caller.tenant_id)
    if doc is None or doc["name"] != project_name:
        raise not_found("project", project_name)
    return {"data": {"project_id": doc["id"]}}


@operation(router, "project_info")
def project_info(state: State, caller: CallerDep, project: str) -> dict[str, Any]:
    return _one(state, _lookup.project(state, caller, project))


@operation(router, "update_project")
def update_project(
    state: State, caller: CallerDep, project: str, body: UpdateProject
) -> dict[str, Any]:
    doc = _lookup.project(state, caller, project)
    changes: dict[str, Any] = {"updated_at": state.now()}
    if body.name is not None:
        changes["name"] = _validate.name("name", body.name)
    if body.description is not None:
        changes["description"] = body.description
    return _one(state, state.store.update("project", doc["id"], changes))


@operation(router, "delete_project")
def delete_project(state: State, caller: CallerDep, project: str) -> dict[str, Any]:
    with state.store.transaction():
        doc = _lookup.project(state, caller, project)
        jobs = state.store.names("job", parent_id=doc["id"])
        endpoints = state.store.names("endpoint", parent_id=doc["id"])
        if jobs or endpoints:
            raise conflict(
                f"project {doc['name']} still has {len(jobs)} jobs and {len(endpoints)} "
                "endpoints; delete them first"
            )
        state.store.delete("project", doc["id"])
    return {}
