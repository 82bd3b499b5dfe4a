"""The request bodies of the OpenAI-compatible routes, as tolerant as a real server.

Clients send OpenAI's whole parameter set and SambaNova's own (api-evidence.md §7.1:
langchain always sends ``stop``, often ``null``). So a field the emulator does not know is
ignored, while a field it knows must have the right type (``strict``: ``"5"`` is not a
number), which a 400 in OpenAI's error format reports. Parameters that cannot change an
emulated answer (penalties, ``logit_bias``, ``temperature``...) are still type-checked.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Lenient(BaseModel):
    """Unknown fields ignored; known ones strictly typed."""

    model_config = ConfigDict(extra="ignore", strict=True)


class ContentPart(Lenient):
    """A part of a message's content; only text parts add to the prompt."""

    type: str
    text: str | None = None


class Message(Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    tool_call_id: str | None = None
    tool_calls: list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class StreamOptions(Lenient):
    include_usage: bool | None = False


class ResponseFormat(Lenient):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: dict[str, Any] | None = None


class Function(Lenient):
    name: str
    description: str | None = None
    parameters: dict[str, Any] | None = None


class Tool(Lenient):
    type: Literal["function"]
    function: Function


class NamedToolChoice(Lenient):
    type: Literal["function"]
    function: dict[str, str]


Penalty = Field(None, ge=-2, le=2)


class Sampling(Lenient):
    """What chat and text completions share."""

    model: str
    max_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    top_k: int | None = Field(None, ge=1)
    n: int | None = Field(1, ge=1, le=16)
    stop: str | list[str] | None = None
    seed: int | None = None
    presence_penalty: float | None = Penalty
    frequency_penalty: float | None = Penalty
    repetition_penalty: float | None = Field(None, gt=0)
    logit_bias: dict[str, float] | None = None
    do_sample: bool | None = None
    select_expert: str | None = None
    user: str | None = None
    stream: bool | None = False
    stream_options: StreamOptions | None = None

    @property
    def stops(self) -> tuple[str, ...]:
        return (self.stop,) if isinstance(self.stop, str) else tuple(self.stop or ())

    @property
    def include_usage(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)


class ChatRequest(Sampling):
    messages: list[Message] = Field(min_length=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    response_format: ResponseFormat | None = None
    tools: list[Tool] | None = None
    tool_choice: Literal["none", "auto", "required"] | NamedToolChoice | None = None
    parallel_tool_calls: bool | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = Field(None, ge=0, le=20)
    process_prompt: bool | None = None

    @property
    def limit(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens

    def forced_tool(self) -> Function | None:
        """The tool the answer must call: ``required`` (the first tool) or a named one."""
        if not self.tools or self.tool_choice in (None, "none", "auto"):
            return None
        if isinstance(self.tool_choice, NamedToolChoice):
            name = self.tool_choice.function.get("name")
            return next((tool.function for tool in self.tools if tool.function.name == name), None)
        return self.tools[0].function


class TextRequest(Sampling):
    prompt: str | list[str]
    echo: bool | None = None
    best_of: int | None = Field(None, ge=1)
    logprobs: int | None = Field(None, ge=0, le=5)
    suffix: str | None = None


class EmbeddingRequest(Lenient):
    """``model`` is optional: langchain's SambaStudioEmbeddings leaves it out when unset."""

    input: str | list[str]
    model: str | None = None
    encoding_format: Literal["float", "base64"] | None = None
    dimensions: int | None = Field(None, ge=1)
    user: str | None = None

    @property
    def texts(self) -> list[str]:
        return [self.input] if isinstance(self.input, str) else self.input
