"""How a router serves one operation of the wire contract.

``@operation(router, "create_project")`` registers the handler under the route's name, at
the method and path that ``sambastudio._routes.ROUTES`` holds, so a path corrected in the
contract moves the emulator with it. A handler of a platform route must take the caller
(``caller: CallerDep``, spelled ``AdminDep`` on an admin route) and its operation must have
a row in the permission table (``_permissions.PERMISSIONS``): registration refuses it
otherwise, so no route can skip authentication or authorization.

Plain ``def`` handlers run on the event loop (``inline=True``, the default): the store is
in-process and answers in microseconds, and skipping the thread pool's two hand-offs per
request keeps the emulator fast under many concurrent clients. A handler that does slow
I/O (writing uploaded parts, say) passes ``inline=False`` to run in the thread pool.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.params import Depends as DependsParam
from pydantic import BaseModel, ConfigDict

from sambastudio._routes import ROUTES
from sambastudio.emulator._auth import authenticate
from sambastudio.emulator._permissions import PERMISSIONS
from sambastudio.emulator._state import EmulatorState

F = TypeVar("F", bound=Callable[..., Any])


def _on_the_loop(handler: F) -> F:
    """The handler as a coroutine function, so FastAPI calls it on the event loop."""
    if inspect.iscoroutinefunction(handler):
        return handler

    @functools.wraps(handler)
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return handler(*args, **kwargs)

    return inline  # type: ignore[return-value]


def _dependencies(handler: Callable[..., Any]) -> set[Any]:
    hints = typing.get_type_hints(handler, include_extras=True)
    return {
        meta.dependency
        for hint in hints.values()
        for meta in getattr(hint, "__metadata__", ())
        if isinstance(meta, DependsParam)
    }


def _check_guard(handler: Callable[..., Any], name: str) -> None:
    """Refuse a platform handler that does not take the caller, or whose operation has no
    permission rule."""
    if ROUTES[name].auth != "platform":
        return
    if authenticate not in _dependencies(handler):
        raise TypeError(f"the handler of {name} must take `caller: CallerDep`")
    if name not in PERMISSIONS:
        raise TypeError(f"{name} has no row in the permission table (_permissions.py)")


def operation(
    router: APIRouter, name: str, *, inline: bool = True, **options: Any
) -> Callable[[F], F]:
    """Register the decorated handler as the operation ``name`` of the wire contract.

    ``options`` go to ``APIRouter.api_route`` (e.g. ``response_class``). The decorated
    function itself is returned unchanged.
    """
    route = ROUTES[name]
    register = router.api_route(
        route.path,
        methods=[route.method],
        name=name,
        summary=route.summary,
        description=f"Answers: {route.response}"
        + (f"\n\nLegacy flavor: {route.legacy_response}" if route.legacy_response else ""),
        **options,
    )

    def decorate(handler: F) -> F:
        _check_guard(handler, name)
        register(_on_the_loop(handler) if inline else handler)
        return handler

    return decorate


class Body(BaseModel):
    """A JSON request body: unknown fields are refused, as grpc-gateway refuses them."""

    model_config = ConfigDict(extra="forbid")


def legacy(state: EmulatorState) -> bool:
    """Whether to answer in the 2024 shapes (api-evidence.md §5)."""
    return state.flavor == "legacy"
