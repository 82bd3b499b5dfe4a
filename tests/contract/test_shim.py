"""The legacy ``SnSdk`` shim speaks the wire contract: the scenarios of the object model,
written as SnSdk callers write them (dicts, ``status_code``, polling loops).

Each answer is read with the keys real callers read, in either response generation
(``tests/compat/helpers.py``); the cassettes are ``cassettes/test_shim/<test>[<flavor>].yaml``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sambastudio._waiting import Clock
from sambastudio.compat import SILENCE_ENV, SnSdk
from sambastudio.testing import Target
from tests.compat.helpers import (
    TRAINING_DATA,
    checkpoint_name,
    checkpoints,
    endpoint_key,
    job_id,
    ok,
    project_id,
    project_name,
    projects,
    upload_dataset,
)
from tests.contract._world import (
    APP,
    AWS,
    BASE_MODEL,
    CONTRACT_MARKS,
    DRAFT_TARGET,
    JOB_TYPES,
    RDU_ARCH,
    SHORT_TRAINING,
    poll,
    status_of,
    write_prompts,
)

pytestmark = CONTRACT_MARKS

Json = dict[str, Any]
ENDED = ("EXIT_WITH_0", "EXIT_WITH_1", "FAILED", "STOPPED")


@pytest.fixture
def sdk(sambastudio_snsdk: SnSdk, monkeypatch: pytest.MonkeyPatch) -> SnSdk:
    """The shim, silenced the supported way: its warn-once memory is left untouched for
    the tests of the warnings themselves."""
    monkeypatch.setenv(SILENCE_ENV, "1")
    return sambastudio_snsdk


@pytest.fixture
def project(sdk: SnSdk) -> Iterator[str]:
    """The id of a fresh project, deleted afterwards with what it holds."""
    pid = project_id(ok(sdk.create_project("contract", "contract scenario")))
    yield pid
    for endpoint in ok(sdk.list_endpoints(pid))["endpoints"]:
        ok(sdk.delete_endpoint(pid, endpoint["id"]))
    for job in ok(sdk.list_jobs(project_id=pid))["jobs"]:
        ok(sdk.delete_job(pid, job["job_id"]))
    ok(sdk.delete_project(pid))


@pytest.fixture
def dataset(sdk: SnSdk) -> Iterator[str]:
    """The name of a dataset uploaded with the shim's upload methods, as snapi does."""
    upload_dataset(sdk, "squad", TRAINING_DATA, JOB_TYPES)
    yield "squad"
    ok(sdk.delete_dataset("squad"))


def start_job(
    sdk: SnSdk, project: str, dataset: str, job_type: str = "train", **hyperparams: Any
) -> str:
    """A job's id; hyperparams travel as a JSON string, as SnSdk callers send them."""
    created = sdk.create_job(
        job_type,
        project,
        BASE_MODEL,
        "job",
        "",
        dataset,
        json.dumps(hyperparams or SHORT_TRAINING),
        False,
        "",
        1,
        RDU_ARCH,
    )
    return job_id(ok(created))


def run_to_end(sdk: SnSdk, clock: Clock, project: str, job: str) -> str:
    """Poll ``job_info`` as callers do (``['data']['status']``); the final status."""
    info = poll(lambda: ok(sdk.job_info(project, job)), lambda i: status_of(i) in ENDED, clock)
    return str(status_of(info))


def live_endpoint(sdk: SnSdk, clock: Clock, project: str) -> Json:
    """An endpoint ``ep`` of the base model, polled until Live; its ``endpoint_info``."""
    created = ok(sdk.create_endpoint(project, "ep", "", BASE_MODEL, 1, "{}", RDU_ARCH))
    return poll(
        lambda: ok(sdk.endpoint_info(project, created["id"])),
        lambda info: info["status"] == "Live",
        clock,
    )


