"""Predictions: one engine over SambaStudio's three predict wires (V1 nlp, V1 generic, V2).

An endpoint's ``url`` says which wire it speaks. The wires differ only in where inputs,
params, outputs and streamed tokens sit and how a stream is framed, so those differences
are data (:data:`WIRES`) and every call is written once (api-evidence §1.8).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import attrs
import requests
from pydantic import AliasChoices, Field

from sambastudio._answers import parse_answer
from sambastudio._base import Answered
from sambastudio._limits import Limits, check_line_size, decode_json, iter_lines_capped
from sambastudio._pipeline import Pipeline, ResponseHook
from sambastudio._redact import mask_text
from sambastudio._response import APIResponse
from sambastudio._routes import WireRequest
from sambastudio._transport import total_seconds
from sambastudio._watchdog import DeadlineExceeded, each_within
from sambastudio.errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidArgumentError,
    SambaStudioError,
)
from sambastudio.resources.streaming import Records, TokenStream
from sambastudio.resources.usage import Usage

if TYPE_CHECKING:
    from sambastudio.resources.api_keys import ApiKeyRef
    from sambastudio.resources.endpoints import Endpoint

Params = Mapping[str, Any]
"""Predict parameters by name: plain values (``{"max_tokens_to_generate": 64}``), or the V1
typed form (``{"do_sample": {"type": "bool", "value": "false"}}``); either works on every wire."""


class Prediction(Answered):
    """One output of a predict call; ``raw`` is the output exactly as the server sent it,
    ``last_response`` the HTTP response of the call."""

    text: str = Field("", validation_alias=AliasChoices("completion", "text"))
    prompt_tokens: int | None = Field(
        None, validation_alias=AliasChoices("prompt_tokens_count", "prompt_tokens")
    )
    completion_tokens: int | None = Field(
        None, validation_alias=AliasChoices("completion_tokens_count", "completion_tokens")
    )
    total_tokens: int | None = Field(
        None, validation_alias=AliasChoices("total_tokens_count", "total_tokens")
    )
    stop_reason: str | None = None
    raw: Any = Field(None, repr=False)

    @property
    def usage(self) -> Usage | None:
        """The counts and the run's timing, as the server reported them."""
        return Usage.of(self.raw)

    @classmethod
    def of(cls, output: Any, response: APIResponse | None = None) -> Prediction:
        """The prediction of one output of ``response`` (the predict call's answer)."""
        if isinstance(output, Mapping):
            prediction = parse_answer(cls, {**output, "raw": output}, "prediction")
        else:
            prediction = (
                cls(text=output, raw=output) if isinstance(output, str) else cls(raw=output)
            )
        prediction._answered_by(response)
        return prediction

    def __eq__(self, other: object) -> bool:
        # What the server said, not the response it came in (its timing differs each call).
        if not isinstance(other, Prediction):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]  # mutable, as every pydantic model


# ---------------------------------------------------------------------------- the wires


def _items(texts: Sequence[str]) -> dict[str, Any]:
    return {"items": [{"id": f"item{index}", "value": text} for index, text in enumerate(texts)]}


@attrs.frozen
class Wire:
    """Where one predict API puts things; ``prefix`` is how an endpoint URL names it."""

    prefix: str
    predict_route: str
    stream_route: str
    inputs: Callable[[Sequence[str]], dict[str, Any]]
    """The route arguments that carry a batch of inputs."""
    stream_input: Callable[[str], dict[str, Any]]
    typed_params: bool
    outputs: Callable[[Any], list[Any]]
    """The outputs, in input order, from a predict answer."""
    token: Callable[[Any], Mapping[str, Any]]
    """The token record (``stream_token``, ``is_last_response``) of one stream chunk."""
    sse: bool
    """Server-sent events, else JSON lines."""


WIRES: tuple[Wire, ...] = (
    Wire(
        prefix="/api/predict/nlp/",
        predict_route="nlp_predict",
        stream_route="nlp_predict_stream",
        inputs=lambda texts: {"input": list(texts)},
        stream_input=lambda text: {"input": [text]},
        typed_params=True,
        outputs=lambda body: list(body["data"]),
        token=lambda chunk: chunk,
        sse=True,
    ),
    Wire(
        prefix="/api/predict/generic/",
        predict_route="generic_predict",
        stream_route="generic_predict_stream",
        inputs=lambda texts: {"instances": list(texts)},
        stream_input=lambda text: {"instance": text},
        typed_params=True,
        outputs=lambda body: list(body["predictions"]),
        token=lambda chunk: chunk["result"]["responses"][0],
        sse=False,
    ),
    Wire(
        prefix="/api/v2/predict/generic/",
        predict_route="v2_predict",
        stream_route="v2_predict_stream",
        inputs=_items,
        stream_input=lambda text: _items([text]),
        typed_params=False,
        outputs=lambda body: [item["value"] for item in body["items"]],
        token=lambda chunk: chunk["result"]["items"][0]["value"],
        sse=False,
    ),
)


