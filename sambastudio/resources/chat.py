"""Chat: a conversation in, typed choices out, on whichever route the endpoint offers.

An endpoint created with ``openai_compatible=True`` is asked on its OpenAI-compatible route
(``/v1/{endpoint_id}/chat/completions``), which takes every OpenAI parameter. Any other is
asked on the V2 predict route with ``process_prompt`` (the conversation travels as JSON,
api-evidence.md §1.8), where ``max_tokens`` becomes ``max_tokens_to_generate``, ``stop``
becomes ``stop_sequences``, and only one choice (``n=1``) exists. Both give the same types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from pydantic import Field

from sambastudio._base import Answered, Record
from sambastudio._response import APIResponse
from sambastudio._routes import OPENAI_PARAMS
from sambastudio.errors import InvalidArgumentError, SambaStudioError
from sambastudio.resources import predictions
from sambastudio.resources.streaming import Records, Stream
from sambastudio.resources.usage import Usage

if TYPE_CHECKING:
    from sambastudio.resources.api_keys import ApiKeyRef
    from sambastudio.resources.endpoints import Endpoint

ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})
OPENAI_CHAT = "openai_chat_completions"
V2_RENAMES = {"max_tokens": "max_tokens_to_generate", "stop": "stop_sequences"}


class ChatMessage(Record):
    role: str = "assistant"
    content: str | None = None
    tool_calls: list[dict[str, Any]] | None = None


class ChatChoice(Record):
    index: int = 0
    message: ChatMessage
    finish_reason: str | None = None


class ChatCompletion(Answered):
    """A chat answer; ``text`` is the first choice's content, ``last_response`` the HTTP
    response it came in."""

    id: str | None = None
    model: str | None = None
    created: int | None = None
    choices: list[ChatChoice] = Field(default_factory=list)
    usage: Usage | None = None

    @property
    def text(self) -> str:
        return (self.choices[0].message.content or "") if self.choices else ""


class ChatDelta(Record):
    role: str | None = None
    content: str | None = None
    tool_calls: list[dict[str, Any]] | None = None


class ChatChunkChoice(Record):
    index: int = 0
    delta: ChatDelta = Field(default_factory=ChatDelta)
    finish_reason: str | None = None


class ChatChunk(Record):
    """One streamed piece; ``text`` is the first choice's new content."""

    id: str | None = None
    model: str | None = None
    choices: list[ChatChunkChoice] = Field(default_factory=list)
    usage: Usage | None = None

    @property
    def text(self) -> str:
        return (self.choices[0].delta.content or "") if self.choices else ""


class ChatStream(Stream[ChatChunk]):
    """The chunks of a chat answer; ``usage`` is set by the chunk that carries it (last)."""

    def _item(self, record: Mapping[str, Any]) -> ChatChunk:
        chunk = ChatChunk.model_validate(record)
        if chunk.usage is not None:
            self.usage = chunk.usage
        return chunk