# ----------------------------------------------------------------------------- scenarios
def test_projects(sdk: SnSdk) -> None:
    assert sdk.search_project("demo")["status_code"] == 404
    pid = project_id(ok(sdk.create_project("demo", "first")))
    assert ok(sdk.search_project("demo"))["data"]["project_id"] == pid
    assert project_id(ok(sdk.project_info("demo"))) == project_id(ok(sdk.project_info(pid)))
    assert "demo" in [project_name(p) for p in projects(ok(sdk.list_projects()))]
    ok(sdk.update_project(pid, "renamed", "second"))
    ok(sdk.delete_project("renamed"))
    assert sdk.project_info(pid)["status_code"] == 404


def test_catalogue(sdk: SnSdk) -> None:
    models = ok(sdk.list_models())["models"]
    model_id = ok(sdk.search_model(BASE_MODEL))["data"]["model_id"]
    assert model_id in [m["model_id"] for m in models]
    assert ok(sdk.model_info(BASE_MODEL, "train"))["hyperparams"]["train"][RDU_ARCH]
    app = next(app for app in ok(sdk.list_apps())["apps"] if app["name"] == APP)
    assert ok(sdk.app_info(APP))["apps"]["id"] == app["id"]


def test_dataset_upload(sdk: SnSdk, dataset: str) -> None:
    dataset_id = ok(sdk.search_dataset(dataset))["data"]["dataset_id"]
    assert ok(sdk.dataset_info(dataset_id))["data"]["dataset_id"] == dataset_id
    assert dataset in [d["dataset_name"] for d in ok(sdk.list_datasets())["datasets"]]


def test_training_job_lifecycle(
    sdk: SnSdk, sambastudio_clock: Clock, project: str, dataset: str
) -> None:
    job = start_job(sdk, project, dataset, num_iterations=40, save_steps=20)
    assert ok(sdk.search_job(project, "job"))["data"]["job_id"] == job
    assert [j["job_id"] for j in ok(sdk.list_jobs(project_id=project))["jobs"]] == [job]
    ok(sdk.update_job(project, job, name="job", description="renamed"))
    assert status_of(ok(sdk.stop_job(project, job))) == "STOPPED"
    ok(sdk.resume_job("train", project, "job", "{}", False))
    assert run_to_end(sdk, sambastudio_clock, project, job) == "EXIT_WITH_0"


def test_training_job_outputs(
    sdk: SnSdk, sambastudio_clock: Clock, project: str, dataset: str, tmp_path: Path
) -> None:
    job = start_job(sdk, project, dataset)
    assert run_to_end(sdk, sambastudio_clock, project, job) == "EXIT_WITH_0"
    assert ok(sdk.get_metrics(project, job))["data"]["train_loss"]
    logs = ok(sdk.job_log_list(project, job))["logs"]
    assert ok(sdk.job_log_preview(project, job, logs[0]["name"]))["preview"]
    assert ok(sdk.download_logs(project, job, str(tmp_path / "logs")))["path"]
    assert ok(sdk.download_job_artifacts(project, job, str(tmp_path / "a"), "logs"))["path"]
    listed = checkpoints(ok(sdk.list_checkpoints(project, job)))
    last, first = checkpoint_name(listed[-1]), checkpoint_name(listed[0])
    assert checkpoint_name(ok(sdk.checkpoint_info(last))) == last  # the checkpoint, unwrapped
    added = ok(sdk.add_model(project, last, "ft-model", "job", "fine-tuned", "finetuned"))
    ok(sdk.delete_checkpoint(first))
    ok(sdk.delete_model(added["data"]["model_id"]))


def test_batch_predict_results(
    sdk: SnSdk, sambastudio_clock: Clock, project: str, dataset: str, tmp_path: Path
) -> None:
    job = start_job(sdk, project, dataset, "batch_predict", max_tokens_to_generate=8)
    assert run_to_end(sdk, sambastudio_clock, project, job) == "EXIT_WITH_0"
    assert ok(sdk.download_results(project, job, str(tmp_path)))["path"]
    aws = {**AWS, "session_token": "a-session-token"}
    export = ok(sdk.upload_results_to_aws(project, job, **aws))
    exports = ok(sdk.list_exports(project, job))["exports"]
    assert [e["export_id"] for e in exports] == [export["export_id"]]


