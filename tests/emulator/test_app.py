"""The emulator serves the wire contract: every route, at its path, with its arguments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from fastapi import FastAPI
from fastapi.routing import APIRoute

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator, create_app
from sambastudio.emulator._permissions import PERMISSIONS, Rank
from sambastudio.emulator._state import Config, EmulatorState
from sambastudio.emulator.openapi import DEFAULT_PATH, render


@pytest.fixture(scope="module")
def app() -> Iterator[FastAPI]:
    state = EmulatorState(Config())
    yield create_app(state)
    state.close()


def _served(app: FastAPI) -> dict[str, APIRoute]:
    return {r.name: r for r in app.routes if isinstance(r, APIRoute)}


def test_every_route_of_the_contract_is_served_and_nothing_else(app: FastAPI) -> None:
    served = set(_served(app))
    assert sorted(set(ROUTES) - served) == [], "routes of the contract not served"
    assert sorted(served - set(ROUTES)) == [], "served routes not in the contract"


def test_routes_are_served_at_the_contract_method_and_path(app: FastAPI) -> None:
    for name, route in _served(app).items():
        assert route.path == ROUTES[name].path, name
        assert route.methods == {ROUTES[name].method}, name


def test_path_parameters_match_the_path_template(app: FastAPI) -> None:
    for name, route in _served(app).items():
        template = set(re.findall(r"{(\w+)}", ROUTES[name].path))
        assert {p.name for p in route.dependant.path_params} == template, name


def _schema(document: dict[str, Any], ref: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def test_json_bodies_take_the_contract_fields(app: FastAPI) -> None:
    document = app.openapi()
    for name, route in ROUTES.items():
        wanted = {arg.wire_name for arg in route.args if arg.where == "body"}
        operation = document["paths"].get(route.path, {}).get(route.method.lower())
        if operation is None or not wanted:
            continue
        content = operation["requestBody"]["content"]["application/json"]["schema"]
        assert set(_schema(document, content["$ref"])["properties"]) == wanted, name


def test_query_parameters_use_the_contract_wire_names(app: FastAPI) -> None:
    document = app.openapi()
    for name, route in ROUTES.items():
        operation = document["paths"].get(route.path, {}).get(route.method.lower())
        if operation is None:
            continue
        served = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert served == {a.wire_name for a in route.args if a.where == "query"}, name


def test_platform_routes_are_guarded_by_the_permission_table(app: FastAPI) -> None:
    for name, route in _served(app).items():
        guards = {d.call.__name__ for d in route.dependant.dependencies if d.call}
        if ROUTES[name].auth == "platform":
            assert "authenticate" in guards, name
            admin_only = PERMISSIONS[name].rank >= Rank.TENANT_ADMIN
            assert admin_only == ROUTES[name].admin, name


def test_openapi_and_docs_are_served(emulator: Emulator) -> None:
    document = requests.get(emulator.url + "/openapi.json", timeout=10).json()
    assert document["info"]["title"] == "SambaStudio emulator"
    docs = requests.get(emulator.url + "/api/docs", timeout=10)
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_committed_openapi_document_is_fresh() -> None:
    assert DEFAULT_PATH.read_text(encoding="utf-8") == render(), (
        "docs/openapi.json is stale: run python -m sambastudio.emulator.openapi"
    )


def test_unknown_paths_answer_404_in_the_detail_format(emulator: Emulator) -> None:
    response = requests.get(emulator.url + "/api/nothing-here", timeout=10)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert "x-correlation-id" in response.headers
