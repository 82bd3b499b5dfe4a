"""Turning a server's answer into a pydantic model, with an error that never quotes values.

pydantic's own message repeats each offending input (truncated, so a 64-character key
shows 38 of its characters); answers carry API keys and other secrets, so the SDK reports
where the answer differs and how, never what it held.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, create_model

from sambastudio._envelopes import list_of
from sambastudio._limits import check_json_depth, read_capped
from sambastudio.errors import UnexpectedResponseError

if TYPE_CHECKING:
    from sambastudio._response import APIResponse

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


@functools.cache
def _list_answer(model: type[M], key: str) -> TypeAdapter[Any]:
    """A list answer in the shapes ``_envelopes.list_of`` reads (``{key: [...]}``,
    ``{data: {key: [...]}}``, ``{data: [...]}``), with the items typed as ``model``.

    ``data`` tries those shapes left to right and takes anything else as it comes, so that
    an answer which carries an object under ``data`` still validates; other keys are
    ignored (pydantic's default), as ``list_of`` ignores them.
    """
    items: Any = list[model] | None  # type: ignore[valid-type]
    inner = create_model("ListData", items=(items, Field(None, validation_alias=key)))
    data: Any = Annotated[inner | list[model] | Any, Field(union_mode="left_to_right")]  # type: ignore[valid-type]
    answer = create_model(
        "ListAnswer", items=(items, Field(None, validation_alias=key)), data=(data, None)
    )
    return TypeAdapter(answer)


def parse_list_json(model: type[M], body: bytes, key: str) -> list[M] | None:
    """The items of a list answer's raw body, parsed and validated as ``model`` in one call
    into pydantic-core (no ``json.loads``, no Python object per item but the model).

    ``None`` when the body is not JSON, holds no such list, or an item is not valid: the
    caller then decodes it the general way, which says precisely what is wrong. The
    depth limit is the caller's to check (pydantic-core's own parser stops at about 200).
    """
    if key == "data":
        return None
    try:
        answer = _list_answer(model, key).validate_json(body)
    except ValidationError:
        return None
    data = answer.data
    inner = data.__dict__["items"] if isinstance(data, BaseModel) else None  # {data: {key: }}
    for found in (answer.items, inner, data):
        if isinstance(found, list):
            return found if not found or isinstance(found[0], model) else None
    return None


def parse_list_answer(model: type[M], response: APIResponse, key: str, what: str) -> list[M]:
    """The list ``response`` carries under ``key`` (``_envelopes.list_of``), each item as
    ``model``, or an :class:`UnexpectedResponseError` about ``what``.

    Read from the raw body in one pydantic-core call when it can be (:func:`parse_list_json`),
    within the client's size and depth limits; otherwise (a routes file names where the
    answer sits, another shape, an error) decoded and validated the general way.
    """
    route = response.route
    if route is None or not route.answer:
        body = read_capped(response.http_response, response.limits)
        items = parse_list_json(model, body, key)
        if items is not None:
            check_json_depth(body, response.limits)
            return items
    return parse_answers(model, list_of(response.json(), key), what)
