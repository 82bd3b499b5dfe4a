"""The OpenAI-compatible API, on the three URL forms SambaStudio has used.

``/v1/{endpoint_id}/...`` (2025 dedicated), ``/v1/{project}/{endpoint}/...`` (current docs)
and ``/openai/v1/{project}/{endpoint}/...`` (2024 docs) each serve ``chat/completions``,
``completions``, ``embeddings`` and ``models``, with the endpoint key as a Bearer token.
Bodies are tolerant (``_openai_bodies``) and errors come in OpenAI's format (``_errors``).

The parameters that shape an emulated answer: ``stop`` cuts it, ``max_tokens`` (or
``max_completion_tokens``) bounds it, ``n`` gives that many choices, ``seed`` picks another
answer, ``response_format`` ``json_object`` wraps it as JSON, a forced ``tool_choice``
answers a call of that tool, and ``stream_options.include_usage`` ends a stream with the
usage, whose statistics (time to first token, tokens per second, ...) are the emulated
run's, as a V1/V2 stream's last response reports them.
"""

# No ``from __future__ import annotations``: FastAPI reads the body type of the handlers
# made in ``_forms`` from their annotations, which must be objects, not names.
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import StreamingResponse

from sambastudio.emulator import _openai
from sambastudio.emulator._auth import bearer_token
from sambastudio.emulator._completions import Completion, chat_prompt, count_tokens, pieces
from sambastudio.emulator._lookup import require
from sambastudio.emulator._openai_bodies import (
    ChatRequest,
    EmbeddingRequest,
    Function,
    Sampling,
    TextRequest,
)
from sambastudio.emulator._routing import operation
from sambastudio.emulator._serving import Model, serving
from sambastudio.emulator._state import EmulatorState, State
from sambastudio.emulator._streams import SSE, respond

router = APIRouter(tags=["openai"])

Authorization = Annotated[str | None, Header(description="Bearer <endpoint API key>")]
Answer = dict[str, Any] | StreamingResponse


def _model(
    state: EmulatorState,
    project: str | None,
    endpoint: str,
    authorization: str | None,
    name: str | None,
) -> Model:
    """The model of the endpoint the Bearer key may call; ``name`` (when given) must be it."""
    model = serving(state, project, endpoint, bearer_token(authorization))
    require(
        name is None or name in model.names,
        f"model {name!r} is not served here; this endpoint serves {model.name!r}",
        404,
    )
    return model


def _reply(state: EmulatorState, model: Model, kind: str, prefix: str) -> _openai.Reply:
    return _openai.Reply(f"{prefix}-{state.new_id()}", kind, int(state.now()), model.name)


def _runs(model: Model, prompt: str, body: Sampling, limit: int | None) -> list[Completion]:
    """``n`` answers to ``prompt``; the first is the V1/V2 answer unless ``seed`` is given."""
    count = body.n or 1
    variants = [body.seed if index == 0 else (body.seed, index) for index in range(count)]
    return [model.complete(prompt, limit, body.stops, variant) for variant in variants]


def _usage(
    state: EmulatorState, model: Model, prompt_tokens: int, runs: Sequence[Completion]
) -> dict[str, Any]:
    """The usage of ``runs``, timed as the emulated model ran the longest of them."""
    longest = max(runs, key=lambda run: run.completion_tokens)
    return _openai.usage(prompt_tokens, runs, model.timing(state.now(), longest))


def _tool_call(function: Function, run: Completion) -> _openai.Answer:
    """A call of ``function`` whose required arguments hold the emulated text."""
    schema = function.parameters or {}
    required = [name for name in schema.get("required", []) if isinstance(name, str)]
    arguments = json.dumps({name: run.text for name in required})
    return _openai.Answer(run, function.name, arguments)


def _shaped(body: ChatRequest, run: Completion) -> _openai.Answer:
    forced = body.forced_tool()
    if forced is not None:
        return _tool_call(forced, run)
    if body.response_format is not None and body.response_format.type != "text":
        wrapped = json.dumps({"answer": run.text, "emulated": True})
        return _openai.Answer(Completion(run.prompt_tokens, pieces(wrapped), run.stop_reason))
    return _openai.Answer(run)


