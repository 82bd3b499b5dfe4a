"""The v2 emulator: grpc-gateway paths, errors and API description (sambastudio.emulator._v2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sambastudio.emulator import Emulator
from sambastudio.emulator._v2 import DOCS_JSON, DOCS_PAGE, GRPC_CONTENT_TYPE, LAYOUT


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(api="v2") as emu:
        yield emu


def get(emu: Emulator, path: str, **params: str) -> requests.Response:
    return requests.get(emu.url + path, headers={"key": emu.access_key}, params=params, timeout=10)


def test_the_table_paths_are_not_served(emu: Emulator) -> None:
    answer = get(emu, "/api/projects")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == GRPC_CONTENT_TYPE
    assert answer.json() == {"code": 5, "message": "Not Found", "details": []}


def test_the_gateway_paths_are(emu: Emulator) -> None:
    assert get(emu, "/api/v2/projects").json() == {"projects": []}
    default = get(emu, "/api/v2/tenants:defaultTenant").json()["data"]
    assert default["tenant_name"] == "default"
    assert get(emu, "/api/v2/tenants/" + default["tenant_id"]).status_code == 200


def test_errors_come_grpc_gateway_style(emu: Emulator) -> None:
    missing = get(emu, "/api/v2/projects/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == GRPC_CONTENT_TYPE
    assert missing.json() == {"code": 5, "message": "project nope not found", "details": []}
    bad = get(emu, "/api/v2/projects:search")  # project_name is required
    assert bad.status_code == 400
    assert bad.json()["code"] == 3
    assert bad.json()["details"] == []
    wrong_method = requests.put(emu.url + "/api/v2/projects", timeout=10)
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, 12)


def test_a_value_spelling_a_literal_reaches_the_gateway_operation(emu: Emulator) -> None:
    # /api/v2/models/search is GetModel("search") behind a gateway, not a search.
    answer = get(emu, "/api/v2/models/search", model_name="x")
    assert answer.status_code == 404
    assert answer.json()["message"] == "search not found"


def test_uploads_and_predictions_pass_through(emu: Emulator) -> None:
    answer = requests.post(
        emu.url + "/api/v1beta/upload/dataset-id", headers={"key": emu.access_key}, timeout=10
    )
    assert answer.status_code == 200


def test_the_api_description_is_linked_from_the_docs_page(emu: Emulator) -> None:
    page = get(emu, DOCS_PAGE)
    assert DOCS_JSON in page.text
    document = get(emu, DOCS_JSON).json()
    assert document["swagger"] == "2.0"
    ids = {op["operationId"] for item in document["paths"].values() for op in item.values()}
    assert "ProjectService_ListProjects" in ids
    assert "ProjectService_GetProject" in ids
    assert len(ids) == len(LAYOUT)
    assert "/api/v2/projects/{project_id}/jobs/{job_id}:stop" in document["paths"]
    assert get(emu, "/openapi.json").status_code == 404  # the table's document is not served


def test_no_api_docs_hides_every_description() -> None:
    with Emulator(api="v2", api_docs=False) as emu:
        for path in (DOCS_PAGE, DOCS_JSON, "/openapi.json", "/api/docs"):
            assert get(emu, path).status_code == 404
    with Emulator(api_docs=False) as emu:
        assert get(emu, "/openapi.json").status_code == 404
        assert get(emu, "/api/projects").status_code == 200