# ------------------------------------------------------------------------- checks
def check_messages(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A non-empty list of ``{"role", "content"}`` with roles that exist."""
    if isinstance(messages, (str, Mapping)) or not isinstance(messages, Sequence):
        raise InvalidArgumentError("messages", "messages must be a list of {role, content}")
    if not messages:
        raise InvalidArgumentError("messages", "messages must not be empty")
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, Mapping) else None
        if role not in ROLES:
            raise InvalidArgumentError(
                "messages",
                f"messages[{index}] has role {role!r}; roles are {', '.join(sorted(ROLES))}",
            )
    return [dict(message) for message in messages]


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    known = set(OPENAI_PARAMS["chat/completions"]) | {"model"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidArgumentError("params", f"unknown chat parameters: {', '.join(unknown)}")
    return dict(params)


def require_live(endpoint: Endpoint) -> None:
    """Refuse an endpoint known not to be Live, before anything is sent."""
    if endpoint.status is not None and endpoint.status != "Live":
        raise SambaStudioError(
            f"{endpoint!r} is {endpoint.status}, not Live: call endpoint.wait() "
            "first (or refresh() it if it has come up since)"
        )


def model_name(endpoint: Endpoint) -> str:
    target = endpoint.targets[0] if endpoint.targets else None
    name = target and (target.model_checkpoint_name or target.model)
    if not name:
        raise SambaStudioError(f"{endpoint!r} does not say which model it serves; refresh() it")
    return name


# ---------------------------------------------------------------------- the routes
@attrs.frozen
class OpenAIFraming:
    """OpenAI's stream: server-sent events whose data is the chunk itself."""

    stream_route: str = OPENAI_CHAT
    sse: bool = True

    @staticmethod
    def token(chunk: Any) -> Mapping[str, Any]:
        return chunk  # type: ignore[no-any-return]


def _openai_request(
    endpoint: Endpoint, messages: list[dict[str, Any]], params: dict[str, Any], key: str
) -> dict[str, Any]:
    return {
        "endpoint_id": endpoint.id,
        "key": key,
        "model": model_name(endpoint),
        "messages": messages,
        **params,
    }


def _v2_params(endpoint: Endpoint, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("n", 1) != 1:
        raise InvalidArgumentError("params", "n > 1 needs the OpenAI-compatible route")
    plain = {V2_RENAMES.get(name, name): value for name, value in params.items()}
    plain.pop("stream_options", None)
    plain.pop("n", None)
    return {"select_expert": model_name(endpoint), **plain, "process_prompt": True}


def _conversation(messages: list[dict[str, Any]]) -> str:
    """The V2 input with ``process_prompt``: the conversation as JSON (S12)."""
    return json.dumps({"conversation_id": "sambastudio", "messages": messages})


def _v2_completion(value: Mapping[str, Any]) -> dict[str, Any]:
    finish = {"end_of_text": "stop", "max_len_reached": "length"}
    return {
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": value.get("completion", "")},
                "finish_reason": finish.get(str(value.get("stop_reason")), "stop"),
            }
        ],
        "usage": Usage.of(value),
    }


def _v2_chunks(records: Records) -> Records:
    """V2 stream records as chat chunks; the last response's statistics are the usage.
    Closing the chunks closes the connection."""
    try:
        for record in records:
            chunk: dict[str, Any] = {
                "choices": [{"index": 0, "delta": {"content": record.get("stream_token") or ""}}]
            }
            if record.get("is_last_response"):
                chunk["usage"] = Usage.of(record)
            yield chunk
    finally:
        records.close()


def _completion(data: Mapping[str, Any], answer: APIResponse) -> ChatCompletion:
    completion = ChatCompletion.model_validate(data)
    completion._answered_by(answer)
    return completion


def chat(
    endpoint: Endpoint,
    messages: Sequence[Mapping[str, Any]],
    params: Mapping[str, Any],
    *,
    stream: bool,
    api_key: ApiKeyRef | None,
) -> ChatCompletion | ChatStream:
    """Check everything, then ask the endpoint (a stream asks at its first ``next``)."""
    checked, options = check_messages(messages), check_params(params)
    require_live(endpoint)
    target = predictions.call_target(endpoint, api_key)
    client, who = endpoint.client, repr(endpoint)
    pipeline = client._pipeline
    if endpoint.openai_compatible:
        body = _openai_request(endpoint, checked, options, target["key"])
        if not stream:
            answer = client._request(OPENAI_CHAT, **body)
            return _completion(answer.json(), answer)
        request = client._route(OPENAI_CHAT).bind(
            **body, stream=True, stream_options={"include_usage": True}
        )
        framing = OpenAIFraming()
        return ChatStream(
            lambda answered: predictions.records(pipeline, request, framing, who, answered)
        )
    wire = predictions.WIRES[-1]  # V2
    args = {
        **target,
        **wire.inputs([_conversation(checked)]),
        "params": _v2_params(endpoint, options),
    }
    if not stream:
        answer = client._request(wire.predict_route, **args)
        return _completion(_v2_completion(wire.outputs(answer.json())[0]), answer)
    request = client._route(wire.stream_route).bind(**args)
    return ChatStream(
        lambda answered: _v2_chunks(predictions.records(pipeline, request, wire, who, answered))
    )