def wire_of(endpoint: Endpoint) -> Wire:
    """The wire an endpoint speaks, read from its ``url``."""
    path = urlsplit(endpoint.url or "").path
    for wire in WIRES:
        if path.startswith(wire.prefix):
            return wire
    raise SambaStudioError(
        f"{endpoint!r} has no predict URL this SDK knows ({endpoint.url!r}); "
        "is it Live? refresh() it"
    )


def _unexpected(what: str, error: Exception) -> SambaStudioError:
    return SambaStudioError(f"unexpected {what}: {type(error).__name__} {error}")


# ------------------------------------------------------------------------------ params

_TYPED_KEYS = frozenset({"type", "value"})


def _is_typed(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == _TYPED_KEYS


def _typed(value: Any) -> dict[str, str]:
    if isinstance(value, bool):  # before int: a bool is an int
        return {"type": "bool", "value": "true" if value else "false"}
    for kind, name in ((int, "int"), (float, "float"), (str, "str")):
        if isinstance(value, kind):
            return {"type": name, "value": str(value)}
    return {"type": "str", "value": json.dumps(value)}


def _plain(typed: Mapping[str, Any]) -> Any:
    kind, value = typed["type"], typed["value"]
    if kind == "bool":
        text = str(value).lower()
        if text not in ("true", "false"):
            raise ValueError(f"{value!r} is not a bool")
        return text == "true"
    converters: dict[str, Callable[[Any], Any]] = {"int": int, "float": float}
    return converters.get(kind, str)(value)


def wire_params(wire: Wire, params: Params | None) -> dict[str, Any] | None:
    """``params`` in the form ``wire`` wants; typed values are parsed here, before sending."""
    if params is None:
        return None
    if not isinstance(params, Mapping) or not all(isinstance(name, str) for name in params):
        raise InvalidArgumentError("params", "params must be a dict of parameter names to values")
    try:
        plain = {name: _plain(v) if _is_typed(v) else v for name, v in params.items()}
    except ValueError as error:
        raise InvalidArgumentError("params", f"a typed param does not parse: {error}") from None
    return {name: _typed(v) for name, v in plain.items()} if wire.typed_params else plain


def check_texts(texts: Sequence[str]) -> list[str]:
    """A non-empty list of strings (a lone string is one input, never its characters)."""
    batch = [texts] if isinstance(texts, str) else list(texts)
    if not batch or not all(isinstance(text, str) for text in batch):
        raise InvalidArgumentError("inputs", "inputs must be a string or a non-empty list of them")
    return batch


# ------------------------------------------------------------------------------- calls


def call_target(endpoint: Endpoint, api_key: ApiKeyRef | None) -> dict[str, str]:
    """The route arguments that name the endpoint and carry its key (``api_key``, else the
    endpoint's first active one); every call to an endpoint starts here."""
    if api_key is None:
        default = endpoint.api_key
        if default is None:
            raise SambaStudioError(
                f"{endpoint!r} has no active API key: create one with endpoint.api_keys.create()"
            )
        api_key = default
    key = api_key if isinstance(api_key, str) else api_key.reveal()
    if not endpoint.project_id:
        raise SambaStudioError(f"{endpoint!r} does not say which project holds it")
    return {"project": endpoint.project_id, "endpoint": endpoint.id, "key": key}


def outputs(
    endpoint: Endpoint,
    texts: Sequence[str],
    params: Params | None,
    api_key: ApiKeyRef | None,
) -> tuple[list[Any], APIResponse]:
    """The raw outputs of one predict call, in input order, and its response."""
    wire = wire_of(endpoint)
    batch = check_texts(texts)
    args = {**wire.inputs(batch), "params": wire_params(wire, params)}
    answer = endpoint.client._request(wire.predict_route, **call_target(endpoint, api_key), **args)
    try:
        return wire.outputs(answer.json()), answer
    except (KeyError, IndexError, TypeError) as error:
        raise _unexpected(f"{wire.predict_route} answer", error) from error


def vectors(found: Sequence[Any]) -> list[list[float]]:
    """Embedding outputs as vectors; anything else means the model does not embed."""
    result = []
    for output in found:
        if not isinstance(output, list) or not all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in output
        ):
            raise SambaStudioError(
                "the endpoint answered no vectors: is it serving an embedding model?"
            )
        result.append([float(x) for x in output])
    return result


def predict_file(
    endpoint: Endpoint, path: str | PathLike[str], api_key: ApiKeyRef | None
) -> list[Prediction]:
    """The outputs for a file of inputs (``nlp_predict_file``, multipart ``predict_file``)."""
    source = Path(path)
    if not source.is_file():
        raise InvalidArgumentError("path", f"no file at {str(source)!r}")
    target = call_target(endpoint, api_key)
    with source.open("rb") as handle:
        answer = endpoint.client._request(
            "nlp_predict_file", **target, file_path=(source.name, handle)
        )
    try:
        return [Prediction.of(output, answer) for output in answer.json()["data"]]
    except (KeyError, TypeError) as error:
        raise _unexpected("nlp_predict_file answer", error) from error


