"""Stream framings: server-sent events and JSON lines, as SambaStudio's predict APIs send.

A stream is a generator of frames that ``StreamingResponse`` sends as each is yielded, so a
client reads the first token before the last one is made. An error the model meets after
the stream has begun cannot change the 200 status any more: it travels as a last frame.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from fastapi.responses import StreamingResponse

from sambastudio.emulator._errors import ApiError

T = TypeVar("T")

SSE = "text/event-stream"
JSON_LINES = "application/x-ndjson"


def sse(data: Any, event: str | None = None) -> bytes:
    """One server-sent event; ``data`` is sent as is when a string, else as JSON."""
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


def json_line(data: Any) -> bytes:
    return (json.dumps(data) + "\n").encode()


def error_body(error: ApiError) -> dict[str, Any]:
    """An error inside a stream: ``{"error": {"code", "message", "details"}}``, the shape
    stream clients look for (S11)."""
    _, body = ApiError(error.status, error.message, style="grpc").body(None)
    return {"error": body}


def frames(
    items: Iterable[T], frame: Callable[[T], bytes], failed: Callable[[dict[str, Any]], bytes]
) -> Iterator[bytes]:
    """``frame`` of each item, until an :class:`ApiError` ends the stream with ``failed``."""
    try:
        for item in items:
            yield frame(item)
    except ApiError as error:
        yield failed(error_body(error))


def respond(body: Iterator[bytes], media_type: str) -> StreamingResponse:
    return StreamingResponse(body, media_type=media_type, headers={"cache-control": "no-cache"})
