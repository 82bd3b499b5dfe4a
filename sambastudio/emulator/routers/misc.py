"""Notifications (paged) and feature flags."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from sambastudio.emulator._auth import CallerDep
from sambastudio.emulator._clock import iso
from sambastudio.emulator._errors import ApiError
from sambastudio.emulator._notify import LEVELS
from sambastudio.emulator._routing import operation
from sambastudio.emulator._state import State

router = APIRouter(tags=["notifications and features"])

FEATURES = (
    ("bring_your_own_checkpoint", True),
    ("speculative_decoding", True),
    ("openai_compatible_api", True),
    ("model_export", True),
    ("dataset_upload", True),
)


def _epoch(name: str, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ApiError(400, f"{name} must be an ISO-8601 time or epoch seconds") from None


@operation(router, "list_notifications")
def list_notifications(
    state: State,
    caller: CallerDep,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(gt=0, le=1000)] = 20,
    levels: Annotated[list[int] | None, Query()] = None,
    archived: Annotated[bool, Query()] = False,
    type: Annotated[Literal["user", "admin"] | None, Query()] = None,
    created_start: Annotated[str | None, Query()] = None,
    created_end: Annotated[str | None, Query()] = None,
    ordering: Annotated[Literal["asc", "desc"], Query()] = "desc",
    all: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    """``all`` includes archived notifications; ``levels`` in {10, 20, 30, 40, 50}."""
    unknown = sorted(set(levels or ()) - LEVELS)
    if unknown:
        raise ApiError(400, f"levels must be among {sorted(LEVELS)}, not {unknown}")
    if type == "admin":
        caller.require("read_admin_notifications")
    start, end = _epoch("created_start", created_start), _epoch("created_end", created_end)
    docs = [
        doc
        for doc in state.store.list(
            "notification", tenant_id=caller.tenant_id, parent_id=caller.user_id
        )
        if (all or doc["archived"] == archived)
        and (not levels or doc["level"] in levels)
        and (type is None or doc["type"] == type)
        and (start is None or doc["created_at"] >= start)
        and (end is None or doc["created_at"] <= end)
    ]
    if ordering == "desc":
        docs.reverse()
    chunk = docs[(page - 1) * limit : page * limit]
    return {
        "notifications": [
            {
                "id": doc["id"],
                "level": doc["level"],
                "type": doc["type"],
                "message": doc["message"],
                "archived": doc["archived"],
                "time_created": iso(doc["created_at"]),
            }
            for doc in chunk
        ],
        "page": page,
        "limit": limit,
        "count": len(docs),
        "next_page": page + 1 if page * limit < len(docs) else None,
    }


@operation(router, "get_feature_list")
def get_feature_list(state: State, caller: CallerDep) -> dict[str, Any]:
    return {"features": [{"name": name, "enabled": enabled} for name, enabled in FEATURES]}
