"""Where the object sits in an answer, in either API generation (2024 wrapped, 2025 flat)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from sambastudio.errors import UnexpectedResponseError

_ENVELOPE = frozenset({"data", "status_code", "headers", "detail", "message", "code", "details"})


def object_of(body: Any, key: str | None = None) -> dict[str, Any]:
    """The object a response carries, in either generation.

    2024 answers wrap it (``{data: {...}}``), 2025 answers are flat; some put it under a key
    (``{apps: {...}}``).
    """
    if not isinstance(body, Mapping):
        raise UnexpectedResponseError(f"expected a JSON object, got {type(body).__name__}")
    data = body.get("data")
    if key is not None:
        for node in (body, data):
            if isinstance(node, Mapping) and isinstance(node.get(key), Mapping):
                return dict(node[key])
    if isinstance(data, Mapping) and not body.keys() - _ENVELOPE:
        return dict(data)
    return dict(body)


def list_of(body: Any, key: str) -> builtins.list[dict[str, Any]]:
    """A list response's items: ``{key: [...]}``, ``{data: {key: [...]}}`` or ``{data: [...]}``."""
    data = body.get("data") if isinstance(body, Mapping) else None
    for node in (body, data):
        if isinstance(node, Mapping) and isinstance(node.get(key), builtins.list):
            return builtins.list(node[key])
    if isinstance(data, builtins.list):
        return data
    raise UnexpectedResponseError(f"the response holds no {key!r} list")
