"""A loopback server that repeats, in free text, every value it was sent: the worst server.

A secret inside a JSON field is caught by its field's name anyway; this server repeats the
bare values in a sentence (as a ``detail``, as a grpc-gateway ``message`` and ``details``,
or as plain text), so only masking by value can hide them. Each test draws fresh secrets,
so a value remembered by an earlier test cannot hide a leak.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

STYLES = ("detail", "grpc", "text")
"""How the server words its echo: FastAPI-like, grpc-gateway (api-evidence §1.3), not JSON."""


def fresh_secret(prefix: str) -> str:
    """A secret no earlier test has sent (the process remembers the secrets it has seen)."""
    return f"{prefix}-{secrets.token_hex(12)}"


def sent_values(request: Request) -> list[str]:
    """Every string the request carried in its JSON body (at any depth) and its key headers."""
    headers = [
        request.headers[name] for name in ("key", "authorization") if name in request.headers
    ]
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return headers

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    return [*headers, *walk(body)]


def echo(style: str, status: int = 400) -> Callable[[Request], Response]:
    """A handler that answers ``status`` with a sentence quoting every value it was sent."""

    def answer(request: Request) -> Response:
        text = f"could not use {' and '.join(sent_values(request))} here"
        if style == "text":
            return Response(text, status=status, content_type="text/plain")
        if style == "grpc":
            body: dict[str, Any] = {"code": 3, "message": text, "details": [{"message": text}]}
        else:
            body = {"detail": text}
        return Response(json.dumps(body), status=status, content_type="application/json")

    return answer


def echo_everything(httpserver: HTTPServer, style: str, status: int = 400) -> None:
    """Every request to the server is answered by :func:`echo`."""
    httpserver.expect_request(re.compile("^/.*$")).respond_with_handler(echo(style, status))
