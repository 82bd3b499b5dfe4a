"""The host's own API description: finding it, reading it, and matching it to the table.

SambaStudio serves Swagger UI (``/api/docs#/``, api-evidence.md §1.1); grpc-gateway services
publish Swagger 2 documents, FastAPI ones OpenAPI 3. An operation is matched by its
operationId first (``ProjectService_ListProjects`` ~ ``list_projects``; FastAPI's
``list_projects_api_projects_get``), then by method and path shape, and the route the
document describes is expressed as an override of the table's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

import attrs

from sambastudio._overrides import ArgOverride, RouteOverride, apply_override
from sambastudio._routes import Arg, Route
from sambastudio.errors import ConfigurationError

LOCATIONS: Final = (
    "/api/docs",
    "/api/docs/openapi.json",
    "/api/docs/swagger.json",
    "/api/swagger.json",
    "/openapi.json",
    "/api/v2/docs",
)
"""Where an API description is looked for; HTML pages are followed to the document they load."""

_METHODS: Final = ("get", "post", "put", "patch", "delete")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_LINKED = re.compile(r"""(?:url|spec-url|specUrl)["']?\s*[:=]\s*["']([^"']+)["']""")
_VERSION = re.compile(r"v\d+(beta\d*)?")


@attrs.frozen
class DocOperation:
    """One operation of the document: method, path template and what it says of arguments."""

    method: str
    path: str
    operation_id: str
    query: frozenset[str] = frozenset()
    body: frozenset[str] = frozenset()

    @property
    def placeholders(self) -> list[str]:
        return _PLACEHOLDER.findall(self.path)


@attrs.frozen
class ApiDocument:
    location: str
    format: str
    operations: tuple[DocOperation, ...]

    def describe(self) -> str:
        return f"{self.location} ({self.format}, {len(self.operations)} operations)"


# --------------------------------------------------------------------- fetching


def linked_documents(page: str) -> list[str]:
    """The document paths a Swagger UI (or ReDoc) page loads, same host only."""
    found = []
    for url in _LINKED.findall(page):
        parts = urlsplit(url)
        if parts.netloc or not parts.path.startswith("/"):
            continue  # another host, or a relative path we cannot place safely
        if parts.path not in found:
            found.append(parts.path)
    return found


def find_document(fetch: Callable[[str], object]) -> ApiDocument | None:
    """The first API description served at :data:`LOCATIONS` (following HTML pages).

    ``fetch(path)`` returns the parsed JSON, the text of a non-JSON answer, or ``None``.
    """
    seen: set[str] = set()
    queue = list(LOCATIONS)
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = fetch(path)
        if isinstance(answer, str):
            queue[:0] = [linked for linked in linked_documents(answer) if linked not in seen]
        elif isinstance(answer, Mapping):
            document = read_document(path, answer)
            if document is not None:
                return document
    return None


# ---------------------------------------------------------------------- reading


def _body_fields(spec: Mapping[str, Any], operation: Mapping[str, Any]) -> frozenset[str]:
    schemas: list[Any] = [
        param.get("schema")
        for param in operation.get("parameters", [])
        if param.get("in") == "body"
    ]
    content = (operation.get("requestBody") or {}).get("content") or {}
    schemas += [media.get("schema") for media in content.values() if isinstance(media, Mapping)]
    fields: set[str] = set()
    for schema in schemas:
        schema = _resolve(spec, schema)
        if isinstance(schema, Mapping):
            fields |= set((schema.get("properties") or {}).keys())
    return frozenset(fields)


def _resolve(spec: Mapping[str, Any], schema: Any) -> Any:
    """A local ``$ref`` (``#/definitions/X``, ``#/components/schemas/X``), one level deep."""
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return schema
    node: Any = spec
    for key in ref[2:].split("/"):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _prefix(spec: Mapping[str, Any]) -> str:
    if "swagger" in spec:
        return str(spec.get("basePath") or "").rstrip("/")
    servers = spec.get("servers") or [{}]
    return urlsplit(str(servers[0].get("url") or "")).path.rstrip("/")


def _operations(spec: Mapping[str, Any]) -> Iterator[DocOperation]:
    prefix = _prefix(spec)
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        shared = [p for p in item.get("parameters", []) if isinstance(p, Mapping)]
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, Mapping):
                continue
            params = shared + [p for p in operation.get("parameters", []) if isinstance(p, Mapping)]
            yield DocOperation(
                method=method.upper(),
                path=prefix + str(path),
                operation_id=str(operation.get("operationId") or ""),
                query=frozenset(str(p.get("name")) for p in params if p.get("in") == "query"),
                body=_body_fields(spec, operation),
            )


