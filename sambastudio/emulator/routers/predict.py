"""Predictions: V1 nlp and generic, V2 generic, file, and their streams.

Every variant runs the same machinery: ``_serving`` finds the Live endpoint the key may
call and answers from ``_completions``. The variants differ only in the request and answer
shapes of api-evidence.md §1.8 and in the stream framing of ``_streams``: SSE for nlp (a
``stream_event`` per token, a closing ``end_event``, ``error_event`` on failure), JSON lines
for generic and v2 (``is_last_response`` on the last line, a top-level ``error`` on
failure). The OpenAI-compatible routes are in ``routers.openai``.

A request the gateway can judge (auth, endpoint, shape, params) is refused with a 4xx before
anything streams; an input the model refuses (longer than its ``max_seq_length``) is a 400
for a plain predict and an error frame in a stream, which has already answered 200.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from pydantic import Field

from sambastudio.emulator._completions import Completion
from sambastudio.emulator._errors import ApiError
from sambastudio.emulator._lookup import require
from sambastudio.emulator._multipart import form_file
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._serving import Model, Options, serving
from sambastudio.emulator._state import EmulatorState, State
from sambastudio.emulator._streams import JSON_LINES, SSE, frames, json_line, respond, sse

router = APIRouter(tags=["predict"])

MAX_PREDICT_FILE = 16 << 20

EndpointKey = Annotated[str | None, Header(description="Endpoint API key")]
Authorization = Annotated[str | None, Header(description="Bearer <endpoint API key>")]


# ------------------------------------------------------------------ request bodies
class TypedParam(Body):
    """A V1 param: its type and its value, which callers send as a string (S11). Clients
    name the type after the Python value (``type(v).__name__``), so a ``list`` comes too."""

    type: str
    value: str | int | float | bool


TypedParams = dict[str, TypedParam]


class NlpInputs(Body):
    inputs: list[str] = Field(min_length=1)
    params: TypedParams = Field(default_factory=dict)


class GenericInstances(Body):
    instances: list[str] = Field(min_length=1)
    params: TypedParams = Field(default_factory=dict)


class GenericInstance(Body):
    instance: str
    params: TypedParams = Field(default_factory=dict)


class Item(Body):
    id: str
    value: str


class V2Items(Body):
    items: list[Item] = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------- shared machinery
_PARSERS = {"int": int, "float": float, "str": str}


def _plain(params: TypedParams) -> dict[str, Any]:
    """V1 typed params as plain values, each checked against its declared type; a type
    the emulator does not parse (``list``, ...) keeps its text."""
    values: dict[str, Any] = {}
    for name, param in params.items():
        text = str(param.value)
        if param.type == "bool":
            require(text.lower() in ("true", "false"), f"params.{name}: {text!r} is not a bool")
            values[name] = text.lower() == "true"
            continue
        try:
            values[name] = _PARSERS.get(param.type, str)(text)
        except ValueError:
            raise ApiError(400, f"params.{name}: {text!r} is not a {param.type}") from None
    return values


def _fields(completion: Completion) -> dict[str, Any]:
    """The counts every answer of a completion carries, streamed or not."""
    return {
        "completion": completion.text,
        "prompt_tokens_count": completion.prompt_tokens,
        "completion_tokens_count": completion.completion_tokens,
        "total_tokens_count": completion.total_tokens,
        "stop_reason": completion.stop_reason,
    }


def _answer(
    state: EmulatorState, model: Model, text: str, options: Options
) -> dict[str, Any] | list[float]:
    """One input's answer: a vector from an embedding model, else the completion's fields
    and the statistics of its (emulated) run."""
    if model.embedding:
        return model.embed(text)
    start = state.now()
    completion = model.complete(options.prompt(text), options.max_tokens, options.stop)
    return {**_fields(completion), **model.timing(start, completion)}


def _responses(
    state: EmulatorState, model: Model, text: str, options: Options
) -> Iterator[dict[str, Any]]:
    """A stream's responses: one per token, then the last with the counts and statistics.
    The model runs when the stream is read, so its refusal becomes an error frame."""
    start = state.now()
    completion = model.complete(options.prompt(text), options.max_tokens, options.stop)
    for piece in completion.pieces:
        yield {"stream_token": piece, "is_last_response": False}
    closing = {**_fields(completion), **model.timing(start, completion)}
    yield {"stream_token": "", "is_last_response": True, "prompt": text, **closing}


def _streaming(
    state: EmulatorState, project: str, endpoint: str, key: str | None, params: dict[str, Any]
) -> tuple[Model, Options]:
    model = serving(state, project, endpoint, key)
    model.require_text()
    return model, Options.of(params)


def _nlp_event(response: dict[str, Any]) -> bytes:
    return sse(response, "end_event" if response["is_last_response"] else "stream_event")


def _nlp_error(error: dict[str, Any]) -> bytes:
    return sse(error, "error_event")


# ------------------------------------------------------------------ V1 and V2 routes
@operation(router, "nlp_predict")
def nlp_predict(
    state: State, project: str, endpoint: str, body: NlpInputs, key: EndpointKey = None
) -> dict[str, Any]:
    model, options = serving(state, project, endpoint, key), Options.of(_plain(body.params))
    return {"data": [_answer(state, model, text, options) for text in body.inputs]}


@operation(router, "nlp_predict_stream")
def nlp_predict_stream(
    state: State, project: str, endpoint: str, body: NlpInputs, key: EndpointKey = None
) -> StreamingResponse:
    model, options = _streaming(state, project, endpoint, key, _plain(body.params))
    require(len(body.inputs) == 1, f"a stream takes one input, not {len(body.inputs)}")
    responses = _responses(state, model, body.inputs[0], options)
    return respond(frames(responses, _nlp_event, _nlp_error), SSE)


@operation(router, "generic_predict")
def generic_predict(
    state: State, project: str, endpoint: str, body: GenericInstances, key: EndpointKey = None
) -> dict[str, Any]:
    model, options = serving(state, project, endpoint, key), Options.of(_plain(body.params))
    return {"predictions": [_answer(state, model, text, options) for text in body.instances]}


@operation(router, "generic_predict_stream")
def generic_predict_stream(
    state: State, project: str, endpoint: str, body: GenericInstance, key: EndpointKey = None
) -> StreamingResponse:
    model, options = _streaming(state, project, endpoint, key, _plain(body.params))
    lines = (
        {"result": {"responses": [response]}}
        for response in _responses(state, model, body.instance, options)
    )
    return respond(frames(lines, json_line, json_line), JSON_LINES)


@operation(router, "v2_predict")
def v2_predict(
    state: State, project: str, endpoint: str, body: V2Items, key: EndpointKey = None
) -> dict[str, Any]:
    model, options = serving(state, project, endpoint, key), Options.of(body.params)
    return {
        "items": [
            {"id": item.id, "value": _answer(state, model, item.value, options)}
            for item in body.items
        ]
    }


@operation(router, "v2_predict_stream")
def v2_predict_stream(
    state: State, project: str, endpoint: str, body: V2Items, key: EndpointKey = None
) -> StreamingResponse:
    """The items stream one after the other; every line names its item."""
    model, options = _streaming(state, project, endpoint, key, body.params)
    lines = (
        {"result": {"items": [{"id": item.id, "value": response}]}}
        for item in body.items
        for response in _responses(state, model, item.value, options)
    )
    return respond(frames(lines, json_line, json_line), JSON_LINES)


@operation(router, "nlp_predict_file")
async def nlp_predict_file(
    request: Request, state: State, project: str, endpoint: str, key: EndpointKey = None
) -> dict[str, Any]:
    """The file's text (UTF-8) is the one input."""
    model = await anyio.to_thread.run_sync(serving, state, project, endpoint, key)
    data = await form_file(request, "predict_file", MAX_PREDICT_FILE)
    return {"data": [_answer(state, model, data.decode("utf-8", errors="replace"), Options())]}
