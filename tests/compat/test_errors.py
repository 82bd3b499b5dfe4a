"""HTTP errors are returned as dicts, in whichever format the server used, never raised.

V1 REST routes answer ``{"detail": ...}``; routes behind grpc-gateway answer
``{"code", "message", "details"}`` (api-evidence.md §1.3). Callers read ``detail`` on list
failures and ``message``/``details`` on model_info and add_composite_model failures.
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from tests.compat.helpers import SECRET, unique

GRPC_CODES = {400: 3, 403: 7, 404: 5}


def _error(result: dict[str, Any], status: int) -> dict[str, Any]:
    assert result["status_code"] == status, result
    assert isinstance(result["headers"], dict)
    return result


def _grpc(result: dict[str, Any], status: int) -> str:
    _error(result, status)
    assert result["code"] == GRPC_CODES[status]
    assert isinstance(result["details"], list)
    return str(result["message"])


def test_400_in_both_formats(sdk: SnSdk) -> None:
    assert "yourself" in _error(sdk.delete_user("admin"), 400)["detail"]
    assert "job_type" in _grpc(sdk.model_info("Meta-Llama-3-8B-Instruct", "cooking"), 400)
    message = _grpc(sdk.create_endpoint("p", "e", "d", "m", 0, "{}", "SN40L-8"), 400)
    assert "instances" in message


def test_403_detail_for_a_non_admin_on_an_admin_route(sdk: SnSdk, emu: Emulator) -> None:
    user = SnSdk(emu.url, emu.add_user(unique("dave")))
    for result in (user.list_users(), user.admin_job_list(), user.create_tenant(unique("t"))):
        assert "admin" in _error(result, 403)["detail"]


def test_403_detail_for_a_sambanova_model(sdk: SnSdk) -> None:
    assert "SambaNova" in _error(sdk.delete_model("e5-large-v2"), 403)["detail"]


def test_404_in_both_formats(sdk: SnSdk) -> None:
    project = unique("project")
    sdk.create_project(project, "")
    assert "not found" in _error(sdk.endpoint_info(project, "no-such-endpoint"), 404)["detail"]
    assert "not found" in _error(sdk.job_info("no-such-project", "job"), 404)["detail"]
    assert "not found" in _grpc(sdk.model_info("no-such-model", "train"), 404)


def test_401_without_a_valid_key(emu: Emulator) -> None:
    assert "key" in _error(SnSdk(emu.url, "not-the-key").list_projects(), 401)["detail"]


@pytest.mark.parametrize("status", [400, 403, 404])
@pytest.mark.parametrize(
    "body",
    [
        {"detail": "view job action not authorized for the user"},
        {"code": 0, "message": "Failed to create the job", "details": [{"reason": "r"}]},
    ],
    ids=["detail", "grpc"],
)
def test_any_error_body_comes_back_as_sent(
    httpserver: HTTPServer, status: int, body: dict[str, Any]
) -> None:
    """Whatever status and format, the body is returned untouched, plus the envelope."""
    httpserver.expect_request("/api/projects/p/jobs/j").respond_with_json(
        body, status=status, headers={"x-correlation-id": "c-9"}
    )
    result = SnSdk(httpserver.url_for(""), SECRET).job_info("p", "j")
    headers = result.pop("headers")
    assert result == {**body, "status_code": status}
    assert headers["x-correlation-id"] == "c-9"