def _chat(
    state: EmulatorState,
    project: str | None,
    endpoint: str,
    authorization: str | None,
    body: ChatRequest,
) -> Answer:
    model = _model(state, project, endpoint, authorization, body.model)
    model.require_text()
    prompt = chat_prompt((message.role, message.text()) for message in body.messages)
    runs = _runs(model, prompt, body, body.limit)
    answers = [_shaped(body, run) for run in runs]
    usage = _usage(state, model, runs[0].prompt_tokens, runs)
    if not body.stream:
        return _openai.chat(_reply(state, model, "chat.completion", "chatcmpl"), answers, usage)
    reply = _reply(state, model, "chat.completion.chunk", "chatcmpl")
    chunks = _openai.chat_chunks(reply, answers, usage if body.include_usage else None)
    return respond(_openai.events(chunks), SSE)


def _text(
    state: EmulatorState,
    project: str | None,
    endpoint: str,
    authorization: str | None,
    body: TextRequest,
) -> Answer:
    """``n`` choices per prompt, prompt by prompt."""
    model = _model(state, project, endpoint, authorization, body.model)
    model.require_text()
    prompts = [body.prompt] if isinstance(body.prompt, str) else body.prompt
    require(bool(prompts), "prompt must be a string or a non-empty list of strings")
    runs = [run for prompt in prompts for run in _runs(model, prompt, body, body.max_tokens)]
    usage = _usage(state, model, sum(count_tokens(prompt) for prompt in prompts), runs)
    reply = _reply(state, model, "text_completion", "cmpl")
    if not body.stream:
        return _openai.text(reply, runs, usage)
    chunks = _openai.text_chunks(reply, runs, usage if body.include_usage else None)
    return respond(_openai.events(chunks), SSE)


def _embeddings(
    state: EmulatorState,
    project: str | None,
    endpoint: str,
    authorization: str | None,
    body: EmbeddingRequest,
) -> dict[str, Any]:
    model = _model(state, project, endpoint, authorization, body.model)
    require(model.embedding, f"{model.name} is not an embedding model: it answers text")
    require(bool(body.texts), "input must be a string or a non-empty list of strings")
    vectors = [model.embed(text) for text in body.texts]
    if body.dimensions is not None:
        vectors = [vector[: body.dimensions] for vector in vectors]
    return _openai.embeddings(model.name, vectors, sum(map(count_tokens, body.texts)))


def _models(
    state: EmulatorState, project: str | None, endpoint: str, authorization: str | None
) -> dict[str, Any]:
    return _openai.models(_model(state, project, endpoint, authorization, None).name, 0)


# One handler per route and URL form, so that each appears in the emulator's OpenAPI
# document with its own path parameters.
Body = ChatRequest | TextRequest | EmbeddingRequest


def _forms(operation_name: str, run: Callable[..., Any], body_type: type[Body] | None) -> None:
    """Register ``run`` as ``operation_name`` on the three URL forms."""
    by_id, by_project = f"openai_{operation_name}", f"openai_project_{operation_name}"
    current = f"openai_v1_project_{operation_name}"
    if body_type is None:

        @operation(router, by_id, response_model=None)
        def models_by_id(
            state: State, endpoint_id: str, authorization: Authorization = None
        ) -> Any:
            return run(state, None, endpoint_id, authorization)

        for name in (by_project, current):

            @operation(router, name, response_model=None)
            def models_in_project(
                state: State, project: str, endpoint: str, authorization: Authorization = None
            ) -> Any:
                return run(state, project, endpoint, authorization)

        return

    @operation(router, by_id, response_model=None)
    def by_endpoint_id(
        state: State,
        endpoint_id: str,
        body: body_type,  # type: ignore[valid-type]
        authorization: Authorization = None,
    ) -> Any:
        return run(state, None, endpoint_id, authorization, body)

    for name in (by_project, current):

        @operation(router, name, response_model=None)
        def in_project(
            state: State,
            project: str,
            endpoint: str,
            body: body_type,  # type: ignore[valid-type]
            authorization: Authorization = None,
        ) -> Any:
            return run(state, project, endpoint, authorization, body)


_forms("chat_completions", _chat, ChatRequest)
_forms("completions", _text, TextRequest)
_forms("embeddings", _embeddings, EmbeddingRequest)
_forms("models", _models, None)
