"""Checks of user arguments, made before any request is sent (typed errors naming them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sambastudio.errors import InvalidArgumentError


def hyperparams_json(value: Mapping[str, Any] | str | None) -> str:
    """Hyperparameters as the wire wants them: a JSON object in a string."""
    if value is None:
        return "{}"
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise InvalidArgumentError("hyperparams", "hyperparams is not valid JSON") from None
        if not isinstance(parsed, dict):
            raise InvalidArgumentError("hyperparams", "hyperparams must be a JSON object")
        return value
    if isinstance(value, Mapping):
        return json.dumps(dict(value))
    raise InvalidArgumentError("hyperparams", "hyperparams must be a dict or a JSON string")


def check_choice(argument: str, value: str, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``, else ``InvalidArgumentError`` listing them."""
    choices = tuple(allowed)
    if value not in choices:
        raise InvalidArgumentError(argument, f"{argument} must be one of {choices}, not {value!r}")
    return value


def check_name(argument: str, value: str) -> str:
    """``value`` if it is a non-blank string (names of new resources)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(argument, f"{argument} must be a non-empty string")
    return value


def check_count(argument: str, value: int) -> int:
    """``value`` if it is a whole number >= 1 (instances, parallel instances, RDUs)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(argument, f"{argument} must be an integer >= 1, not {value!r}")
    return value
