"""Checks of argument types that the wire would otherwise take as something else.

A string passed where a list is expected is iterated letter by letter, ``"yes"`` for a
boolean is truthy, and a string for a mapping is sent as is: each is refused here, before
any request, with a ``TypeError`` naming the argument.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def _refuse(argument: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{argument} must be {expected}, not {type(value).__name__}")


def check_bool(argument: str, value: bool) -> bool:
    if not isinstance(value, bool):
        raise _refuse(argument, "True or False", value)
    return value


def check_text(argument: str, value: str) -> str:
    """A string, possibly empty (descriptions, optional labels)."""
    if not isinstance(value, str):
        raise _refuse(argument, "a string", value)
    return value


def check_mapping(argument: str, value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if value is not None and not isinstance(value, Mapping):
        raise _refuse(argument, "a dict", value)
    return value


def check_list(argument: str, value: Sequence[T]) -> list[T]:
    """A list or tuple, never a string (which would be taken letter by letter)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise _refuse(argument, f"a list (e.g. {argument}=[...])", value)
    return list(value)
