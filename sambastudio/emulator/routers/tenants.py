"""Tenants: the organisation's partitions; every resource but the catalogue lives in one.

A tenant document (kind ``tenant``, global) is
``{id, name, display_name, rdu_node_count, arch, created_at, updated_at}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from sambastudio.emulator import _capacity, _validate
from sambastudio.emulator._auth import AdminDep, Caller, CallerDep
from sambastudio.emulator._clock import iso
from sambastudio.emulator._errors import ApiError, not_found
from sambastudio.emulator._notify import notify
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._state import DEFAULT_TENANT, EmulatorState, State

router = APIRouter(tags=["tenants"])


def tenant_view(state: EmulatorState, doc: dict[str, Any]) -> dict[str, Any]:
    members = [u for u in state.store.list("user") if doc["id"] in u["tenants"]]
    return {
        "tenant_id": doc["id"],
        "tenant_name": doc["name"],
        "display_name": doc["display_name"],
        "rdu_node_count": doc["rdu_node_count"],
        "arch": doc["arch"],
        "users_count": len(members),
        "time_created": iso(doc["created_at"]),
        "time_updated": iso(doc["updated_at"]),
    }


def _tenant(state: EmulatorState, caller: Caller, ref: str, action: str) -> dict[str, Any]:
    """A tenant, once the caller is allowed ``action`` in it (404 when missing, else 403)."""
    doc = state.tenant(ref)
    if doc is None:
        raise not_found("tenant", ref)
    caller.require(action, doc["id"], doc["name"])
    return doc


class CreateTenant(Body):
    tenant_name: str
    display_name: str | None = None


class UpdateTenant(Body):
    display_name: str | None = None
    rdu_node_count: int | None = Field(None, ge=0, le=1024)
    arch: str | None = None


@operation(router, "list_tenants")
def list_tenants(state: State, caller: CallerDep) -> dict[str, Any]:
    docs = [d for d in state.store.list("tenant") if caller.may("list_tenants", d["id"])]
    return {"data": [tenant_view(state, doc) for doc in docs]}


@operation(router, "create_tenant")
def create_tenant(state: State, caller: AdminDep, body: CreateTenant) -> dict[str, Any]:
    name = _validate.name("tenant_name", body.tenant_name)
    doc = state.add_tenant(name, display_name=body.display_name)
    notify(state, caller.tenant_id, caller.user_id, 20, f"Tenant {name} created", "admin")
    return {"data": tenant_view(state, doc)}


@operation(router, "tenant_info")
def tenant_info(state: State, caller: CallerDep, tenant: str) -> dict[str, Any]:
    return {"data": tenant_view(state, _tenant(state, caller, tenant, "tenant_info"))}


@operation(router, "update_tenant")
def update_tenant(
    state: State, caller: AdminDep, tenant_name: str, body: UpdateTenant
) -> dict[str, Any]:
    """A tenant admin renames its tenant; only a platform admin changes its RDUs, and
    never below what the tenant's jobs and endpoints hold now."""
    doc = _tenant(state, caller, tenant_name, "update_tenant")
    changes = {k: v for k, v in body.model_dump().items() if v is not None}
    if changes.keys() & {"rdu_node_count", "arch"}:
        caller.require("set_tenant_capacity", doc["id"], doc["name"])
    with state.store.transaction():
        if "rdu_node_count" in changes:
            used = _capacity.used(state, doc["id"])
            if changes["rdu_node_count"] * _capacity.RDUS_PER_NODE < used:
                least = -(-used // _capacity.RDUS_PER_NODE)
                raise ApiError(
                    409,
                    f"tenant {doc['name']} holds {used} RDUs now; rdu_node_count cannot go "
                    f"below {least} until they are released",
                )
        doc = state.store.update("tenant", doc["id"], {**changes, "updated_at": state.now()})
        _capacity.wake(state, doc["id"])
    return {"data": tenant_view(state, doc)}


@operation(router, "delete_tenant")
def delete_tenant(state: State, caller: AdminDep, tenant_name: str) -> dict[str, Any]:
    with state.store.transaction():
        doc = _tenant(state, caller, tenant_name, "delete_tenant")
        if doc["name"] == DEFAULT_TENANT:
            raise ApiError(400, "the default tenant cannot be deleted")
        projects = state.store.list("project", tenant_id=doc["id"])
        if projects:
            raise ApiError(409, f"tenant {doc['name']} still has {len(projects)} projects")
        view = tenant_view(state, doc)
        for user in state.store.list("user"):
            if doc["id"] in user["tenants"]:
                tenants = [t for t in user["tenants"] if t != doc["id"]]
                state.store.update("user", user["id"], {"tenants": tenants})
        state.store.delete("tenant", doc["id"])
    notify(state, caller.tenant_id, caller.user_id, 30, f"Tenant {doc['name']} deleted", "admin")
    return {"data": view}


@operation(router, "tenant_default_tenant")
def tenant_default_tenant(state: State, caller: CallerDep) -> dict[str, Any]:
    user = state.user(caller.user_id)
    doc = state.tenant(user["default_tenant"]) if user else None
    doc = doc or state.tenant(caller.tenant_id)
    if doc is None:
        raise not_found("tenant", DEFAULT_TENANT)
    return {"data": {"tenant_id": doc["id"], "tenant_name": doc["name"]}}
