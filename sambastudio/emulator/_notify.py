"""Notifications: what the platform tells a user about its jobs, endpoints and tenants.

A notification document (kind ``notification``, parent the user id) is
``{id, level, type: "user"|"admin", message, archived, created_at}``; levels follow
Python's logging (10 debug, 20 info, 30 warning, 40 error, 50 critical).
"""

from __future__ import annotations

from typing import Literal

from sambastudio.emulator._state import EmulatorState

LEVELS = frozenset({10, 20, 30, 40, 50})


def notify(
    state: EmulatorState,
    tenant_id: str,
    user_id: str,
    level: int,
    message: str,
    kind: Literal["user", "admin"] = "user",
) -> None:
    doc = {
        "id": state.new_id(),
        "level": level,
        "type": kind,
        "message": message,
        "archived": False,
        "created_at": state.now(),
    }
    state.store.insert("notification", doc, tenant_id=tenant_id, parent_id=user_id)
