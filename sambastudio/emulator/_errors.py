"""Error answers in the two formats SambaStudio uses, and the handlers that render them.

V1 REST routes answer FastAPI-style ``{"detail": "..."}``; the routes behind grpc-gateway
(api-evidence.md §1.3) answer ``{"code", "message", "details"}``; the OpenAI-compatible
routes answer OpenAI's ``{"error": {"message", "type", "param", "code"}}``. A handler raises
:class:`ApiError` with a status and a message and, unless it forces a format, the route
decides how the body looks. Nothing a client sees ever holds a traceback.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from sambastudio.emulator._store import Conflict, Missing

Style = Literal["detail", "grpc", "openai"]

PREDICT_ROUTES = frozenset(
    {
        "nlp_predict",
        "nlp_predict_stream",
        "generic_predict",
        "generic_predict_stream",
        "v2_predict",
        "v2_predict_stream",
        "nlp_predict_file",
    }
)
GRPC_ROUTES = frozenset(
    {
        "create_job",
        "create_endpoint",
        "add_dataset",
        "import_status",
        "model_info",
        "add_composite_model",
        "validate_spec_decoding",
        "validate_model_bundle",
        *PREDICT_ROUTES,
    }
)
"""Routes whose errors come grpc-gateway style (evidence: create_job, create_endpoint,
add_dataset, import_status and the V1 predict routes, api-evidence §1.3 and §7; callers read
``message``/``details`` on model_info and add_composite_model)."""

GRPC_CONTENT_TYPE = "application/json,application/grpc"
"""The content type grpc-gateway's error answers carried (api-evidence §7, N3/N4)."""

_GRPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 422: 3, 429: 8, 500: 13, 503: 14}
"""grpc codes by HTTP status; seen: 3→400, 5→404, 9→400 (given explicitly), 13→500."""
_OPENAI_TYPES = {
    401: ("authentication_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "not_found"),
    429: ("rate_limit_error", None),
}
"""OpenAI's error ``type`` and ``code`` by status (assumed for SambaStudio: its OpenAI
error bodies were never seen); other 4xx are ``invalid_request_error``, 5xx ``server_error``."""
_PARENT_KINDS = {"job": "project", "endpoint": "project", "checkpoint": "job"}


class ApiError(Exception):
    """An error answer: a status, a message, and optionally a forced format.

    ``code`` and ``details`` are the grpc fields; they are derived when not given.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        style: Style | None = None,
        code: int | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.style = status, message, style
        self.code, self.details, self.headers = code, details, headers
        self.param = param
        self.correlation_id = ""

    def body(self, route_name: str | None) -> tuple[int, dict[str, Any]]:
        """The status and JSON body this error answers on the given route."""
        style = self.style or _route_style(route_name)
        if style == "detail":
            return self.status, {"detail": self.message}
        if style == "openai":
            return self.status, {"error": self._openai_error()}
        status = self.status
        if status == 409:  # grpc-gateway answered duplicates with code 3 and 400 (S3)
            status = 400
        code = self.code if self.code is not None else _GRPC_CODES.get(status, 2)
        details = self.details
        if details is None and code == 13:  # internal errors carry an SSError (S3, N7)
            details = [ss_error(self.message + (f"; {self.support}" if self.support else ""))]
        return status, {"code": code, "message": self.message, "details": details or []}

    @property
    def support(self) -> str:
        """The sentence SambaStudio's internal errors end with, naming the request."""
        if not self.correlation_id:
            return ""
        return f"Refer correlation ID {self.correlation_id} for support"

    def _openai_error(self) -> dict[str, Any]:
        default = ("server_error", None) if self.status >= 500 else ("invalid_request_error", None)
        kind, code = _OPENAI_TYPES.get(self.status, default)
        return {"message": self.message, "type": kind, "param": self.param, "code": code}


def _route_style(route_name: str | None) -> Style:
    if route_name in GRPC_ROUTES:
        return "grpc"
    return "openai" if route_name and route_name.startswith("openai_") else "detail"


def detail(status: int, message: str) -> ApiError:
    """An error that answers ``{"detail": message}`` on any route."""
    return ApiError(status, message, style="detail")


def grpc(
    status: int, code: int, message: str, details: list[dict[str, Any]] | None = None
) -> ApiError:
    """An error that answers ``{"code", "message", "details"}`` on any route."""
    return ApiError(status, message, style="grpc", code=code, details=details)


def ss_error(message: str, reason: str = "") -> dict[str, Any]:
    """One grpc ``details`` entry in SambaStudio's ``daas.v2.SSError`` form."""
    return {
        "@type": "type.googleapis.com/daas.v2.SSError",
        "reason": reason,
        "message": message,
        "helpLink": "",
    }


def not_found(what: str, ref: str) -> ApiError:
    """404 for ``what`` (``"project"``, ``"job"``, ...) named or numbered ``ref``."""
    return ApiError(404, f"{what} {ref} not found")


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def _route_name(request: Request) -> str | None:
    route = request.scope.get("route")
    return getattr(route, "name", None)


def _render(request: Request, error: ApiError) -> JSONResponse:
    error.correlation_id = getattr(request.state, "correlation_id", "")
    name = _route_name(request)
    status, body = error.body(name)
    grpc_style = (error.style or _route_style(name)) == "grpc"
    media_type = GRPC_CONTENT_TYPE if grpc_style else None
    return JSONResponse(body, status_code=status, headers=error.headers, media_type=media_type)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _render(request, exc)


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Conflict)
    message = f"{exc.kind.capitalize()} with {exc.name} name already exists"
    if exc.parent_id and exc.kind in _PARENT_KINDS:
        message += f" in {_PARENT_KINDS[exc.kind]} {exc.parent_id}"
    return _render(request, ApiError(409, message))


async def _missing(request: Request, exc: Exception) -> JSONResponse:
    """A document deleted by another request between a handler's read and its write."""
    assert isinstance(exc, Missing)
    return _render(request, not_found(exc.kind, exc.id))


def _problem(error: dict[str, Any]) -> str:
    """One validation error as ``where: what``, e.g. ``instances: Input should be ...``."""
    kind, loc = error.get("type"), tuple(error.get("loc", ()))
    if kind == "json_invalid":
        return f"the body is not valid JSON: {error.get('ctx', {}).get('error', 'syntax error')}"
    where = ".".join(str(part) for part in loc[1:]) or ".".join(str(part) for part in loc[:1])
    message = "field required" if kind == "missing" else str(error.get("msg", "invalid"))
    return f"{where}: {message}" if where else message


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    """A malformed request: 400 (as V1 REST answered ``field required``), one clear line."""
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(error) for error in exc.errors()]
    first = exc.errors()[0].get("loc", ()) if exc.errors() else ()
    param = ".".join(str(part) for part in first[1:]) or None
    return _render(request, ApiError(400, "; ".join(problems) or "invalid request", param=param))


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return _render(request, detail(exc.status_code, str(exc.detail)))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A bug in the emulator: a short 500 (the server logs the traceback, the body never)."""
    return _render(request, ApiError(500, "internal error in the emulator"))


def install(app: FastAPI) -> None:
    """Render every error of ``app`` in the route's format, without a traceback."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(Missing, _missing)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
