"""Finding what a request names: by id or name, within the caller's tenant, or 404.

Every argument that names a resource accepts its id or its name (api-evidence.md §1.7).
Models and apps are found in the caller's tenant first, then in the seeded catalogue.
"""

from __future__ import annotations

from typing import Any

from sambastudio.emulator._auth import Caller
from sambastudio.emulator._errors import ApiError, not_found
from sambastudio.emulator._state import EmulatorState
from sambastudio.emulator._store import GLOBAL
from sambastudio.emulator._transfers import observe_dataset, observe_model

Doc = dict[str, Any]


def project(state: EmulatorState, caller: Caller, ref: str) -> Doc:
    doc = state.store.get("project", ref, tenant_id=caller.tenant_id)
    if doc is None:
        raise not_found("project", ref)
    return doc


def job(state: EmulatorState, caller: Caller, project_ref: str, ref: str) -> tuple[Doc, Doc]:
    """The project and the job in it."""
    owner = project(state, caller, project_ref)
    doc = state.store.get("job", ref, tenant_id=caller.tenant_id, parent_id=owner["id"])
    if doc is None:
        raise not_found("job", ref)
    return owner, doc


def endpoint(state: EmulatorState, caller: Caller, project_ref: str, ref: str) -> tuple[Doc, Doc]:
    """The project and the endpoint in it."""
    owner = project(state, caller, project_ref)
    doc = state.store.get("endpoint", ref, tenant_id=caller.tenant_id, parent_id=owner["id"])
    if doc is None:
        raise not_found("endpoint", ref)
    return owner, doc


def visible(state: EmulatorState, caller: Caller, kind: str, ref: str) -> Doc | None:
    """A document of the caller's tenant, else of the catalogue every tenant sees."""
    return state.store.get(kind, ref, tenant_id=caller.tenant_id) or state.store.get(
        kind, ref, tenant_id=GLOBAL
    )


def visible_all(state: EmulatorState, caller: Caller, kind: str) -> list[Doc]:
    return state.store.list(kind, tenant_id=GLOBAL) + state.store.list(
        kind, tenant_id=caller.tenant_id
    )


def model(state: EmulatorState, caller: Caller, ref: str) -> Doc:
    """A model the caller sees, its import status brought up to the clock."""
    doc = visible(state, caller, "model", ref)
    if doc is None:
        raise not_found("model", ref)
    return observe_model(state, doc)


def dataset(state: EmulatorState, caller: Caller, ref: str) -> Doc:
    """A dataset the caller sees, an S3 import's status brought up to the clock."""
    doc = visible(state, caller, "dataset", ref)
    if doc is None:
        raise not_found("dataset", ref)
    return observe_dataset(state, doc)


def require(condition: bool, message: str, status: int = 400) -> None:
    """Refuse the request with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ApiError(status, message)
