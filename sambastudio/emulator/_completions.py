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
from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

from sambastudio.emulator._errors import ApiError

StopReason = Literal["end_of_text", "max_len_reached"]

EMBEDDING_DIM = 1024
"""Every embedding model answers vectors of this length (e5-large-v2's)."""

_TOKEN = re.compile(r"\w+|[^\w\s]")
_NOUN_TEXT = """
adapter batch checkpoint cluster dataset endpoint example gradient input layer model
network output parameter prompt result sample sequence server signal stream system
task tenant token value vector weight window
"""
_NOUNS = tuple(_NOUN_TEXT.split())
_OPENINGS = (
    "Here is an emulated answer about {topic}.",
    "The emulator has a short answer on {topic}.",
    "An emulated model would say this about {topic}.",
)
_SENTENCES = (
    "Every {0} starts from a {1} and ends with a {2}.",
    "The {0} depends on the {1}, so check the {2} first.",
    "In practice, a larger {0} gives a steadier {1}.",
    "You can tune the {0} without changing the {1}.",
    "Most teams deploy the {0} once the {1} looks right.",
    "A good {0} keeps the {1} small and the {2} clear.",
    "Compare each {0} with the {1} before you trust the {2}.",
)
_TOPIC_WORD = re.compile(r"[A-Za-z]{4,}")
_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})
_AN = re.compile(r"\ba (?=[aeiou])")
_NOT_TOPIC_TEXT = """
about could does explain from have please should tell that their there these this what
when where which with would your
"""
_NOT_TOPICS = frozenset(_NOT_TOPIC_TEXT.split())
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


def _topic(prompt: str) -> str:
    """What the answer is about: the longest telling word of the prompt's last line."""
    line = prompt.strip().rsplit("\n", 1)[-1]
    role, colon, content = line.partition(": ")
    line = content if colon and role in _ROLES else line
    words = [word for word in _TOPIC_WORD.findall(line) if word.lower() not in _NOT_TOPICS]
    return max(words, key=len) if words else "your question"


def pieces(text: str) -> tuple[str, ...]:
    """``text`` as stream pieces: one token each, with the spaces before it."""
    found, start = [], 0
    for match in _TOKEN.finditer(text):
        found.append(text[start : match.end()])
        start = match.end()
    return tuple(found)


def _answer(rng: random.Random, prompt: str) -> str:
    """An opening that says the answer is emulated and what it is about, then one to three
    plausible sentences: text a person reads as an answer, the same for the same seed."""
    sentences = [rng.choice(_OPENINGS).format(topic=_topic(prompt))]
    for _ in range(rng.randint(1, 3)):
        sentences.append(rng.choice(_SENTENCES).format(*rng.sample(_NOUNS, 3)))
    return _AN.sub("an ", " ".join(sentences))


def _cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """``text`` up to the first stop sequence, which is left out (as OpenAI does)."""
    found = [index for index in (text.find(word) for word in stop if word) if index >= 0]
    return text[: min(found)] if found else text


def check_length(model: str, text: str, max_seq_length: int) -> int:
    """The tokens of an input, refused (400) when the model cannot take that many."""
    used = count_tokens(text)
    if used > max_seq_length:
        raise ApiError(400, f"the input has {used} tokens; {model} takes at most {max_seq_length}")
    return used


def complete(
    model: str,
    prompt: str,
    *,
    seed: int,
    max_tokens: int | None,
    max_seq_length: int,
    stop: Sequence[str] = (),
    variant: object = None,
) -> Completion:
    """The model's text for ``prompt``: cut before the first ``stop`` sequence, then at
    ``max_tokens`` or at the end of its window. ``variant`` (a request's seed, a choice's
    index) picks another answer to the same prompt."""
    used = check_length(model, prompt, max_seq_length)
    varied = () if variant is None else (variant,)
    rng = _rng("completion", seed, model, prompt, *varied)
    natural = pieces(_cut_at_stop(_answer(rng, prompt), stop))
    window = max_seq_length - used
    room = min(len(natural), window if max_tokens is None else min(max_tokens, window))
    reason: StopReason = "end_of_text" if room == len(natural) else "max_len_reached"
    return Completion(used, natural[:room], reason)


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
