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
from sambastudio.emulator._errors import GRPC_ROUTES
from sambastudio.emulator._statuses import CONFLICTS
from sambastudio.emulator.openapi import document
from tests.emulator.conftest import Api
from tests.emulator.helpers import LLM, endpoint_args, job_args, start_endpoint, start_job
from tests.emulator.uploading import (
    CHUNK,
    complete,
    dataset_args,
    new_upload,
    put,
    start_folder,
)

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
    """An emulator with a Live endpoint and its key, a caller of another tenant, and what
    each route's conflict needs: a trained job, a model it promoted and an endpoint
    deploying that model, a Stopped endpoint, and a dataset uploaded and registered."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        api = Api(emulator)
        endpoint = start_endpoint(api)
        self.uploaded = self._upload(api)  # the dataset the jobs train on
        start_job(api)
        start_job(api, job_name="ft2")
        emulator.clock.advance(3600)
        self.project, self.endpoint = endpoint["project_id"], endpoint["id"]
        self.endpoint_key = endpoint["api_keys"][0]["api_key"]
        checkpoint = api.ok("list_checkpoints", project="p", job="ft")["checkpoints"][-1]
        self.promote = {
            "project": "p",
            "job": "ft",
            "model_checkpoint": checkpoint["name"],
            "model_checkpoint_name": "mine",
            "description": "",
            "checkpoint_type": "finetuned",
        }
        api.ok("add_model", **self.promote)
        start_endpoint(api, endpoint_name="serves-mine", model_checkpoint="mine")
        stopped = start_endpoint(api, endpoint_name="stopped")
        api.ok("stop_endpoint", project="p", endpoint="stopped")
        self.stopped, self.stopped_key = stopped["id"], stopped["api_keys"][0]["api_key"]
        emulator.add_tenant("elsewhere")
        self.outsider = emulator.add_user("outsider", tenant="elsewhere")
        self.session = api.session

    @staticmethod
    def _upload(api: Api) -> dict[str, str]:
        """A dataset uploaded and registered, through two folders: one sent ``a/b`` and
        was completed; the other holds a part of a file ``a``, which the folder ``a`` of
        the first is in the way of. Their ids."""
        dataset_id, done = start_folder(api, ["a/b"])
        upload_id = new_upload(api, done, "a/b")
        assert put(api, done, "a/b", upload_id, 1, b"data").status_code == 200
        assert complete(api, done, "a/b", upload_id, [1]).status_code == 200
        pending = api.ok("create_folder_upload", dataset_id=dataset_id, file_list=["a"])
        path = pending["datasetPath"]
        file_a = new_upload(api, pending["folderId"], "a")
        assert put(api, pending["folderId"], "a", file_a, 1, b"file").status_code == 200
        api.ok("complete_folder_upload", dataset_id=dataset_id, folder_id=done, file_list=["a/b"])
        source = {"source_type": "localMachine", "dataset_id": dataset_id, "dataset_path": path}
        api.ok("add_dataset", **dataset_args(api, "squad", source))
        return {
            "dataset": dataset_id,
            "path": path,
            "folder": done,
            "upload": upload_id,
            "pending": pending["folderId"],
            "a": file_a,
        }

    def request(
        self, name: str, status: int, *, endpoint: str = "", key: str = ""
    ) -> requests.Response:
        if status == 409:
            return self.clash(name)
        route, operation = ROUTES[name], OPERATIONS[name]
        path = self._path(route, operation, status, endpoint or self.endpoint)
        headers = self._auth(route, status, key or self.endpoint_key)
        query, body = self._query(operation, status), None
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
        """The request that meets each route's conflict (``_statuses.conflicts``)."""
        if ROUTES[name].auth in ("endpoint", "bearer"):
            return self.request(name, 200, endpoint=self.stopped, key=self.stopped_key)
        api = Api(self.emulator)
        api.session = self.session
        if name == "delete_tenant":
            api.ok("create_project", project_name="keeps-it", description="", in_tenant="elsewhere")
        uploaded = self.uploaded
        source = {"source_type": "localMachine", "dataset_id": uploaded["dataset"]}
        arguments: dict[str, dict[str, Any]] = {
            "create_project": {"project_name": "p", "description": ""},
            "update_project": {"project": "keeps-it", "name": "p"},
            "delete_project": {"project": self.project},
            "create_job": job_args(),
            "update_job": {"project": "p", "job": "ft2", "name": "ft"},
            "create_endpoint": endpoint_args(),
            "add_dataset": dataset_args(
                api, "uploaded", {**source, "dataset_path": uploaded["path"]}
            ),
            "add_model": self.promote,
            "add_composite_model": {
                "name": "mine",
                "description": "",
                "dependencies": [{"name": LLM}],
                "rdu_required": 8,
                "config_params": {},
                "app": "",
            },
            "delete_model": {"model": "mine"},
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
            "create_folder_upload": {"dataset_id": uploaded["dataset"], "file_list": ["x"]},
            "create_multipart_file_upload": {
                "folder_id": uploaded["folder"],
                "file_path": "a/b",
                "chunk_size": CHUNK,
            },
            "upload_part_file": {
                "folder_id": uploaded["folder"],
                "file_path": "a/b",
                "part_number": 1,
                "upload_id": uploaded["upload"],
                "file": b"late",
            },
            "complete_multipart_file_upload": {
                "folder_id": uploaded["pending"],
                "file_path": "a",
                "chunk_size": CHUNK,
                "upload_id": uploaded["a"],
                "part_list": [{"partNumber": 1}],
            },
        }
        if name == "update_project" and api("project_info", project="keeps-it").status_code == 404:
            api.ok("create_project", project_name="keeps-it", description="")
        return api(name, **arguments[name])

    def _path(self, route: Route, operation: dict[str, Any], status: int, endpoint: str) -> str:
        values = {"project": self.project, "endpoint": endpoint, "endpoint_id": endpoint}
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

    def _auth(self, route: Route, status: int, key: str) -> dict[str, str]:
        if status == 401 or route.auth == "none":
            return {}
        if route.auth == "platform":
            return {"key": self.outsider if status == 403 else self.emulator.access_key}
        if route.auth == "bearer":
            return {"Authorization": f"Bearer {key}"}
        return {"key": key}

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


