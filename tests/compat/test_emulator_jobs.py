"""SnSdk against the emulator, both flavors: the fine-tuning lifecycle and every job method.

``test_fine_tune_promote_deploy_predict`` is the ai-starter-kit ``SnsdkWrapper`` sequence
(api-evidence.md §3.1), reading exactly the keys it reads; time moves with ``emu.clock``.
"""

from __future__ import annotations

import json
import tarfile
import warnings
from pathlib import Path

import pytest

from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from tests.compat.helpers import (
    TRAINING_DATA,
    checkpoint_name,
    checkpoints,
    endpoint_key,
    job_id,
    ok,
    project_id,
    run_to_end,
    unique,
    until_live,
    upload_dataset,
)

MODEL = "Meta-Llama-3.2-1B-Instruct"


@pytest.fixture(scope="module")
def dataset(emu: Emulator) -> str:
    """A dataset for every job type, uploaded through the shim."""
    name = unique("squad")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        sdk = SnSdk(emu.url, emu.access_key)
        upload_dataset(sdk, name, TRAINING_DATA, ["train", "evaluation", "batch_predict"])
    return name


def test_fine_tune_promote_deploy_predict(
    sdk: SnSdk, emu: Emulator, legacy: bool, dataset: str
) -> None:
    project, job, new_model, endpoint = unique("ft"), unique("ft-job"), unique("mine"), unique("ep")
    assert sdk.search_project(project_name=project)["status_code"] != 200
    pid = project_id(ok(sdk.create_project(project_name=project, description="fine-tuning")))

    models = ok(sdk.list_models())["models"]
    trainable = [m for m in models if {"train"} <= set(m["jobTypes"])]
    model_id = next(m["model_id"] for m in trainable if m["model_checkpoint_name"] == MODEL)
    datasets = ok(sdk.list_datasets())["datasets"]
    dataset_id = next(d["id"] for d in datasets if d["dataset_name"] == dataset)
    fields = ok(sdk.model_info(MODEL, "train"))["hyperparams"]["train"]["SN40L-8"]["user_params"]
    hyperparams = {f["FIELD_NAME"]: f["TYPE_SPECIFIC_SETTINGS"]["train"]["DEFAULT"] for f in fields}
    hyperparams.update(num_iterations="6", save_steps="2")

    created = ok(
        sdk.create_job(
            project=pid,
            job_name=job,
            description="fine-tune",
            job_type="train",
            model_checkpoint=model_id,
            model_version=1,
            dataset=dataset_id,
            parallel_instances=1,
            load_state=False,
            sub_path="",
            rdu_arch="SN40L-8",
            hyperparams=json.dumps(hyperparams),
        )
    )
    jid = job_id(created)
    assert (created["status"], "data" in created) == ("CREATED", False)  # flat in 2024 too
    assert ok(sdk.search_job(project=pid, job_name=job))["data"]["job_id"] == jid
    seen = run_to_end(sdk, emu, pid, jid)
    assert seen[0] == "CREATED"
    assert "TRAINING" in seen
    assert seen[-1] == "EXIT_WITH_0"

    listed = checkpoints(ok(sdk.list_checkpoints(project=pid, job=jid)))
    assert len(listed) == 3
    best = min(listed, key=lambda c: c["metrics"]["single_value"]["train_loss"])
    best_name = checkpoint_name(best)
    assert best_name.startswith(jid)
    assert ok(sdk.checkpoint_info(best_name))["checkpoint_id"] == best["checkpoint_id"]
    promoted = ok(
        sdk.add_model(
            project=project,
            job=job,
            model_checkpoint=best_name,
            model_checkpoint_name=new_model,
            description="fine-tuned",
            checkpoint_type="finetuned",
        )
    )
    new_model_id = promoted["data"]["model_id"]
    for other in listed:
        if checkpoint_name(other) != best_name:
            ok(sdk.delete_checkpoint(checkpoint=checkpoint_name(other)))
    assert len(checkpoints(ok(sdk.list_checkpoints(pid, jid)))) == 1

    assert ok(sdk.search_model(model_name=new_model))["data"]["model_id"] == new_model_id
    assert sdk.endpoint_info(project=pid, endpoint=endpoint)["status_code"] == 404
    deployed = ok(
        sdk.create_endpoint(
            project=pid,
            endpoint_name=endpoint,
            description="serving",
            model_checkpoint=new_model_id,
            model_version="1",
            instances=1,
            rdu_arch="SN40L-8",
            hyperparams=json.dumps({}),
            inference_api_openai_compatible=False,
        )
    )
    eid = deployed["id"]
    live = until_live(sdk, emu, pid, endpoint)
    assert live["id"] == eid
    assert live["url"].endswith(f"/{pid}/{eid}")
    assert live["targets"][0]["model"] == new_model_id

    params = {"max_tokens_to_generate": {"type": "int", "value": "16"}}
    answer = ok(sdk.nlp_predict(pid, eid, endpoint_key(live), "Hello", json.dumps(params)))
    assert answer["data"][0]["completion"]

    for result in (
        sdk.delete_endpoint(project=pid, endpoint=eid),
        sdk.delete_job(project=pid, job=jid),
        sdk.delete_model(model=new_model_id),
        sdk.delete_project(project=pid),
    ):
        ok(result)


