"""The emulator's FastAPI application: routers, error rendering, faults, docs."""

from __future__ import annotations

import functools

from fastapi import FastAPI
from starlette.routing import BaseRoute

from sambastudio._version import __version__
from sambastudio.emulator import _errors, _statuses
from sambastudio.emulator._faults import FaultInjection
from sambastudio.emulator._limits import BodyLimit
from sambastudio.emulator._state import EmulatorState
from sambastudio.emulator._v2 import V2Gateway
from sambastudio.emulator.routers import ROUTERS


def _param_count(route: BaseRoute) -> int:
    return str(getattr(route, "path", "")).count("{")


def create_app(state: EmulatorState) -> FastAPI:
    """A SambaStudio-compatible application serving ``state``.

    Routes with fewer path parameters are tried first, so ``/api/projects/search`` wins
    over ``/api/projects/{project}`` whatever order the routers declare them in.
    """
    docs = state.config.api_docs and state.config.api == "v1"
    app = FastAPI(
        title="SambaStudio emulator",
        version=__version__,
        description="A local SambaStudio-compatible server (sambastudio.emulator).",
        docs_url="/api/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.emulator = state
    for router in ROUTERS:  # flattened, not included: one ordering over every route
        app.router.routes.extend(router.routes)
    app.router.routes.sort(key=_param_count)
    _errors.install(app)
    app.openapi = functools.partial(_statuses.document, app)  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, limit=state.config.max_body_bytes)
    # outermost: it drops connections through uvicorn's own receive
    app.add_middleware(FaultInjection, config=state.config, router=app.router)
    if state.config.api == "v2":  # outermost: paths are rewritten before anything else
        app.add_middleware(V2Gateway, api_docs=state.config.api_docs)
    return app
