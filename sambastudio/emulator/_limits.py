"""The request body limit: a body over ``Config.max_body_bytes`` answers 413, unread.

A declared ``Content-Length`` over the limit is refused before the handler runs; a body
without one (chunked) is counted as it arrives and refused once it passes the limit.
Dataset parts (``upload_part_file``) are exempt: their upload bounds them by its declared
chunk size.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sambastudio._routes import ROUTES

_EXEMPT_PREFIX = ROUTES["upload_part_file"].path.split("{", 1)[0]


def exempt(path: str) -> bool:
    """Whether a request to ``path`` may carry a body over the limit (a dataset part)."""
    return path.startswith(_EXEMPT_PREFIX)


def _too_large(limit: int, size: int | None) -> str:
    what = f"a request body of {size} bytes" if size is not None else "the request body"
    return f"{what} is over this server's limit of {limit} bytes (max_body_bytes)"


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _refuse(send, _too_large(self.limit, int(declared)))
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, _too_large(self.limit, None))
            return message

        await self.app(scope, counted, send)


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