def read_document(location: str, spec: Mapping[str, Any]) -> ApiDocument | None:
    """An :class:`ApiDocument` if ``spec`` is Swagger 2 or OpenAPI 3, else ``None``."""
    if str(spec.get("swagger", "")).startswith("2"):
        kind = "Swagger 2.0"
    elif str(spec.get("openapi", "")).startswith("3"):
        kind = f"OpenAPI {spec['openapi']}"
    else:
        return None
    return ApiDocument(location, kind, tuple(_operations(spec)))


# --------------------------------------------------------------------- matching


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _id_names(operation: DocOperation) -> set[str]:
    """The table names an operationId may stand for."""
    op_id = operation.operation_id
    names = {op_id, _snake(op_id)}
    if "_" in op_id and op_id.split("_")[0].endswith("Service"):
        names.add(_snake(op_id.split("_", 1)[1]))
    return names


def _fastapi_id(name: str, operation: DocOperation) -> str:
    return re.sub(r"\W", "_", name + operation.path) + "_" + operation.method.lower()


def shape(method: str, path: str) -> tuple[str, tuple[str, ...]]:
    """Method and path with versions, separators and placeholder names ignored."""
    out: list[str] = []
    static = ""
    for segment in re.split(r"[/:]", path):
        if not segment or segment == "api" or _VERSION.fullmatch(segment):
            continue
        if segment.startswith("{"):
            out += [static, "*"] if static else ["*"]
            static = ""
        else:
            static += re.sub(r"[-_]", "", segment).lower()
    return method, tuple([*out, static] if static else out)


def _arg_for(route: Route, placeholder: str, taken: set[str]) -> Arg | None:
    free = [arg for arg in route.args if arg.name not in taken and arg.where in ("path", "query")]
    for arg in free:
        if placeholder in (arg.name, arg.wire_name):
            return arg
    for arg in free:
        if placeholder.removesuffix("_id") in (arg.name, arg.wire_name):
            return arg
    return next((arg for arg in free if arg.where == "path"), None)


def override_from(route: Route, operation: DocOperation) -> RouteOverride | None:
    """The override that makes ``route`` what ``operation`` describes, if it can."""
    args: dict[str, ArgOverride] = {}
    taken: set[str] = set()

    def rename(match: re.Match[str]) -> str:
        arg = _arg_for(route, match[1], taken)
        if arg is None:
            raise LookupError(match[1])
        taken.add(arg.name)
        if arg.where != "path":
            args[arg.name] = ArgOverride(where="path")
        return "{" + arg.wire_name + "}"

    try:
        path = _PLACEHOLDER.sub(rename, operation.path)
    except LookupError:
        return None
    for arg in route.args:
        if arg.where == "path" and arg.name not in taken:
            if arg.wire_name not in operation.query:
                return None
            args[arg.name] = ArgOverride(where="query")
        elif arg.where == "body" and operation.body and arg.wire_name not in operation.body:
            camel = re.sub(r"_([a-z])", lambda m: m[1].upper(), arg.wire_name)
            if camel in operation.body:
                args[arg.name] = ArgOverride(wire=camel)
    override = RouteOverride(route.name, method=operation.method, path=path, args=args)
    try:
        apply_override(route, override)
    except ConfigurationError:
        return None
    return override


def match_document(document: ApiDocument, routes: Mapping[str, Route]) -> dict[str, RouteOverride]:
    """Each table operation the document describes, as an override (maybe a no-op one)."""
    matched: dict[str, DocOperation] = {}
    used: set[int] = set()
    for index, operation in enumerate(document.operations):
        names = _id_names(operation)
        for name in routes:
            if name not in matched and (
                name in names or operation.operation_id == _fastapi_id(name, operation)
            ):
                matched[name] = operation
                used.add(index)
                break
    by_shape: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for name, route in routes.items():
        if name not in matched:
            by_shape.setdefault(shape(route.method, route.path), []).append(name)
    doc_shapes: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for index, operation in enumerate(document.operations):
        if index not in used:
            doc_shapes.setdefault(shape(operation.method, operation.path), []).append(index)
    for key, unmatched in by_shape.items():
        indexes = doc_shapes.get(key, [])
        if len(unmatched) == 1 and len(indexes) == 1:
            matched[unmatched[0]] = document.operations[indexes[0]]
    found = {name: override_from(routes[name], op) for name, op in matched.items()}
    return {name: override for name, override in found.items() if override is not None}