def test_job_controls_logs_and_metrics(
    sdk: SnSdk, emu: Emulator, dataset: str, tmp_path: Path
) -> None:
    project, job = unique("jobs"), unique("train")
    pid = project_id(ok(sdk.create_project(project, "")))
    hyperparams = {"num_iterations": "10"}  # a dict works as well as a JSON string
    ok(
        sdk.create_job(
            "train", project, MODEL, job, "", dataset, hyperparams, False, "", 1, "SN40L-8"
        )
    )
    listed = ok(sdk.list_jobs(project_id=pid))
    assert ([j["job_name"] for j in listed["jobs"]], listed["count"]) == ([job], 1)
    assert job in [j["job_name"] for j in ok(sdk.list_jobs())["jobs"]]
    emu.clock.advance(20)
    assert job in [j["job_name"] for j in ok(sdk.admin_job_list())["jobs"]]

    assert ok(sdk.stop_job(project=project, job=job))["data"]["status"] == "STOPPED"
    resumed = ok(sdk.resume_job("train", project, job, json.dumps({}), True))["data"]
    assert resumed["status"] != "STOPPED"
    renamed = unique("train")
    updated = ok(sdk.update_job(project, job, name=renamed, description="renamed"))["data"]
    assert (updated["job_name"], updated["description"]) == (renamed, "renamed")
    assert run_to_end(sdk, emu, project, renamed)[-1] == "EXIT_WITH_0"
    assert ok(sdk.job_info(project, renamed, verbose=True))["data"]["job_name"] == renamed

    metrics = ok(sdk.get_metrics(project, renamed, random_sample_limit=5))["data"]
    # 5 of the 10 steps, evenly spread (stride 2 from the first)
    assert [point["step"] for point in metrics["train_loss"]] == [1, 3, 5, 7, 9]
    logs = ok(sdk.job_log_list(project=project, job=renamed))["logs"]
    assert [log["name"] for log in logs] == ["job.log", "training.log"]
    preview = ok(sdk.job_log_preview(project, renamed, log_file=logs[0]["name"]))
    assert preview["preview"].splitlines()[-1].endswith("ended EXIT_WITH_0")
    archive = ok(sdk.download_logs(project, renamed, dest_dir=str(tmp_path)))["path"]
    assert tarfile.is_tarfile(archive)
    assert not list(tmp_path.glob("*.part"))
    other = ok(sdk.download_job_artifacts(project, renamed, str(tmp_path / "a"), "logs"))
    assert Path(other["path"]).read_bytes() == Path(archive).read_bytes()

    ok(sdk.delete_job(project, renamed))
    assert sdk.job_info(project, renamed)["status_code"] == 404


def test_get_metrics_with_the_seed_default(sdk: SnSdk, emu: Emulator, dataset: str) -> None:
    """-1, the seed's default, means every point; a positive limit samples."""
    project, job = unique("metrics"), unique("train")
    ok(sdk.create_project(project, ""))
    ok(sdk.create_job("train", project, MODEL, job, "", dataset, "{}", False, "", 1, "SN40L-8"))
    emu.clock.advance(12 + 3 * 6)
    every = ok(sdk.get_metrics(project, job))["data"]["train_loss"]
    assert len(every) >= 5
    losses = [point["value"] for point in every]
    assert losses == sorted(losses, reverse=True)
    sampled = ok(sdk.get_metrics(project, job, random_sample_limit=2))["data"]["train_loss"]
    assert len(sampled) == 2


def test_batch_predict_results_and_exports(
    sdk: SnSdk, emu: Emulator, dataset: str, tmp_path: Path
) -> None:
    project, job = unique("batch"), unique("predict")
    ok(sdk.create_project(project, ""))
    ok(
        sdk.create_job(
            "batch_predict", project, MODEL, job, "", dataset, "{}", False, "", 1, "SN40L-8"
        )
    )
    again = sdk.create_job(
        "batch_predict", project, MODEL, job, "", dataset, "{}", False, "", 1, "SN40L-8"
    )
    assert (again["status_code"], again["code"]) == (400, 3)  # grpc-gateway, as in S3
    assert f"Job with {job} name already exists" in again["message"]
    early = sdk.download_results(project, job, str(tmp_path))
    assert (early["status_code"], early["detail"]) == (404, "No results exists")
    assert run_to_end(sdk, emu, project, job)[-1] == "EXIT_WITH_0"

    results = ok(sdk.download_results(project, job, str(tmp_path)))["path"]
    with tarfile.open(results) as archive:
        assert any(name.startswith("results/") for name in archive.getnames())
    again = ok(sdk.download_job_artifacts(project, job, dest_dir=str(tmp_path / "b")))
    assert Path(again["path"]).read_bytes() == Path(results).read_bytes()

    secret = "aws-secret-never-echoed"
    export = ok(
        sdk.upload_results_to_aws(
            project, job, "my-bucket", "runs/1", "AKIAEXAMPLE", secret, "token", "us-west-2"
        )
    )
    # (a server that echoes the secret back: tests/compat/test_echoed_secrets.py)
    emu.clock.advance(10)
    exports = ok(sdk.list_exports(project=project, job=job))["exports"]
    assert [(e["export_id"], e["status"]) for e in exports] == [(export["export_id"], "Completed")]

    evaluation = unique("eval")
    ok(
        sdk.create_job(
            "evaluation", project, MODEL, evaluation, "", dataset, "{}", False, "", 1, "SN40L-8"
        )
    )
    assert run_to_end(sdk, emu, project, evaluation)[-1] == "EXIT_WITH_0"