NAMED_CREATES = {
    name
    for name, route in ROUTES.items()
    if (route.method == "POST" and not route.idempotent and route.auth == "platform")
    or (route.method in ("PATCH", "PUT") and any(arg.name.endswith("name") for arg in route.args))
}
"""Creates (a non-idempotent POST of the platform) and renames (an update with a name)."""
NOT_NAMED = {
    "resume_job": "resumes a job; nothing is named",
    "upload_results_to_aws": "an export has an id, no name",
    "export_model": "an export has an id, no name",
    "add_users": "adding a user already in the tenant leaves the user as is",
}


def test_every_create_or_rename_of_a_named_thing_documents_its_conflict() -> None:
    """A create or rename meets a name that is taken; the document says so (a route whose
    thing has no name is listed here with why)."""
    undocumented = {
        name
        for name in NAMED_CREATES - set(NOT_NAMED) - GRPC_ROUTES
        if "409" not in OPERATIONS[name]["responses"]
    }
    assert not undocumented


@pytest.mark.parametrize("name", sorted(NAMED_CREATES & GRPC_ROUTES))
def test_a_clash_behind_grpc_gateway_answers_a_documented_400(world: World, name: str) -> None:
    """grpc-gateway answers a name taken 400 (code 3), as SambaStudio did: documented as
    such, and never as a 409."""
    response = world.clash(name)
    assert response.status_code == 400, response.text[:300]
    assert response.json()["code"] == 3
    assert "400" in OPERATIONS[name]["responses"]
    assert "409" not in OPERATIONS[name]["responses"]


@pytest.mark.parametrize(("name", "status"), CASES)
def test_every_documented_status_is_answered(world: World, name: str, status: int) -> None:
    response = world.request(name, status)
    assert response.status_code == status, (name, response.text[:300])
    schema = OPERATIONS[name]["responses"][str(status)]["content"]["application/json"]["schema"]
    required = _resolve(schema).get("required", [])
    assert set(required) <= set(response.json()), (name, response.text[:300])


PROBES = (400, 401, 403, 404)
"""The requests :meth:`World.request` builds to meet a status, sent to every route whether
or not it documents that status (a 413 is left out: it would send a body to routes that
take none, which no client does)."""


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_status_a_probe_meets_is_documented(world: World, name: str) -> None:
    """The other direction: what a route answers a malformed request, one without a key or
    from another tenant, one naming unknown resources or an oversized one, is documented."""
    documented = {int(status) for status in OPERATIONS[name]["responses"]}
    for probe in PROBES:
        answered = world.request(name, probe).status_code
        assert answered < 400 or answered in documented, (name, probe, answered)
