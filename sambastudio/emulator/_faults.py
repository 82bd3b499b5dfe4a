"""Latency and fault injection, so that clients' retry and resume logic meets real failures.

With ``fault_rate`` F, a share F of the requests to the chosen routes (all routes of the
contract by default) fail before their handler runs, so no state changes: 500, 502, 503,
429 with ``Retry-After``, or a dropped connection, in equal shares. A request is the
operation whose route serves it; every operation has a method and path of its own, so a
fault aimed at one meets no other's requests. The draws come from one
random generator seeded by ``seed``: the same requests in the same order meet the same
faults. ``latency_ms`` delays every contract route. Every response carries an
``x-correlation-id`` header, as SambaStudio's do.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import uuid
from typing import Any

from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sambastudio._routes import ROUTES
from sambastudio.emulator._state import Config

FAULTS: tuple[int | str, ...] = (500, 502, 503, 429, "drop")
_REASONS = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_REMEMBERED = 4096


class FaultInjection:
    """ASGI middleware: delay, fail or drop requests as the config says."""

    def __init__(self, app: ASGIApp, *, config: Config, router: Router) -> None:
        self.app, self.config, self.router = app, config, router
        self.active = bool(config.fault_rate or config.latency_ms)
        self._rng = random.Random(config.seed)  # noqa: S311
        self._lock = threading.Lock()
        self._names: dict[tuple[str, str], str | None] = {}

    def route_name(self, scope: Scope) -> str | None:
        """The contract route this request is for, if any (remembered per method and path)."""
        key = (scope["method"], scope["path"])
        if key not in self._names:
            if len(self._names) >= _REMEMBERED:
                self._names.clear()
            self._names[key] = self._match(scope)
        return self._names[key]

    def _match(self, scope: Scope) -> str | None:
        for route in self.router.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                name = getattr(route, "name", None)
                return name if name in ROUTES else None
        return None

    def draw(self, name: str) -> int | str | None:
        """The fault this request meets, if any."""
        config = self.config
        if not config.fault_rate or (config.fault_routes and name not in config.fault_routes):
            return None
        with self._lock:
            if self._rng.random() >= config.fault_rate:
                return None
            return self._rng.choice(FAULTS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation = str(uuid.uuid4()).encode()
        scope.setdefault("state", {})["correlation_id"] = correlation.decode()  # error bodies
        scope.setdefault("state", {})["correlation_id"] = correlation.decode()  # error bodies

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-correlation-id", correlation),
                ]
            await send(message)

        name = self.route_name(scope) if self.active else None
        if name is not None:
            if self.config.latency_ms:
                await asyncio.sleep(self.config.latency_ms / 1000)
            fault = self.draw(name)
            if fault == "drop":
                if _drop(receive):
                    await asyncio.sleep(0)  # let the server see the connection is gone
                    return
                fault = 503  # a server that cannot drop a connection fails it instead
            if isinstance(fault, int):
                await _fail(fault, tagged)
                return
        await self.app(scope, receive, tagged)


def _drop(receive: Receive) -> bool:
    """Abort the connection under the request (uvicorn's receive knows its transport)."""
    transport: Any = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None:
        return False
    transport.abort()
    return True


async def _fail(status: int, send: Send) -> None:
    body = json.dumps({"detail": f"injected fault: {status} {_REASONS[status]}"}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 429:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
