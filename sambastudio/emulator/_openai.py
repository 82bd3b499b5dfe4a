"""OpenAI-compatible answers: ``chat.completion``, ``text_completion`` and their chunks.

The shapes are OpenAI's, with the ``system_fingerprint`` SambaNova's clients read (S12). A
stream is SSE: one ``data:`` event per chunk, ending with ``data: [DONE]``; every chunk
that has choices carries ``delta.content`` (S12 reads it unconditionally).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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


def usage(completions: Sequence[Completion]) -> dict[str, int]:
    prompt = sum(completion.prompt_tokens for completion in completions)
    generated = sum(completion.completion_tokens for completion in completions)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": generated,
        "total_tokens": prompt + generated,
    }


def _finish(completion: Completion) -> str:
    return FINISH_REASONS[completion.stop_reason]


def chat(reply: Reply, completion: Completion) -> dict[str, Any]:
    choice = {
        "index": 0,
        "message": {"role": "assistant", "content": completion.text},
        "logprobs": None,
        "finish_reason": _finish(completion),
    }
    return reply.envelope(choices=[choice], usage=usage([completion]))


def chat_chunks(
    reply: Reply, completion: Completion, include_usage: bool
) -> Iterator[dict[str, Any]]:
    def chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return reply.envelope(choices=[choice])

    yield chunk({"role": "assistant", "content": ""})
    for piece in completion.pieces:
        yield chunk({"content": piece})
    yield chunk({"content": ""}, _finish(completion))
    if include_usage:
        yield reply.envelope(choices=[], usage=usage([completion]))


def _text_choice(index: int, text: str, finish: str | None) -> dict[str, Any]:
    return {"index": index, "text": text, "logprobs": None, "finish_reason": finish}


def text(reply: Reply, completions: Sequence[Completion]) -> dict[str, Any]:
    choices = [_text_choice(i, c.text, _finish(c)) for i, c in enumerate(completions)]
    return reply.envelope(choices=choices, usage=usage(completions))


def text_chunks(reply: Reply, completions: Sequence[Completion]) -> Iterator[dict[str, Any]]:
    for index, completion in enumerate(completions):
        for piece in completion.pieces:
            yield reply.envelope(choices=[_text_choice(index, piece, None)])
        yield reply.envelope(choices=[_text_choice(index, "", _finish(completion))])


def events(chunks: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """The SSE body of a stream: each chunk, then ``[DONE]``."""
    for chunk in chunks:
        yield sse(chunk)
    yield sse("[DONE]")
