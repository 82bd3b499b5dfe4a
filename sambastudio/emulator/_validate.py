"""Checks of client input that are shared by several routes: names, paths and JSON strings."""

from __future__ import annotations

import json
import re
from typing import Any

from sambastudio.emulator._errors import ApiError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 255


def name(what: str, value: str) -> str:
    """A resource name: not blank, no ``..``, no slash or backslash, no control character."""
    stripped = value.strip()
    if not stripped:
        raise ApiError(400, f"{what} must not be empty")
    if len(value) > MAX_NAME:
        raise ApiError(400, f"{what} is longer than {MAX_NAME} characters")
    if ".." in value or "/" in value or "\\" in value or _CONTROL.search(value):
        raise ApiError(
            400, f"{what} {value!r} may not contain '..', '/', '\\' or control characters"
        )
    return stripped


def relative_path(what: str, value: str) -> str:
    """A path inside the emulator's storage: relative, and never climbing out with ``..``."""
    parts = value.replace("\\", "/").split("/")
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
        raise ApiError(400, f"{what} {value!r} must be a relative path, not an absolute one")
    if ".." in parts or _CONTROL.search(value):
        raise ApiError(400, f"{what} {value!r} may not contain '..' or control characters")
    return value


def json_object(what: str, value: str | dict[str, Any] | None) -> dict[str, Any]:
    """A JSON object sent as a string (as SnSdk sends hyperparams), or as an object."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ApiError(400, f"{what} is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, f"{what} must be a JSON object, not {type(parsed).__name__}")
    return parsed
