"""The emulator with a grpc-gateway face: an API whose management paths are not the table's.

Modern SnSdk talks to a grpc-gateway service under ``/api/v2/...`` with plural nouns and
custom methods (``GET /api/v2/tenants:defaultTenant``, api-evidence.md §7). ``--api v2``
serves the management routes that way, so the SDK's route overrides and ``sambastudio
doctor`` are proven against a server that disagrees with the route table:

* :data:`LAYOUT` says where each management operation lives; :class:`V2Gateway` (an ASGI
  middleware) rewrites a request for that path to the table path the handlers serve, and
  answers any other management path 404 ``{"code": 5, "message": "Not Found"}``, as a
  gateway does for a path it does not know;
* every error answers grpc-gateway style, ``{"code", "message", "details": []}`` with
  content type ``application/json,application/grpc``;
* a Swagger 2 document (what protoc-gen-openapiv2 writes), with ``Service_Method``
  operation ids and the gateway's own placeholder names, is linked from a Swagger UI page
  at ``/api/v2/docs``; ``api_docs=False`` hides both, so paths must be found by probing.

Uploads (``/api/v1beta/upload``), predictions and the OpenAI-compatible routes are separate
services with confirmed paths: they pass through unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, urlencode

import attrs
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sambastudio._routes import ROUTES, Route

DOCS_PAGE: Final = "/api/v2/docs"
DOCS_JSON: Final = "/api/v2/docs/swagger.json"
GRPC_CONTENT_TYPE: Final = "application/json,application/grpc"
PASS_THROUGH: Final = ("/api/v1beta/", "/api/predict/", "/api/v2/predict/", "/v1/", "/openai/")

_P, _J, _E = "/api/v2/projects/{project}", "/api/v2/projects/{project}/jobs/{job}", "/endpoints"
LAYOUT: Final[Mapping[str, str]] = {
    "list_projects": "/api/v2/projects",
    "create_project": "/api/v2/projects",
    "search_project": "/api/v2/projects:search",
    "project_info": _P,
    "update_project": _P,
    "delete_project": _P,
    "list_jobs": "/api/v2/jobs",
    "create_job": _P + "/jobs",
    "search_job": _P + "/jobs:search",
    "job_info": _J,
    "update_job": _J,
    "delete_job": _J,
    "stop_job": _J + ":stop",
    "resume_job": _P + "/jobs/{job_name}:resume",
    "get_metrics": _J + "/metrics",
    "job_log_list": _J + "/logs",
    "job_log_preview": _J + "/logs:preview",
    "download_job_artifacts": _J + "/artifacts/{artifact_type}:download",
    "download_logs": _J + "/logs:download",
    "download_results": _J + "/results:download",
    "list_exports": _J + "/exports",
    "upload_results_to_aws": _J + "/exports:aws",
    "admin_job_list": "/api/v2/admin/jobs",
    "admin_resource_usage": "/api/v2/admin:resourceUsage",
    "list_checkpoints": _J + "/checkpoints",
    "checkpoint_info": "/api/v2/checkpoints/{checkpoint_name}",
    "delete_checkpoint": "/api/v2/checkpoints/{checkpoint}",
    "add_model": "/api/v2/models",
    "list_models": "/api/v2/models",
    "search_model": "/api/v2/models:search",
    "model_info": "/api/v2/models/{model}",
    "delete_model": "/api/v2/models/{model}",
    "import_model": "/api/v2/models:import",
    "import_status": "/api/v2/models/{model_id}:importStatus",
    "export_model": "/api/v2/models/{model_id}:export",
    "exported_model_list": "/api/v2/exports/models",
    "delete_exported_model": "/api/v2/exports/models/{model_id}",
    "add_composite_model": "/api/v2/models:composite",
    "validate_spec_decoding": "/api/v2/models:validateSpecDecoding",
    "list_apps": "/api/v2/apps",
    "app_info": "/api/v2/apps/{app}",
    "list_endpoints": "/api/v2" + _E,
    "create_endpoint": _P + _E,
    "endpoint_info": _P + _E + "/{endpoint}",
    "endpoint_info_by_id": "/api/v2" + _E + "/{endpoint}",
    "update_endpoint": _P + _E + "/{endpoint}",
    "stop_endpoint": _P + _E + "/{endpoint}:stop",
    "delete_endpoint": _P + _E + "/{endpoint}",
    "add_endpoint_api_key": "/api/v2/projects/{project_id}/endpoints/{endpoint_id}/apiKeys",
    "edit_endpoint_api_key": "/api/v2/projects/{project_id}/apiKeys",
    "list_datasets": "/api/v2/datasets",
    "search_dataset": "/api/v2/datasets:search",
    "dataset_info": "/api/v2/datasets/{dataset}",
    "delete_dataset": "/api/v2/datasets/{dataset}",
    "add_dataset": "/api/v2/datasets",
    "list_tenants": "/api/v2/tenants",
    "create_tenant": "/api/v2/tenants",
    "tenant_info": "/api/v2/tenants/{tenant}",
    "update_tenant": "/api/v2/tenants/{tenant_name}",
    "delete_tenant": "/api/v2/tenants/{tenant_name}",
    "tenant_default_tenant": "/api/v2/tenants:defaultTenant",
    "list_users": "/api/v2/users",
    "add_users": "/api/v2/users",
    "delete_user": "/api/v2/users/{user_id}",
    "list_roles": "/api/v2/roles",
    "login": "/api/v2/auth:login",
    "list_notifications": "/api/v2/notifications",
    "get_feature_list": "/api/v2/features",
}
"""Where each management operation lives behind the gateway (same method as the table).
Placeholders carry the table's argument names; the API document renames them."""

