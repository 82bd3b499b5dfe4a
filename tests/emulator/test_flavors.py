"""The two response generations: ``current`` (2025 shapes) and ``legacy`` (2024 shapes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sambastudio.emulator import Emulator
from tests.emulator.conftest import Api
from tests.emulator.helpers import job_args, start_endpoint, start_job


@pytest.fixture
def legacy_api() -> Iterator[Api]:
    with Emulator(port=0, seed=0, flavor="legacy") as emu:
        client = Api(emu)
        yield client
        client.session.close()


def test_projects_in_both_flavors(api: Api, legacy_api: Api) -> None:
    current = api.ok("create_project", project_name="p", description="d")
    assert {"id", "name", "status", "metadata"} <= set(current)
    assert current["metadata"]["owner"] == "admin"
    old = legacy_api.ok("create_project", project_name="p", description="d")
    project_id = old["data"]["project_id"]
    assert old["data"]["project_name"] == "p"
    assert "id" not in old["data"]
    listed = legacy_api.ok("list_projects")
    assert listed["limit"] == -1
    assert listed["count"] == 1
    assert listed["data"]["projects"][0]["project_id"] == project_id
    assert api.ok("list_projects")["projects"][0]["id"] == current["id"]
    assert legacy_api.ok("project_info", project="p")["data"]["project_id"] == project_id
    assert api.ok("search_project", project_name="p") == {"data": {"project_id": current["id"]}}
    updated = legacy_api.ok("update_project", project="p", description="new")
    assert updated["data"]["description"] == "new"


def test_jobs_and_checkpoints_in_both_flavors(api: Api, legacy_api: Api) -> None:
    job = start_job(api)
    assert isinstance(api.ok("create_job", **job_args(job_name="second"))["hyperparams"], list)
    legacy_job = start_job(legacy_api)
    for client in (api, legacy_api):
        client.emulator.clock.advance(3600)
    info = api.ok("job_info", project="p", job="ft")["data"]
    fields = {f["FIELD_NAME"]: f["FIELD_VALUE"] for f in info["hyperparams"]}
    assert fields["num_iterations"] == "20"
    old = legacy_api.ok("job_info", project="p", job="ft")["data"]
    assert old["hyperparams"]["num_iterations"] == "20"
    assert old["config"] == old["hyperparams"]
    current = api.ok("list_checkpoints", project="p", job="ft")["checkpoints"][0]
    assert current["name"] == f"{job['job_id']}-5"
    assert "checkpoint_name" not in current
    previous = legacy_api.ok("list_checkpoints", project="p", job="ft")["data"]["checkpoints"][0]
    assert previous["checkpoint_name"] == f"{legacy_job['job_id']}-5"
    assert "name" not in previous


def test_create_job_is_flat_in_both_flavors(api: Api, legacy_api: Api) -> None:
    for client in (api, legacy_api):
        assert start_job(client)["status"] == "CREATED"
        flat = client.ok("create_job", **job_args(job_name="second"))
        assert (flat["job_name"], flat["status"]) == ("second", "CREATED")
        assert {"config", "model_status", "tracking_id"} <= set(flat)
        assert "data" not in flat


def test_endpoints_carry_api_key_and_api_keys_in_both_flavors(api: Api, legacy_api: Api) -> None:
    for client in (api, legacy_api):
        endpoint = start_endpoint(client)
        assert endpoint["api_keys"][0]["api_key"] == endpoint["api_key"]


def test_errors_keep_their_format_in_both_flavors(api: Api, legacy_api: Api) -> None:
    for client in (api, legacy_api):
        assert set(client("project_info", project="nope").json()) == {"detail"}
        job = client("create_job", project="nope", job_type="train", job_name="j")
        assert set(job.json()) == {"code", "message", "details"}