# ----------------------------------------------------------------------------- streams


def stream(
    endpoint: Endpoint, text: str, params: Params | None, api_key: ApiKeyRef | None
) -> TokenStream:
    """Checks everything now; the request goes out when the first token is asked for."""
    wire = wire_of(endpoint)
    if not isinstance(text, str):
        raise InvalidArgumentError("text", "stream() takes one string")
    request = endpoint.client._route(wire.stream_route).bind(
        **call_target(endpoint, api_key),
        **wire.stream_input(text),
        params=wire_params(wire, params),
    )
    pipeline, who = endpoint.client._pipeline, repr(endpoint)
    return TokenStream(lambda answered: records(pipeline, request, wire, who, answered))


class Framing(Protocol):
    """How a stream is framed and where its records sit (a ``Wire``, or OpenAI's)."""

    @property
    def stream_route(self) -> str: ...
    @property
    def sse(self) -> bool: ...
    @property
    def token(self) -> Callable[[Any], Mapping[str, Any]]: ...


def records(
    pipeline: Pipeline, request: WireRequest, wire: Framing, who: str, answered: ResponseHook
) -> Records:
    """The records of a stream, until its last response (or OpenAI's ``[DONE]``); a line,
    an event or a chunk past the client's ``Limits`` raises ``LimitExceededError``.
    ``answered`` gets the response once the server has answered.

    Once the stream has started, each event (a server-sent event, or a JSON line) must
    arrive within ``timeout`` of asking for it (``APITimeoutError``); the stream as a
    whole may run as long as the model keeps generating.
    """
    limits, timeout = pipeline.settings.limits, pipeline.settings.timeout
    with pipeline.send(request, stream=True) as response:
        answered(APIResponse(response, response.elapsed, limits, request.route))
        try:
            lines = (raw.decode("utf-8") for raw in iter_lines_capped(response, limits))
            events = _sse(lines, limits) if wire.sse else _json_lines(lines)
            for event, data in each_within(events, response, total_seconds(timeout)):
                record = _token_record(wire, event, data, who, limits)
                if record is None:
                    return
                yield record
                if record.get("is_last_response"):
                    return
        except DeadlineExceeded as error:
            raise APITimeoutError(
                mask_text(f"the stream of {who} stalled: {error}; timeout={timeout!r}"),
                method=request.method,
                path=request.path,
            ) from error
        except requests.RequestException as error:
            raise APIConnectionError(
                mask_text(f"the stream of {who} broke off: {error}"),
                method=request.method,
                path=request.path,
            ) from error


def _token_record(
    wire: Framing, event: str, data: str, who: str, limits: Limits
) -> Mapping[str, Any] | None:
    """The token record of one event; ``None`` at the end; raises on an in-stream error."""
    if data.strip() == "[DONE]":
        return None
    try:
        chunk = decode_json(data, limits)
    except ValueError:
        chunk = data
    if event == "end_event" and not isinstance(chunk, Mapping):
        return None  # an end without the last response's statistics
    if event == "error_event" or (isinstance(chunk, Mapping) and "error" in chunk):
        raise SambaStudioError(mask_text(f"the stream of {who} failed: {_words(chunk)}"))
    try:
        record = wire.token(chunk)
    except (KeyError, IndexError, TypeError) as error:
        raise _unexpected(f"{wire.stream_route} chunk", error) from error
    if not isinstance(record, Mapping):
        raise SambaStudioError(mask_text(f"unexpected {wire.stream_route} chunk: {data[:200]!r}"))
    return record


def _words(chunk: Any) -> str:
    """What an in-stream error says: its ``error`` (maybe ``{message}``) or ``message``."""
    if not isinstance(chunk, Mapping):
        return str(chunk)
    error = chunk.get("error")
    if isinstance(error, Mapping):
        error = error.get("message")
    return str(error or chunk.get("message") or chunk.get("detail") or json.dumps(chunk))


def _json_lines(lines: Iterator[str]) -> Iterator[tuple[str, str]]:
    return (("", line) for line in lines if line.strip())


def _sse(lines: Iterator[str], limits: Limits) -> Iterator[tuple[str, str]]:
    """``(event, data)`` per server-sent event (blank-line separated ``field: value`` lines);
    an event's data is held to ``max_line_bytes`` too, however many lines carry it."""
    event = ""
    data: list[str] = []
    size = 0
    for line in lines:
        if not line:
            if data:
                yield event or "message", "\n".join(data)
            event, data, size = "", [], 0
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
            size += len(value) + 1
            check_line_size(size, limits)
    if data:
        yield event or "message", "\n".join(data)