_GRPC_CODES: Final = {400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 409: 6, 422: 3, 429: 8, 500: 13}
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@attrs.frozen
class _Rule:
    """One gateway path, compiled, and the table route it stands for."""

    route: Route
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, name: str, path: str) -> _Rule:
        parts = _PLACEHOLDER.split(path)  # static, name, static, name, ...
        regex = "".join(
            f"(?P<{part}>[^/:]+)" if odd else re.escape(part)
            for odd, part in ((i % 2 == 1, part) for i, part in enumerate(parts))
        )
        return cls(ROUTES[name], re.compile(regex + "$"))

    def table_target(self, values: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        """The table path for the captured values, and the ones that travel in the query."""
        in_path = {arg.wire_name for arg in self.route.args if arg.where == "path"}
        path = self.route.path.format(
            **{name: quote(value, safe="") for name, value in values.items() if name in in_path}
        )
        return path, {name: value for name, value in values.items() if name not in in_path}


def _rules() -> tuple[_Rule, ...]:
    return tuple(_Rule.of(name, path) for name, path in LAYOUT.items())


def error_body(status: int, message: str) -> dict[str, Any]:
    """A grpc-gateway error: ``details`` is always present (api-evidence.md §7)."""
    return {"code": _GRPC_CODES.get(status, 2), "message": message, "details": []}


def _as_grpc(status: int, raw: bytes) -> bytes:
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = {}
    if isinstance(body, dict) and {"code", "message", "details"} <= body.keys():
        return raw
    detail = body.get("detail") if isinstance(body, dict) else None
    message = detail if isinstance(detail, str) else json.dumps(detail) if detail else ""
    return json.dumps(error_body(status, message or "error")).encode()


class V2Gateway:
    """ASGI middleware: serve the management routes at :data:`LAYOUT`'s paths."""

    def __init__(self, app: ASGIApp, *, api_docs: bool = True) -> None:
        self.app, self.api_docs = app, api_docs
        self.rules = _rules()
        by_params = sorted(ROUTES.values(), key=lambda route: route.path.count("{"))
        self.table = tuple(_Rule.of(route.name, route.path) for route in by_params)

    def _served_by(self, method: str, path: str) -> str | None:
        """The operation the handlers would run for a table path (literals win, as there)."""
        for rule in self.table:
            if rule.route.method == method and rule.pattern.match(path):
                return rule.route.name
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PASS_THROUGH):
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if self.api_docs and method == "GET" and path in (DOCS_PAGE, DOCS_JSON):
            await _answer(send, 200, *_docs(path))
            return
        matched = [(rule, m) for rule in self.rules if (m := rule.pattern.match(path))]
        chosen = next(((rule, m) for rule, m in matched if rule.route.method == method), None)
        if chosen is None:
            status, message = (405, "Method Not Allowed") if matched else (404, "Not Found")
            await _answer(send, status, GRPC_CONTENT_TYPE, json.dumps(error_body(status, message)))
            return
        rule, match = chosen
        target, extra_query = rule.table_target(match.groupdict())
        if self._served_by(method, target) != rule.route.name:
            # A value that spells another route's literal (a model named "search"): behind
            # the gateway it reaches this operation, which finds no such resource.
            missing = " ".join(match.groupdict().values())
            body = json.dumps(error_body(404, f"{missing} not found"))
            await _answer(send, 404, GRPC_CONTENT_TYPE, body)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        if extra_query:
            query = "&".join(part for part in (query, urlencode(extra_query)) if part)
        inner = {
            **scope,
            "path": target,
            "raw_path": target.encode(),
            "query_string": query.encode("latin-1"),
        }
        await self.app(inner, receive, _grpc_errors(send))


def _grpc_errors(send: Send) -> Send:
    """Wrap ``send`` so error answers leave in grpc-gateway form."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start" and message["status"] >= 400:
            start = message
            return
        if start is None or message["type"] != "http.response.body":
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = _as_grpc(start["status"], b"".join(chunks))
        headers = [
            (name, value)
            for name, value in start.get("headers", [])
            if name.lower() not in (b"content-type", b"content-length")
        ]
        headers += [
            (b"content-type", GRPC_CONTENT_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return wrapped


async def _answer(send: Send, status: int, content_type: str, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _docs(path: str) -> tuple[str, str]:
    from sambastudio.emulator._v2_docs import swagger_document, swagger_page

    if path == DOCS_JSON:
        return "application/json", json.dumps(swagger_document())
    return "text/html; charset=utf-8", swagger_page(DOCS_JSON)
