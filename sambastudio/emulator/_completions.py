"""Deterministic model output: completions and embeddings derived from the input and a seed.

The same prompt to the same model of an emulator with the same seed always gets the same
text, so tests can assert on it, and a shorter ``max_tokens`` cuts the same text shorter.
One tokenizer counts everything (prompts, completions, stream tokens, OpenAI usage): a run
of word characters or a single other non-space character is one token. A completion's
stream tokens are exactly its tokens, so the counts agree wherever they appear.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterable
from typing import Literal

import attrs

from sambastudio.emulator._errors import ApiError

StopReason = Literal["end_of_text", "max_len_reached"]

EMBEDDING_DIM = 1024
"""Every embedding model answers vectors of this length (e5-large-v2's)."""

_TOKEN = re.compile(r"\w+|[^\w\s]")
_VOCABULARY = """
answer adapter batch because checkpoint cluster data dataset deploy emulator endpoint
every evaluation example fine flow gradient inference input job layer learning model
network output parameter predict project prompt result sample sequence server signal
stream system task tenant test token training tuning value vector weight window
"""
_WORDS = tuple(_VOCABULARY.split())
_SLOTS_PER_TOKEN = 4


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    return len(tokens(text))


def chat_prompt(messages: Iterable[tuple[str, str]]) -> str:
    """The prompt a chat model sees: one ``role: content`` line per message."""
    return "\n".join(f"{role}: {content}" for role, content in messages)


@attrs.frozen
class Completion:
    """A model's answer: the pieces it streams (joined, its text) and why it stopped."""

    prompt_tokens: int
    pieces: tuple[str, ...]
    stop_reason: StopReason

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def completion_tokens(self) -> int:
        return len(self.pieces)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def _rng(*parts: object) -> random.Random:
    return random.Random(hashlib.sha256("\0".join(map(str, parts)).encode()).digest())  # noqa: S311


def _sentences(rng: random.Random) -> list[str]:
    """One to four sentences, as pieces: each word (after the first with its space) and
    each full stop is one token."""
    pieces: list[str] = []
    for _ in range(rng.randint(1, 4)):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 12))]
        words[0] = words[0].capitalize()
        pieces += [(" " if pieces else "") + words[0], *(" " + word for word in words[1:]), "."]
    return pieces


def check_length(model: str, text: str, max_seq_length: int) -> int:
    """The tokens of an input, refused (400) when the model cannot take that many."""
    used = count_tokens(text)
    if used > max_seq_length:
        raise ApiError(400, f"the input has {used} tokens; {model} takes at most {max_seq_length}")
    return used


def complete(
    model: str, prompt: str, *, seed: int, max_tokens: int | None, max_seq_length: int
) -> Completion:
    """The model's text for ``prompt``, cut at ``max_tokens`` or at the end of its window."""
    used = check_length(model, prompt, max_seq_length)
    natural = _sentences(_rng("completion", seed, model, prompt))
    window = max_seq_length - used
    room = min(len(natural), window if max_tokens is None else min(max_tokens, window))
    stop: StopReason = "end_of_text" if room == len(natural) else "max_len_reached"
    return Completion(used, tuple(natural[:room]), stop)


def embed(model: str, text: str, *, seed: int, max_seq_length: int) -> list[float]:
    """A unit vector from hashed tokens: equal texts get equal vectors, and texts sharing
    words point the same way (a search over emulated embeddings finds related texts)."""
    check_length(model, text, max_seq_length)
    vector = [0.0] * EMBEDDING_DIM
    for token in tokens(text.lower()):
        digest = hashlib.sha256(f"{seed}\0{model}\0{token}".encode()).digest()
        for slot in range(_SLOTS_PER_TOKEN):
            chunk = digest[4 * slot : 4 * slot + 4]
            index = int.from_bytes(chunk[:3], "big") % EMBEDDING_DIM
            vector[index] += 1.0 if chunk[3] & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector))
    return [round(value / norm, 6) for value in vector] if norm else vector
