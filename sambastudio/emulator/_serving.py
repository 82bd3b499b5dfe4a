"""An endpoint serving its model: who may call it, whether it is up, and what it answers.

Endpoint API keys authorise, never the platform key (``_auth.endpoint_for_key``: 404 for
no such endpoint, 401 for a missing, unknown or revoked key). An endpoint that is not Live
answers 503 while it is on its way (Deploying, SettingUp: try again soon) and 409 when it
needs an action first (Stopped, Failed). Answers come from ``_completions``, seeded with
the emulator's seed (0 when none is set), so they are the same across runs and restarts.
"""

from __future__ import annotations

import ast
import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from sambastudio.emulator import _completions
from sambastudio.emulator._auth import endpoint_for_key
from sambastudio.emulator._completions import Completion
from sambastudio.emulator._errors import ApiError
from sambastudio.emulator._state import EmulatorState

DEFAULT_MAX_SEQ_LENGTH = 4096
FIRST_TOKEN_SECONDS = 0.05
SECONDS_PER_TOKEN = 0.01
"""The emulated speed a stream's closing statistics report."""
_ON_THE_WAY = ("Deploying", "SettingUp", "AwaitingRDU")


def _stops(value: Any) -> tuple[str, ...]:
    """Stop sequences as clients send them: a string, a list, or (V1) a list's repr."""
    if isinstance(value, str) and value.startswith("["):
        with contextlib.suppress(ValueError, SyntaxError):
            value = ast.literal_eval(value)
    if value is None:
        return ()
    words = [value] if isinstance(value, str) else value
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        raise ApiError(400, f"stop_sequences must be a string or a list of them, not {value!r}")
    return tuple(words)


@attrs.frozen
class Options:
    """What the generation params change: the length, where to stop, and whether the
    prompt is a chat. The other params clients send (``select_expert``, ``temperature``,
    ``do_sample``, ...) are accepted and do not change the emulated text."""

    max_tokens: int | None = None
    process_prompt: bool = False
    stop: tuple[str, ...] = ()

    @classmethod
    def of(cls, params: Mapping[str, Any]) -> Options:
        """From plain param values (V2; V1's typed params once parsed); others are ignored."""
        max_tokens = params.get("max_tokens_to_generate")
        if max_tokens is not None and (type(max_tokens) is not int or max_tokens < 1):
            raise ApiError(
                400, f"max_tokens_to_generate must be a positive integer, not {max_tokens!r}"
            )
        process_prompt = params.get("process_prompt", False)
        if not isinstance(process_prompt, bool):
            raise ApiError(400, f"process_prompt must be a boolean, not {process_prompt!r}")
        return cls(max_tokens, process_prompt, _stops(params.get("stop_sequences")))

    def prompt(self, text: str) -> str:
        """The prompt the model sees: with process_prompt, ``text`` is a JSON conversation
        ``{"conversation_id", "messages": [{"message_id", "role", "content"}]}`` (S12)."""
        if not self.process_prompt:
            return text
        try:
            messages = json.loads(text)["messages"]
            return _completions.chat_prompt((m["role"], m["content"] or "") for m in messages)
        except (ValueError, KeyError, TypeError):
            raise ApiError(
                400,
                "with process_prompt, the input must be a JSON conversation "
                '{"messages": [{"role": ..., "content": ...}]}',
            ) from None


@attrs.frozen
class Model:
    """The model behind a Live endpoint."""

    name: str
    names: frozenset[str]
    """What an OpenAI request's ``model`` may say: the model's name or id."""
    embedding: bool
    max_seq_length: int
    seed: int

    def require_text(self) -> None:
        if self.embedding:
            raise ApiError(400, f"{self.name} is an embedding model: it answers vectors, not text")

    def complete(
        self,
        prompt: str,
        max_tokens: int | None,
        stop: Sequence[str] = (),
        variant: object = None,
    ) -> Completion:
        return _completions.complete(
            self.name,
            prompt,
            seed=self.seed,
            max_tokens=max_tokens,
            max_seq_length=self.max_seq_length,
            stop=stop,
            variant=variant,
        )

    def embed(self, text: str) -> list[float]:
        return _completions.embed(
            self.name, text, seed=self.seed, max_seq_length=self.max_seq_length
        )

    def timing(self, start: float, completion: Completion) -> dict[str, Any]:
        """The statistics a stream's last response carries (S11, S12)."""
        execution = FIRST_TOKEN_SECONDS + SECONDS_PER_TOKEN * max(
            0, completion.completion_tokens - 1
        )
        return {
            "start_time": start,
            "end_time": start + execution,
            "model_execution_time": execution,
            "time_to_first_token": FIRST_TOKEN_SECONDS,
            "throughput_after_first_token": 1 / SECONDS_PER_TOKEN,
            "batch_size_used": 1,
        }


def serving(state: EmulatorState, project: str | None, endpoint: str, key: str | None) -> Model:
    """The model of the Live endpoint ``key`` may call (``project`` is ``None`` on the
    ``/v1/{endpoint_id}`` routes)."""
    doc = endpoint_for_key(state, project, endpoint, key)
    status = doc["status"]
    if status != "Live":
        later = status in _ON_THE_WAY
        raise ApiError(
            503 if later else 409,
            f"endpoint {doc['name']} is {status}, not Live"
            + ("; try again soon" if later else "; update it to deploy it again"),
        )
    target = doc["targets"][0]
    return Model(
        name=target["model_checkpoint_name"],
        names=frozenset({target["model_checkpoint_name"], target["model"], doc["model_id"]}),
        embedding=doc["model_type"] == "embedding",
        max_seq_length=int(target["params"].get("max_seq_length") or DEFAULT_MAX_SEQ_LENGTH),
        seed=state.config.seed or 0,
    )
