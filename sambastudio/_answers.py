"""Turning a server's answer into a pydantic model, with an error that never quotes values.

pydantic's own message repeats each offending input (truncated, so a 64-character key
shows 38 of its characters); answers carry API keys and other secrets, so the SDK reports
where the answer differs and how, never what it held.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from sambastudio.errors import UnexpectedResponseError

M = TypeVar("M", bound=BaseModel)


def describe(error: ValidationError) -> str:
    """``"field.sub: what is wrong; ..."`` without the input values."""
    problems = error.errors(include_input=False, include_url=False, include_context=False)
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'the answer'}: {problem['msg']}"
        for problem in problems
    )


def parse_answer(model: type[M], data: Any, what: str) -> M:
    """``model`` validated from ``data``, or an :class:`UnexpectedResponseError` about ``what``."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise UnexpectedResponseError(f"unexpected {what} data: {describe(error)}") from None


@functools.cache
def _list_of(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def parse_answers(model: type[M], items: Sequence[Any], what: str) -> list[M]:
    """Every item validated as ``model`` in one pass (one call into pydantic-core for the
    whole list, not one per item), or an :class:`UnexpectedResponseError` about ``what``."""
    try:
        return _list_of(model).validate_python(items)
    except ValidationError as error:
        raise UnexpectedResponseError(f"unexpected {what} data: {describe(error)}") from None
