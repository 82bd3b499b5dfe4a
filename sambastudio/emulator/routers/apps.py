"""Apps: the ML applications of the catalogue.

An app document (kind ``app``, global) is
``{id, name, description, playground, prediction_input, created_at}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sambastudio.emulator import _lookup
from sambastudio.emulator._auth import CallerDep
from sambastudio.emulator._clock import iso
from sambastudio.emulator._errors import not_found
from sambastudio.emulator._routing import operation
from sambastudio.emulator._state import State

router = APIRouter(tags=["apps"])


def app_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["id"],
        "name": doc["name"],
        "description": doc["description"],
        "playground": doc["playground"],
        "prediction_input": doc["prediction_input"],
        "time_created": iso(doc["created_at"]),
    }


@operation(router, "list_apps")
def list_apps(state: State, caller: CallerDep) -> dict[str, Any]:
    return {"apps": [app_view(doc) for doc in _lookup.visible_all(state, caller, "app")]}


@operation(router, "app_info")
def app_info(state: State, caller: CallerDep, app: str) -> dict[str, Any]:
    doc = _lookup.visible(state, caller, "app", app)
    if doc is None:
        raise not_found("app", app)
    return {"apps": app_view(doc)}