def test_model_import_export(sdk: SnSdk, sambastudio_clock: Clock) -> None:
    started = ok(sdk.import_model(BASE_MODEL, "ckpts/one", "imported", "LOCAL", 0))
    model_id = started["model_id"]
    done = poll(
        lambda: ok(sdk.import_status(model_id)),
        lambda s: s["status"] == "Available",
        sambastudio_clock,
    )
    assert done["progress"] == 100
    activity = ok(sdk.export_model(model_id, "LOCAL"))["model_activity_id"]
    exported = ok(sdk.exported_model_list())["models"]
    assert activity in [e["model_activity_id"] for e in exported]
    ok(sdk.delete_exported_model(model_id, activity))
    ok(sdk.delete_model("imported"))


def test_composite_models(sdk: SnSdk) -> None:
    dependencies = [{"name": DRAFT_TARGET}, {"name": BASE_MODEL}]
    assert ok(sdk.validate_spec_decoding(DRAFT_TARGET, BASE_MODEL, 16, dependencies))["valid"]
    assert ok(sdk.validate_model_bundle(dependencies, 16))["valid"]
    assert ok(sdk.add_composite_model("bundle", "pair", dependencies, 16, {}, APP))["model_id"]
    ok(sdk.delete_model("bundle"))


def test_endpoint_lifecycle(sdk: SnSdk, sambastudio_clock: Clock, project: str) -> None:
    live = live_endpoint(sdk, sambastudio_clock, project)
    assert ok(sdk.endpoint_info_by_id(live["id"]))["name"] == "ep"
    assert [e["name"] for e in ok(sdk.list_endpoints(project))["endpoints"]] == ["ep"]
    assert ok(sdk.update_endpoint(project, "ep", description="serving"))["description"]
    assert ok(sdk.stop_endpoint(project, "ep"))["status"] == "Stopped"


def test_endpoint_api_keys_and_predictions(
    sdk: SnSdk, sambastudio_clock: Clock, project: str, tmp_path: Path
) -> None:
    live = live_endpoint(sdk, sambastudio_clock, project)
    key = str(uuid.uuid4())  # a new random key in every recording and replay
    ok(sdk.add_endpoint_api_key(project, live["id"], key, "ci"))
    answer = ok(sdk.nlp_predict(project, live["id"], key, ["Hello", "Bye"], trace_id="trace-1"))
    assert len(answer["data"]) == 2
    prompts = str(write_prompts(tmp_path))
    assert ok(sdk.nlp_predict_file(project, live["id"], endpoint_key(live), prompts))["data"]
    assert ok(sdk.edit_endpoint_api_key(project, key, "Revoked", "rotated"))["status"] == "Revoked"
    assert sdk.nlp_predict(project, live["id"], key, "Hello")["status_code"] == 401


def test_tenants(sdk: SnSdk) -> None:
    assert ok(sdk.tenant_default_tenant())["data"]["tenant_name"] == "default"
    tenant_id = ok(sdk.create_tenant("research", "Research"))["data"]["tenant_id"]
    assert "research" in [t["tenant_name"] for t in ok(sdk.list_tenants())["data"]]
    assert ok(sdk.tenant_info("research"))["data"]["tenant_id"] == tenant_id
    ok(sdk.update_tenant("research", "Research B", 2, RDU_ARCH))
    ok(sdk.delete_tenant("research"))


@pytest.mark.sambastudio_emulator_only("logs in as the emulator's admin, whose password is its key")
def test_users_and_login(sdk: SnSdk, target: Target) -> None:
    ok(sdk.add_users([{"user_id": "carol", "role": "User"}]))
    assert "carol" in [u["user_id"] for u in ok(sdk.list_users())["users"]]
    assert ok(sdk.list_roles())["roles"]
    ok(sdk.delete_user("carol", tenant="default"))
    assert ok(sdk.login(target.url, "admin", target.access_key))["key"]


def test_platform_views(sdk: SnSdk) -> None:
    assert isinstance(
        ok(sdk.list_notifications(page=1, limit=5, levels="40,50"))["notifications"], list
    )
    assert isinstance(ok(sdk.get_feature_list())["features"], list)
    assert isinstance(ok(sdk.admin_job_list())["jobs"], list)
    assert ok(sdk.admin_resource_usage())["total_rdus"]
