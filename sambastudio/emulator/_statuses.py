"""The error statuses each route documents in the OpenAPI document: the ones it answers.

FastAPI documents a 422 for every route with parameters; this server answers a malformed
request 400 in the route's error format (``_errors``). Every status here is derived from a
fact the server itself enforces, so the document cannot promise what the server does not do:

* 400: the route validates a JSON body, a query parameter that is required or typed, or a
  path parameter out of a fixed set;
* 401: the route takes a key (``_routes.Route.auth``);
* 403: a platform route (the role table and the tenant cookie, ``_auth``, ``_permissions``);
* 404: the route names resources in its path;
* 409: the route refuses a clash with the state (:data:`CONFLICTS`, each one exercised);
* 413: the route takes a body that ``_limits.BodyLimit`` bounds.

Routes behind grpc-gateway answer a clash 400 (code 3), as SambaStudio did.

``tests/emulator/test_openapi.py`` makes every route answer every status it documents.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from sambastudio._routes import ROUTES, Route
from sambastudio.emulator._errors import GRPC_CONTENT_TYPE, GRPC_ROUTES
from sambastudio.emulator._limits import exempt

SCHEMAS: dict[str, dict[str, Any]] = {
    "DetailError": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "GrpcError": {
        "type": "object",
        "description": f"grpc-gateway's error, served as {GRPC_CONTENT_TYPE}",
        "properties": {
            "code": {"type": "integer", "description": "3 bad input, 5 not found, 9 not ready"},
            "message": {"type": "string"},
            "details": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["code", "message", "details"],
    },
    "OpenAIError": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                    "param": {"type": ["string", "null"]},
                    "code": {"type": ["string", "null"]},
                },
            }
        },
        "required": ["error"],
    },
}
CONFLICTS: dict[str, str] = {
    "create_project": "A project of that name exists",
    "delete_project": "The project still has jobs or endpoints",
    "create_tenant": "A tenant of that name exists",
    "update_tenant": "rdu_node_count is below the RDUs the tenant holds",
    "delete_tenant": "The tenant still has projects",
    "add_endpoint_api_key": "The endpoint has this key already",
    "import_model": "A model of that name exists",
}
"""The routes that answer 409, and why."""
_WHY = {
    400: "A malformed request: bad JSON, or a missing or invalid field",
    401: "No key, or a key this server does not know (revoked, wrong)",
    403: "The caller's role does not allow it, or the tenant is closed to the caller",
    404: "No such resource (by name or id) that the caller can see",
    413: "The request body is over this server's max_body_bytes",
}


def _schema(route: Route) -> str:
    if route.name in GRPC_ROUTES:
        return "GrpcError"
    return "OpenAIError" if route.name.startswith("openai_") else "DetailError"


def validates(operation: dict[str, Any]) -> bool:
    """Whether a request can fail FastAPI's validation (which this server answers 400)."""
    if "requestBody" in operation:
        return True
    return any(_checked(param) for param in operation.get("parameters", []))


def _checked(param: dict[str, Any]) -> bool:
    """A query parameter that must be there or must parse; a path one out of a fixed set."""
    schema = param.get("schema", {})
    if param["in"] == "path":
        return "enum" in schema
    types = {schema.get("type")} | {option.get("type") for option in schema.get("anyOf", [])}
    return param["in"] == "query" and bool(
        param.get("required") or types - {None, "string", "null"}
    )


def statuses(route: Route, operation: dict[str, Any]) -> list[int]:
    """The error statuses ``route`` answers, given its FastAPI-made ``operation``."""
    found = [400] if validates(operation) else []
    found += [401] if route.auth != "none" else []
    found += [403] if route.auth == "platform" else []
    found += [404] if "{" in route.path else []
    found += [409] if route.name in CONFLICTS else []
    takes_body = "requestBody" in operation or any(
        a.where in ("raw", "multipart") for a in route.args
    )
    found += [413] if takes_body and not exempt(route.path) else []
    return found


def _before_the_route(route: Route, status: int) -> bool:
    """Answered ``{"detail"}`` by a layer before the route: the body limit, and the
    platform key and tenant checks (``_auth``), whatever the route's own error format."""
    return status == 413 or (status in (401, 403) and route.auth == "platform")


def _responses(route: Route, operation: dict[str, Any]) -> dict[str, Any]:
    answers = {code: value for code, value in operation["responses"].items() if code != "422"}
    for status in statuses(route, operation):
        schema = "DetailError" if _before_the_route(route, status) else _schema(route)
        answers[str(status)] = {
            "description": CONFLICTS[route.name] if status == 409 else _WHY[status],
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
    return answers


def document(app: FastAPI) -> dict[str, Any]:
    """``app``'s OpenAPI document with the statuses each route really answers."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = FastAPI.openapi(app)
    for route in app.routes:
        if isinstance(route, APIRoute) and route.name in ROUTES:
            for method in route.methods or ():
                operation = doc["paths"][route.path_format][method.lower()]
                operation["responses"] = _responses(ROUTES[route.name], operation)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(SCHEMAS)
    app.openapi_schema = doc
    return doc
