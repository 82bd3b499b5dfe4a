"""OpenAI-compatible answers: chat and text completions, their chunks, embeddings, models.

The shapes are OpenAI's, with the ``system_fingerprint`` SambaNova's clients read (S12). A
stream is SSE: one ``data:`` event per chunk, ending with ``data: [DONE]``; every chunk
that has choices carries ``delta.content`` (S12 reads it unconditionally).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from sambastudio.emulator._completions import Completion
from sambastudio.emulator._streams import sse

FINISH_REASONS = {"end_of_text": "stop", "max_len_reached": "length"}
FINGERPRINT = "sambastudio-emulator"


@attrs.frozen
class Reply:
    """What every object or chunk of one answer shares."""

    id: str
    object: str
    created: int
    model: str

    def envelope(self, **fields: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            "created": self.created,
            "model": self.model,
            "system_fingerprint": FINGERPRINT,
            **fields,
        }


def usage(
    prompt: int, completions: Sequence[Completion], timing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """OpenAI's counts (``prompt`` tokens read once, however many choices), and with
    ``timing`` (``Model.timing`` of the run) the SambaNova extensions its clients read
    (api-evidence.md §7.1)."""
    generated = sum(completion.completion_tokens for completion in completions)
    counts = {
        "prompt_tokens": prompt,
        "completion_tokens": generated,
        "total_tokens": prompt + generated,
    }
    if timing is None:
        return counts
    latency = timing["model_execution_time"]
    return {
        **counts,
        "time_to_first_token": timing["time_to_first_token"],
        "total_latency": latency,
        "completion_tokens_per_sec": generated / latency,
        "completion_tokens_after_first_per_sec": timing["throughput_after_first_token"],
        "total_tokens_per_sec": (prompt + generated) / latency,
        "start_time": timing["start_time"],
        "end_time": timing["end_time"],
        "is_last_response": True,
        "stop_reason": completions[-1].stop_reason if completions else "end_of_text",
    }


def _finish(completion: Completion) -> str:
    return FINISH_REASONS[completion.stop_reason]


@attrs.frozen
class Answer:
    """One chat choice: plain text, or a call of the tool the request forced."""

    completion: Completion
    tool: str | None = None
    """The function the answer calls (its arguments: ``arguments``)."""
    arguments: str = "{}"

    def message(self) -> dict[str, Any]:
        if self.tool is None:
            return {"role": "assistant", "content": self.completion.text}
        call = {"name": self.tool, "arguments": self.arguments}
        return {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_0", "type": "function", "function": call}],
        }

    @property
    def finish_reason(self) -> str:
        return "tool_calls" if self.tool else _finish(self.completion)


def chat(reply: Reply, answers: Sequence[Answer], usage_: dict[str, Any]) -> dict[str, Any]:
    choices = [
        {
            "index": index,
            "message": answer.message(),
            "logprobs": None,
            "finish_reason": answer.finish_reason,
        }
        for index, answer in enumerate(answers)
    ]
    return reply.envelope(choices=choices, usage=usage_)


def chat_chunks(
    reply: Reply, answers: Sequence[Answer], usage_: dict[str, Any] | None
) -> Iterator[dict[str, Any]]:
    """Each choice's chunks in turn; the usage chunk last, when asked for."""

    def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
        return reply.envelope(choices=[choice])

    for index, answer in enumerate(answers):
        if answer.tool is not None:
            yield chunk(index, answer.message())
        else:
            yield chunk(index, {"role": "assistant", "content": ""})
            for piece in answer.completion.pieces:
                yield chunk(index, {"content": piece})
        yield chunk(index, {"content": ""}, answer.finish_reason)
    if usage_ is not None:
        yield reply.envelope(choices=[], usage=usage_)


def _text_choice(index: int, text: str, finish: str | None) -> dict[str, Any]:
    return {"index": index, "text": text, "logprobs": None, "finish_reason": finish}


def text(reply: Reply, completions: Sequence[Completion], usage_: dict[str, Any]) -> dict[str, Any]:
    choices = [_text_choice(i, c.text, _finish(c)) for i, c in enumerate(completions)]
    return reply.envelope(choices=choices, usage=usage_)


def text_chunks(
    reply: Reply, completions: Sequence[Completion], usage_: dict[str, Any] | None
) -> Iterator[dict[str, Any]]:
    for index, completion in enumerate(completions):
        for piece in completion.pieces:
            yield reply.envelope(choices=[_text_choice(index, piece, None)])
        yield reply.envelope(choices=[_text_choice(index, "", _finish(completion))])
    if usage_ is not None:
        yield reply.envelope(choices=[], usage=usage_)


def embeddings(model: str, vectors: Sequence[list[float]], prompt_tokens: int) -> dict[str, Any]:
    data = [
        {"object": "embedding", "index": index, "embedding": vector}
        for index, vector in enumerate(vectors)
    ]
    tokens = {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens}
    return {"object": "list", "data": data, "model": model, "usage": tokens}


def models(name: str, created: int) -> dict[str, Any]:
    """The one model an endpoint serves, as OpenAI's model list."""
    entry = {"id": name, "object": "model", "created": created, "owned_by": "sambastudio"}
    return {"object": "list", "data": [entry]}


def events(chunks: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The SSE body of a stream: each chunk, then ``[DONE]``."""
    for chunk in chunks:
        yield sse(chunk)
    yield sse("[DONE]")
