"""grpc-gateway errors as a real SambaStudio gave them (api-evidence §7): the emulator answers
them on create_job, create_endpoint, import_status and the predict routes, the shim returns
them verbatim, and the object model's exceptions carry their code, words and correlation id."""

from __future__ import annotations

import pytest

from sambastudio._client import Client
from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from sambastudio.errors import BadRequestError, NotFoundError
from tests.compat.helpers import ok, unique

GRPC_CONTENT_TYPE = "application/json,application/grpc"
BASE = "Meta-Llama-3-8B-Instruct"


def _importing_model(sdk: SnSdk) -> str:
    started = ok(sdk.import_model(BASE, "ckpts/slow", unique("importing"), "local", 0))
    return str(started["model_id"])


def test_an_endpoint_of_a_model_not_ready_is_code_9(sdk: SnSdk) -> None:
    model_id = _importing_model(sdk)
    project = unique("p")
    ok(sdk.create_project(project, ""))
    answer = sdk.create_endpoint(project, unique("ep"), "", model_id, 1, "{}", "SN40L-8")
    assert {k: v for k, v in answer.items() if k != "headers"} == {
        "code": 9,
        "message": f"Model {model_id} is not in ready state",
        "details": [],
        "status_code": 400,
    }
    assert answer["headers"]["content-type"] == GRPC_CONTENT_TYPE


def test_import_status_goes_from_copy_to_convert_and_is_code_5_when_unknown(
    sdk: SnSdk, emu: Emulator
) -> None:
    model_id = _importing_model(sdk)
    first = ok(sdk.import_status(model_id))
    assert (first["status"], first["stage"], first["progress"]) == ("", "Copy", 0)
    emu.clock.advance(3600)
    last = ok(sdk.import_status(model_id))
    assert (last["status"], last["stage"], last["progress"]) == ("Available", "convert", 100)
    unknown = sdk.import_status("no-such-model")
    assert (unknown["status_code"], unknown["code"], unknown["details"]) == (404, 5, [])
    assert unknown["message"] == "No import status found for model ID no-such-model"
    assert unknown["headers"]["content-type"] == GRPC_CONTENT_TYPE


def test_the_object_models_error_carries_the_grpc_fields(emu: Emulator, sdk: SnSdk) -> None:
    model_id = _importing_model(sdk)
    with Client(host_url=emu.url, access_key=emu.access_key) as client:
        project = client.projects.create(name=unique("p"))
        with pytest.raises(BadRequestError) as caught:
            project.endpoints.create(name=unique("ep"), model=model_id, rdu_arch="SN40L-8")
        error = caught.value
        assert (error.code, error.server_message, error.details) == (
            9,
            f"Model {model_id} is not in ready state",
            [],
        )
        assert error.correlation_id
        assert error.correlation_id == error.request_id
        assert f"(grpc code 9) (request id {error.correlation_id})" in str(error)
        with pytest.raises(NotFoundError) as missing:
            client._request("import_status", model_id="no-such-model")
        assert missing.value.code == 5
