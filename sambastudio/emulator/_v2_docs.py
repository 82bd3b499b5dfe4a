"""The v2 emulator's API description, in the form grpc-gateway services publish.

protoc-gen-openapiv2 writes Swagger 2.0 with ``Service_Method`` operation ids and the
proto's field names as placeholders (``{project_id}``). Some ids here are the SDK's own
operation names (``ProjectService_ListProjects`` ~ ``list_projects``), others are what a
proto service would call them (``ProjectService_GetProject`` for ``project_info``), so a
client has to match by id *and* by method and path shape, as on a real host.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sambastudio._routes import ROUTES, Route
from sambastudio.emulator._v2 import LAYOUT

_FIELD_NAMES: Final = {
    "project": "project_id",
    "job": "job_id",
    "endpoint": "endpoint_id",
    "model": "model_id",
    "dataset": "dataset_id",
    "app": "app_id",
    "tenant": "tenant_id",
}
"""How the proto names the path fields the table calls by their resource."""

_PROTO_NAMES: Final = {
    "project_info": "GetProject",
    "job_info": "GetJob",
    "endpoint_info": "GetEndpoint",
    "endpoint_info_by_id": "GetEndpointById",
    "model_info": "GetModel",
    "dataset_info": "GetDataset",
    "app_info": "GetApp",
    "tenant_info": "GetTenant",
    "checkpoint_info": "GetCheckpoint",
    "tenant_default_tenant": "DefaultTenant",
    "get_feature_list": "ListFeatures",
}
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _pascal(name: str) -> str:
    return "".join(word.capitalize() for word in name.split("_"))


def _service(path: str) -> str:
    noun = path.removeprefix("/api/v2/").split("/")[0].split(":")[0]
    return _pascal(noun.removesuffix("s")) + "Service"


def _parameters(route: Route) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    body: dict[str, Any] = {}
    for arg in route.args:
        if arg.where == "path":
            name = _FIELD_NAMES.get(arg.wire_name, arg.wire_name)
            params.append({"name": name, "in": "path", "required": True, "type": "string"})
        elif arg.where == "query":
            params.append(
                {"name": arg.wire_name, "in": "query", "required": arg.required, "type": "string"}
            )
        elif arg.where == "body":
            body[arg.wire_name] = {}
    if body:
        schema = {"type": "object", "properties": body}
        params.append({"name": "body", "in": "body", "required": True, "schema": schema})
    return params


def swagger_document() -> dict[str, Any]:
    """The Swagger 2.0 description of every management operation the gateway serves."""
    paths: dict[str, dict[str, Any]] = {}
    for name, path in LAYOUT.items():
        route = ROUTES[name]
        public = _PLACEHOLDER.sub(lambda m: "{" + _FIELD_NAMES.get(m[1], m[1]) + "}", path)
        paths.setdefault(public, {})[route.method.lower()] = {
            "operationId": f"{_service(path)}_{_PROTO_NAMES.get(name, _pascal(name))}",
            "summary": route.summary,
            "parameters": _parameters(route),
            "responses": {"200": {"description": "A successful response."}},
            "tags": [_service(path)],
        }
    return {
        "swagger": "2.0",
        "info": {"title": "daas/v2 management API (sambastudio emulator)", "version": "v2"},
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": paths,
    }


def swagger_page(document_url: str) -> str:
    """A Swagger UI page that points at ``document_url``, as real ones do."""
    return (
        "<!DOCTYPE html><html><head><title>API docs</title></head><body>"
        '<div id="swagger-ui"></div><script>'
        "window.onload = function () { window.ui = SwaggerUIBundle({"
        f'url: "{document_url}", dom_id: "#swagger-ui"'
        "}); };</script></body></html>"
    )
