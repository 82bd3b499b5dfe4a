"""The endpoint state machine, updates and API keys."""

from __future__ import annotations

import pytest

from sambastudio.emulator import Emulator
from sambastudio.emulator._auth import endpoint_for_key
from sambastudio.emulator._endpoints import DEPLOYING_SECONDS, SETTING_UP_SECONDS
from sambastudio.emulator._errors import ApiError
from sambastudio.emulator._state import Flavor
from tests.emulator.conftest import Api
from tests.emulator.helpers import EMBEDDING, endpoint_args, start_endpoint


def info(api: Api) -> dict[str, object]:
    data: dict[str, object] = api.ok("endpoint_info", project="p", endpoint="ep")
    return data


def test_an_endpoint_deploys_then_goes_live(emulator: Emulator, api: Api) -> None:
    created = start_endpoint(api)
    assert created["status"] == "Deploying"
    assert created["url"] == f"/api/predict/generic/{created['project_id']}/{created['id']}"
    assert created["api_key"] == created["api_keys"][0]["api_key"]
    assert created["targets"][0]["model_checkpoint_name"] == "Meta-Llama-3-8B-Instruct"
    emulator.clock.advance(DEPLOYING_SECONDS)
    assert info(api)["status"] == "SettingUp"
    emulator.clock.advance(SETTING_UP_SECONDS)
    assert info(api)["status"] == "Live"
    assert api.ok("endpoint_info_by_id", endpoint=created["id"])["status"] == "Live"
    listed = api.ok("list_endpoints", project="p")["endpoints"]
    assert [e["name"] for e in listed] == ["ep"]
    assert api.ok("list_endpoints")["endpoints"][0]["id"] == created["id"]
    notes = api.ok("list_notifications")["notifications"]
    assert notes[0]["message"] == "Endpoint ep is Live"


def test_stop_update_and_restart(emulator: Emulator, api: Api) -> None:
    start_endpoint(api, model_checkpoint=EMBEDDING)
    emulator.clock.advance(3600)
    stopped = api.ok("stop_endpoint", project="p", endpoint="ep")
    assert stopped["status"] == "Stopped"
    assert api.ok("stop_endpoint", project="p", endpoint="ep")["status"] == "Stopped"
    described = api.ok("update_endpoint", project="p", endpoint="ep", description="new")
    assert described["status"] == "Stopped"
    assert described["description"] == "new"
    restarted = api.ok("update_endpoint", project="p", endpoint="ep", instances=2)
    assert restarted["status"] == "Deploying"
    assert restarted["targets"][0]["instances"] == 2
    emulator.clock.advance(3600)
    assert info(api)["status"] == "Live"
    moved = api.ok("update_endpoint", project="p", endpoint="ep", rdu_arch="sn40l-16")
    assert moved["status"] == "Deploying"
    assert moved["targets"][0]["rdu_arch"] == "SN40L-16"
    assert api.ok("update_endpoint", project="p", endpoint="ep", instances=0)["status"] == "Stopped"
    assert api("update_endpoint", project="p", endpoint="ep", instances=-1).status_code == 400
    assert api("update_endpoint", project="p", endpoint="ep", rdu_arch="sn10").status_code == 400
    assert api.ok("delete_endpoint", project="p", endpoint="ep") == {}
    assert api("endpoint_info", project="p", endpoint="ep").status_code == 404


