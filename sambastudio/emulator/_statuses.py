"""The error statuses each route documents in the OpenAPI document: the ones it answers.

FastAPI documents a 422 for every route with parameters; this server answers a malformed
request 400 in the route's error format (``_errors``). Every status here is derived from a
fact the server itself enforces, so the document cannot promise what the server does not do:

* 400: the route validates a JSON body, a query parameter that is required or typed, or a
  path parameter out of a fixed set, or parses a multipart body;
* 401: the route takes a key (``_routes.Route.auth``), or checks credentials (login);
* 403: a platform route (the role table and the tenant cookie, ``_auth``, ``_permissions``);
* 404: the route names resources in its path, or in its query or body
  (:data:`NAMED_ELSEWHERE`);
* 409: the route refuses a clash with the state (:data:`CONFLICTS`: a name taken, a
  resource still in use, an upload completed), or serves an endpoint, which must be Live;
* 413: the route takes a body that ``_limits.BodyLimit`` bounds.

Routes behind grpc-gateway answer a clash 400 (code 3), as SambaStudio did.

``tests/emulator/test_documented_statuses.py`` makes every route answer every status it
documents, and checks that what probes of each status meet on every route is documented.
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
    "update_project": "Another project has the new name",
    "delete_project": "The project still has jobs or endpoints",
    "update_job": "Another job of the project has the new name",
    "add_model": "A model of that name exists",
    "import_model": "A model of that name exists",
    "delete_model": "Endpoints deploy the model",
    "create_tenant": "A tenant of that name exists",
    "update_tenant": "rdu_node_count is below the RDUs the tenant holds",
    "delete_tenant": "The tenant still has projects",
    "add_endpoint_api_key": "The endpoint has this key already",
    "create_folder_upload": "The dataset id is registered already; generate a new one",
    "create_multipart_file_upload": "The folder upload is completed",
    "upload_part_file": "The file upload is completed; its parts can no longer change",
    "complete_multipart_file_upload": "A file or folder of the dataset is in the file's way, "
    "or a part changed meanwhile",
}
"""The routes that answer 409, and why; besides, every route an endpoint key calls answers
409 for an endpoint that is Stopped or Failed (:data:`NOT_LIVE`). A route behind
grpc-gateway answers its clash 400 instead (``create_job``, ``create_endpoint``,
``add_dataset``, ``add_composite_model``, the predict routes)."""
NOT_LIVE = "The endpoint is Stopped or Failed: update it to deploy it again"
NAMED_ELSEWHERE: dict[str, str] = {
    "search_project": "No project of that name",
    "search_dataset": "No dataset of that name",
    "search_model": "No model of that name",
    "add_model": "No such job or checkpoint",
    "add_composite_model": "No such model among the dependencies",
    "import_model": "No such base model",
    "validate_model_bundle": "No such model",
    "validate_spec_decoding": "No such model",
    "create_folder_upload": "No such reserved dataset id",
    "create_multipart_file_upload": "No such folder upload",
    "complete_multipart_file_upload": "No such folder or file upload",
    "complete_folder_upload": "No such folder upload",
    "get_file_upload_status": "No such dataset id or file upload",
}
"""Routes that answer 404 for a resource named in their query or body, not their path."""
CREDENTIALS: dict[str, str] = {"login": "Wrong username or password"}
"""Routes without a key that answer 401 for the credentials they are sent."""
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


def conflicts(route: Route) -> str | None:
    """Why ``route`` answers 409, if it does."""
    if route.name in GRPC_ROUTES:
        return None  # its clash answers 400, grpc code 3
    if route.auth in ("endpoint", "bearer"):
        return NOT_LIVE
    return CONFLICTS.get(route.name)


def statuses(route: Route, operation: dict[str, Any]) -> dict[int, str]:
    """The error statuses ``route`` answers, and why, given its FastAPI-made ``operation``."""
    found: dict[int, str] = {}
    if validates(operation) or any(arg.where == "multipart" for arg in route.args):
        found[400] = _WHY[400]  # a multipart body is parsed by the route itself
    if route.auth != "none" or route.name in CREDENTIALS:
        found[401] = CREDENTIALS.get(route.name, _WHY[401])
    if route.auth == "platform":
        found[403] = _WHY[403]
    if "{" in route.path or route.name in NAMED_ELSEWHERE:
        found[404] = NAMED_ELSEWHERE.get(route.name, _WHY[404])
    why = conflicts(route)
    if why is not None:
        found[409] = why
    takes_body = "requestBody" in operation or any(
        a.where in ("raw", "multipart") for a in route.args
    )
    if takes_body and not exempt(route.path):
        found[413] = _WHY[413]
    return found


def _before_the_route(route: Route, status: int) -> bool:
    """Answered ``{"detail"}`` by a layer before the route: the body limit, and the
    platform key and tenant checks (``_auth``), whatever the route's own error format."""
    return status == 413 or (status in (401, 403) and route.auth == "platform")


def _responses(route: Route, operation: dict[str, Any]) -> dict[str, Any]:
    answers = {code: value for code, value in operation["responses"].items() if code != "422"}
    for status, why in statuses(route, operation).items():
        schema = "DetailError" if _before_the_route(route, status) else _schema(route)
        answers[str(status)] = {
            "description": why,
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
