"""Every status the OpenAPI document promises for a route, the route answers.

For each route and each error status its operation documents, a request is built to meet
that status (no key for 401, a caller of another tenant for 403, a malformed request for
400, an unknown resource for 404, an oversized body for 413) and sent to the emulator.
Bodies that must pass validation are generated from the document's own schemas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sambastudio._routes import ROUTES, Route
from sambastudio.emulator import Emulator
from sambastudio.emulator._statuses import CONFLICTS
from sambastudio.emulator.openapi import document
from tests.emulator.conftest import Api
from tests.emulator.helpers import LLM, start_endpoint

LIMIT = 4096
DOC = document()
OPERATIONS: dict[str, dict[str, Any]] = {
    name: DOC["paths"][route.path][route.method.lower()]
    for name, route in ROUTES.items()
    if route.method.lower() in DOC["paths"].get(route.path, {})
}
CASES = [
    (name, int(status))
    for name, operation in sorted(OPERATIONS.items())
    for status in operation["responses"]
    if int(status) >= 400
]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def instance(schema: dict[str, Any]) -> Any:
    """A small value the schema accepts (required fields only)."""
    schema = _resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o).get("type") != "null"]
            return instance(options[0])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: instance(properties[name]) for name in schema.get("required", [])}
    if kind == "array":
        return [instance(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    if kind == "boolean":
        return False
    return "x" * max(1, schema.get("minLength", 1))


class World:
    """An emulator with a Live endpoint, its key, and a caller of another tenant."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        api = Api(emulator)
        endpoint = start_endpoint(api)
        emulator.clock.advance(3600)
        self.project, self.endpoint = endpoint["project_id"], endpoint["id"]
        self.endpoint_key = endpoint["api_keys"][0]["api_key"]
        emulator.add_tenant("elsewhere")
        self.outsider = emulator.add_user("outsider", tenant="elsewhere")
        self.session = api.session

    def request(self, name: str, status: int) -> requests.Response:
        if status == 409:
            return self.clash(name)
        route, operation = ROUTES[name], OPERATIONS[name]
        path = self._path(route, operation, status)
        headers, query, body = self._auth(route, status), self._query(operation, status), None
        if status == 413:
            body = b"x" * (LIMIT + 1)
        elif status == 400 and "requestBody" in operation:
            body = b'"not an object"'
        elif "requestBody" in operation:
            schema = next(iter(operation["requestBody"]["content"].values()))["schema"]
            body = _json(instance(schema))
        elif any(arg.where == "raw" for arg in route.args):
            body = b"x"
        headers["content-type"] = "application/json"
        cookies = {"tenant": "default"}
        return self.session.request(
            route.method, self.emulator.url + path, params=query, data=body, headers=headers,
            cookies=cookies, timeout=30,
        )  # fmt: skip

    def clash(self, name: str) -> requests.Response:
        """The request that meets each route's conflict (``_statuses.CONFLICTS``)."""
        api = Api(self.emulator)
        api.session = self.session
        if name == "delete_tenant":
            api.ok("create_project", project_name="keeps-it", description="", in_tenant="elsewhere")
        arguments: dict[str, dict[str, Any]] = {
            "create_project": {"project_name": "p", "description": ""},
            "delete_project": {"project": self.project},
            "create_tenant": {"tenant_name": "elsewhere"},
            "update_tenant": {"tenant_name": "default", "rdu_node_count": 0},
            "delete_tenant": {"tenant_name": "elsewhere"},
            "add_endpoint_api_key": {
                "project_id": self.project,
                "endpoint_id": self.endpoint,
                "api_key": self.endpoint_key,
                "description": "",
            },
            "import_model": {
                "model_id": LLM,
                "import_path": "ckpt",
                "import_model_name": LLM,
                "storage_type": "local",
                "steps": 0,
            },
        }
        return api(name, **arguments[name])

    def _path(self, route: Route, operation: dict[str, Any], status: int) -> str:
        values = {"project": self.project, "endpoint": self.endpoint}
        values["endpoint_id"] = self.endpoint
        if route.auth == "platform" or status == 404:
            values = {}
        enums = {
            p["name"]: p["schema"]["enum"][0]
            for p in operation.get("parameters", [])
            if p["in"] == "path" and "enum" in p.get("schema", {})
        }
        if status != 400:
            values = {**enums, **values}

        def fill(match: re.Match[str]) -> str:
            return str(values.get(match.group(1), f"no-such-{match.group(1)}"))

        return re.sub(r"\{(\w+)(:[^}]*)?\}", fill, route.path)

    def _auth(self, route: Route, status: int) -> dict[str, str]:
        if status == 401 or route.auth == "none":
            return {}
        if route.auth == "platform":
            return {"key": self.outsider if status == 403 else self.emulator.access_key}
        if route.auth == "bearer":
            return {"Authorization": f"Bearer {self.endpoint_key}"}
        return {"key": self.endpoint_key}

    @staticmethod
    def _query(operation: dict[str, Any], status: int) -> dict[str, Any]:
        params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if status == 400 and "requestBody" not in operation:
            typed = [p for p in params if not p.get("required") and _typed(p)]
            return {typed[0]["name"]: "not-a-value"} if typed else {}
        return {p["name"]: instance(p["schema"]) for p in params if p.get("required")}


def _typed(param: dict[str, Any]) -> bool:
    schema = param.get("schema", {})
    types = {schema.get("type")} | {o.get("type") for o in schema.get("anyOf", [])}
    return bool(types - {None, "string", "null"})


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with Emulator(port=0, seed=0, max_body_bytes=LIMIT, rdu_nodes=64) as emulator:
        yield World(emulator)


def test_the_conflicts_are_declared_for_routes_that_exist() -> None:
    assert set(CONFLICTS) <= set(ROUTES)
    assert all("409" in OPERATIONS[name]["responses"] for name in CONFLICTS)


def test_no_route_documents_a_422_or_the_validation_schemas() -> None:
    assert all("422" not in op["responses"] for op in OPERATIONS.values())
    assert "HTTPValidationError" not in DOC["components"]["schemas"]
    assert set(OPERATIONS) == set(ROUTES)


@pytest.mark.parametrize(("name", "status"), CASES)
def test_every_documented_status_is_answered(world: World, name: str, status: int) -> None:
    response = world.request(name, status)
    assert response.status_code == status, (name, response.text[:300])
    schema = OPERATIONS[name]["responses"][str(status)]["content"]["application/json"]["schema"]
    required = _resolve(schema).get("required", [])
    assert set(required) <= set(response.json()), (name, response.text[:300])