def test_api_keys_are_added_revoked_and_checked(emulator: Emulator, api: Api) -> None:
    created = start_endpoint(api)
    project_id, endpoint_id = created["project_id"], created["id"]
    keys = api.ok(
        "add_endpoint_api_key",
        project_id=project_id,
        endpoint_id=endpoint_id,
        api_key="ci-key-0001",
        description="ci",
    )["api_keys"]
    assert [(k["api_key"], k["status"]) for k in keys][1:] == [("ci-key-0001", "Active")]
    duplicate = api(
        "add_endpoint_api_key",
        project_id=project_id,
        endpoint_id=endpoint_id,
        api_key="ci-key-0001",
        description="again",
    )
    assert duplicate.status_code == 409
    state = emulator.state
    assert endpoint_for_key(state, "p", "ep", "ci-key-0001")["id"] == endpoint_id
    assert endpoint_for_key(state, None, endpoint_id, created["api_key"])["id"] == endpoint_id
    revoked = api.ok(
        "edit_endpoint_api_key",
        project_id="p",
        api_key="ci-key-0001",
        status="Revoked",
        description="gone",
    )
    assert revoked == {"api_key": "ci-key-0001", "description": "gone", "status": "Revoked"}
    with pytest.raises(ApiError) as caught:
        endpoint_for_key(state, "p", "ep", "ci-key-0001")
    assert caught.value.status == 401
    with pytest.raises(ApiError) as missing:
        endpoint_for_key(state, "p", "nope", created["api_key"])
    assert missing.value.status == 404
    unknown = api("edit_endpoint_api_key", project_id="p", api_key="nope", status="Revoked")
    assert unknown.status_code == 404
    bad = api("edit_endpoint_api_key", project_id="p", api_key="ci-key-0001", status="Paused")
    assert bad.status_code == 400


def test_a_bad_model_fails_the_endpoint(emulator: Emulator, api: Api) -> None:
    emulator.fail_on(model=EMBEDDING, message="weights are corrupt")
    start_endpoint(api, model_checkpoint=EMBEDDING)
    emulator.clock.advance(3600)
    failed = info(api)
    assert failed["status"] == "Failed"
    assert failed["status_message"] == "weights are corrupt"


@pytest.mark.parametrize(
    ("overrides", "status_code", "message"),
    [
        ({"instances": -1}, 400, "instances"),
        ({"instances": 0}, 400, "instances"),
        ({"hyperparams": "{oops"}, 400, "not valid JSON"),
        ({"hyperparams": '{"model_parallel_rdus": 3}'}, 400, "must be one of"),
        ({"rdu_arch": "sn10"}, 400, "no valid images found"),
        ({"model_checkpoint": "nope"}, 404, "model nope not found"),
        ({"endpoint_name": "/abs"}, 400, "may not contain"),
        ({"project": "nope"}, 404, "project nope not found"),
    ],
)
def test_create_endpoint_refuses_bad_input_in_the_grpc_format(
    api: Api, overrides: dict[str, object], status_code: int, message: str
) -> None:
    api.ok("create_project", project_name="p", description="")
    response = api("create_endpoint", **endpoint_args(**overrides))
    assert response.status_code == status_code, response.text
    assert set(response.json()) == {"code", "message", "details"}
    assert message in response.json()["message"]


def test_a_duplicate_endpoint_name_is_refused(api: Api) -> None:
    start_endpoint(api)
    response = api("create_endpoint", **endpoint_args())
    assert response.status_code == 400
    assert response.json()["message"].startswith("Endpoint with ep name already exists")


@pytest.mark.parametrize(("flavor", "api_name"), [("current", "generic"), ("legacy", "nlp")])
def test_the_advertised_urls_follow_the_flavor_and_answer_predictions(
    flavor: Flavor, api_name: str
) -> None:
    with Emulator(port=0, seed=0, flavor=flavor) as emu:
        api = Api(emu)
        created = start_endpoint(api)
        ids = f"{created['project_id']}/{created['id']}"
        emu.clock.advance(3600)
        live = api.ok("endpoint_info", project="p", endpoint="ep")
        listed = api.ok("list_endpoints", project="p")["endpoints"][0]
        answer = api.session.post(
            emu.url + live["url"],
            json={"inputs": ["Hi"]} if api_name == "nlp" else {"instances": ["Hi"]},
            headers={"key": live["api_key"]},
            timeout=30,
        )
        api.session.close()

    for shown in (created, live, listed):
        assert shown["url"] == f"/api/predict/{api_name}/{ids}"
        assert shown["stream_url"] == f"/api/predict/{api_name}/stream/{ids}"
    assert answer.status_code == 200, answer.text
    assert list(answer.json()) == (["data"] if api_name == "nlp" else ["predictions"])
