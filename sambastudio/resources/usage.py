"""Usage: the tokens an answer counted, and the statistics of its run.

Every wire reports them under its own names: OpenAI's ``usage`` (``prompt_tokens``, plus
SambaNova's ``time_to_first_token``, ``total_latency``, ``..._per_sec``), and the V1/V2
answers and last stream responses (``prompt_tokens_count``, ``model_execution_time``,
``throughput_after_first_token``). One type reads them all (api-evidence.md §1.8, §7.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import AliasChoices, Field

from sambastudio._base import Record


def _either(*names: str) -> Any:
    return Field(None, validation_alias=AliasChoices(*names))


class Usage(Record):
    """Token counts and timing; a field the server did not send is ``None``.

    Times are in seconds; ``start_time``/``end_time`` are Unix times.
    """

    prompt_tokens: int | None = _either("prompt_tokens", "prompt_tokens_count")
    completion_tokens: int | None = _either("completion_tokens", "completion_tokens_count")
    total_tokens: int | None = _either("total_tokens", "total_tokens_count")
    time_to_first_token: float | None = None
    total_latency: float | None = _either("total_latency", "model_execution_time")
    completion_tokens_per_sec: float | None = None
    completion_tokens_after_first_per_sec: float | None = _either(
        "completion_tokens_after_first_per_sec", "throughput_after_first_token"
    )
    total_tokens_per_sec: float | None = None
    start_time: float | None = None
    end_time: float | None = None
    acceptance_rate: float | None = None
    stop_reason: str | None = None

    @classmethod
    def of(cls, fields: Any) -> Usage | None:
        """The usage in an answer's fields, or ``None`` when they hold no counts."""
        if not isinstance(fields, Mapping):
            return None
        usage = cls.model_validate(
            {name: value for name, value in fields.items() if name not in _NOT_USAGE}
        )
        return usage if usage.total_tokens is not None else None


_NOT_USAGE = frozenset({"completion", "stream_token", "prompt", "text", "raw", "id", "value"})
"""Answer fields that are not usage (kept out of ``Usage``'s extra fields)."""
