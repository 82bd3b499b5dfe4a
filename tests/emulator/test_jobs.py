"""The job state machine and what jobs produce, driven by advancing the emulated clock."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
import requests

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from sambastudio.emulator._jobs import CREATED_SECONDS, PENDING_SECONDS, STEP_SECONDS
from tests.emulator.conftest import Api
from tests.emulator.helpers import EMBEDDING, add_dataset, job_args, start_job

RUNNING_FROM = CREATED_SECONDS + PENDING_SECONDS


def status(api: Api, job: str = "ft") -> dict[str, object]:
    data: dict[str, object] = api.ok("job_info", project="p", job=job)["data"]
    return data


def test_a_train_job_walks_through_its_states(emulator: Emulator, api: Api) -> None:
    job = start_job(api)
    assert job["status"] == "CREATED"
    assert job["job_type"] == "train"
    assert job["rdu_arch"] == "SN40L-8"
    seen = [job["status"]]
    for _ in range(40):
        emulator.clock.advance(STEP_SECONDS)
        current = status(api)["status"]
        if current != seen[-1]:
            seen.append(current)
    assert seen == ["CREATED", "PENDING_RDU", "TRAINING", "EXIT_WITH_0"]
    done = status(api)
    assert done["completion_percentage"] == 100
    assert done["steps"] == 20


def test_checkpoints_are_named_after_the_job_with_falling_loss(
    emulator: Emulator, api: Api
) -> None:
    job = start_job(api)
    emulator.clock.advance(RUNNING_FROM + 12 * STEP_SECONDS)
    partial = api.ok("list_checkpoints", project="p", job="ft")["checkpoints"]
    assert [c["name"] for c in partial] == [f"{job['job_id']}-5", f"{job['job_id']}-10"]
    emulator.clock.advance(3600)
    checkpoints = api.ok("list_checkpoints", project="p", job=job["job_id"])["checkpoints"]
    assert [c["steps"] for c in checkpoints] == [5, 10, 15, 20]
    losses = [c["metrics"]["single_value"]["train_loss"] for c in checkpoints]
    assert losses == sorted(losses, reverse=True)
    assert len(set(losses)) == 4
    info = api.ok("checkpoint_info", checkpoint_name=checkpoints[0]["name"])
    assert info["checkpoint_id"] == checkpoints[0]["checkpoint_id"]
    api.ok("delete_checkpoint", checkpoint=checkpoints[0]["name"])
    assert api("checkpoint_info", checkpoint_name=checkpoints[0]["name"]).status_code == 404
    remaining = api.ok("list_checkpoints", project="p", job="ft")["checkpoints"]
    assert len(remaining) == 3  # a deleted checkpoint stays deleted


def test_stop_freezes_and_resume_continues(emulator: Emulator, api: Api) -> None:
    start_job(api)
    emulator.clock.advance(RUNNING_FROM + 7 * STEP_SECONDS)
    stopped = api.ok("stop_job", project="p", job="ft")["data"]
    assert stopped["status"] == "STOPPED"
    assert stopped["steps"] == 7
    assert api.ok("stop_job", project="p", job="ft")["data"]["status"] == "STOPPED"
    emulator.clock.advance(3600)
    assert status(api)["status"] == "STOPPED"
    assert status(api)["steps"] == 7
    resumed = api.ok(
        "resume_job",
        project="p",
        job_name="ft",
        job_type="train",
        hyperparams="{}",
        load_state=True,
    )["data"]
    assert resumed["status"] == "CREATED"
    assert resumed["steps"] == 7
    emulator.clock.advance(RUNNING_FROM + 3 * STEP_SECONDS)
    assert status(api)["steps"] == 10
    emulator.clock.advance(3600)
    assert status(api)["status"] == "EXIT_WITH_0"
    steps = [c["steps"] for c in api.ok("list_checkpoints", project="p", job="ft")["checkpoints"]]
    assert steps == [5, 10, 15, 20]
    assert api("stop_job", project="p", job="ft").status_code == 400
    again = api(
        "resume_job",
        project="p",
        job_name="ft",
        job_type="train",
        hyperparams="{}",
        load_state=True,
    )
    assert again.status_code == 400
    assert "STOPPED" in again.json()["detail"]


def test_a_batch_predict_job_predicts_and_leaves_results(emulator: Emulator, api: Api) -> None:
    add_dataset(emulator, "inputs", job_types=("batch_predict",))
    start_job(api, job_type="batch_predict", job_name="bp", dataset="inputs", hyperparams="{}")
    assert api("download_results", project="p", job="bp").json() == {"detail": "No results exists"}
    emulator.clock.advance(RUNNING_FROM + STEP_SECONDS)
    assert status(api, "bp")["status"] == "PREDICTING"
    emulator.clock.advance(3600)
    assert status(api, "bp")["status"] == "EXIT_WITH_0"
    response = api("download_results", project="p", job="bp")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.content)) as archive:
        assert archive.getnames() == ["results/output.csv"]
        rows = archive.extractfile("results/output.csv").read().decode().splitlines()  # type: ignore[union-attr]
    assert rows[0] == "input,completion"
    assert len(rows) == 21
    again = api("download_job_artifacts", project="p", job="bp", artifact_type="results")
    assert again.content == response.content  # reproducible bytes
    assert (
        api("download_job_artifacts", project="p", job="bp", artifact_type="x").status_code == 400
    )


def test_an_evaluation_job_trains_without_checkpoints(emulator: Emulator, api: Api) -> None:
    start_job(api, job_type="evaluation", job_name="ev", hyperparams="{}")
    emulator.clock.advance(RUNNING_FROM + STEP_SECONDS)
    assert status(api, "ev")["status"] == "TRAINING"
    emulator.clock.advance(3600)
    assert status(api, "ev")["status"] == "EXIT_WITH_0"
    assert api.ok("list_checkpoints", project="p", job="ev")["checkpoints"] == []


def test_a_bad_dataset_fails_the_job_with_a_message(emulator: Emulator, api: Api) -> None:
    add_dataset(emulator, "broken")
    emulator.fail_on(dataset="broken", message="no valid records")
    start_job(api, dataset="broken")
    emulator.clock.advance(3600)
    info = status(api)
    assert info["status"] == "FAILED"
    assert info["status_message"] == "no valid records"
    notes = api.ok("list_notifications", levels=[40])["notifications"]
    assert [n["message"] for n in notes] == ["Job ft ended FAILED: no valid records"]


def test_a_bad_hyperparameter_ends_with_exit_code_1(emulator: Emulator, api: Api) -> None:
    emulator.fail_on(hyperparam=("learning_rate", "0.5"))
    start_job(api, hyperparams=json.dumps({"learning_rate": 0.5, "num_iterations": 20}))
    emulator.clock.advance(RUNNING_FROM + STEP_SECONDS)
    assert status(api)["status"] == "TRAINING"
    emulator.clock.advance(3600)
    info = status(api)
    assert info["status"] == "EXIT_WITH_1"
    assert "learning_rate=0.5" in str(info["status_message"])


def test_metrics_logs_and_archives(emulator: Emulator, api: Api) -> None:
    start_job(api)
    emulator.clock.advance(3600)
    metrics = api.ok("get_metrics", project="p", job="ft")["data"]
    assert [point["step"] for point in metrics["train_loss"]] == list(range(1, 21))
    sampled = api.ok("get_metrics", project="p", job="ft", random_sample_limit=4)["data"]
    assert len(sampled["train_loss"]) == 4
    assert api("get_metrics", project="p", job="ft", random_sample_limit=0).status_code == 400
    logs = api.ok("job_log_list", project="p", job="ft")["logs"]
    assert [log["name"] for log in logs] == ["job.log", "training.log"]
    preview = api.ok("job_log_preview", project="p", job="ft", log_file="training.log")
    assert preview["preview"].splitlines()[-1].startswith("step 20/20 train_loss=")
    assert api("job_log_preview", project="p", job="ft", log_file="../etc").status_code == 404
    archive = api("download_logs", project="p", job="ft")
    with tarfile.open(fileobj=io.BytesIO(archive.content)) as tar:
        assert tar.getnames() == ["logs/job.log", "logs/training.log"]
    assert api("download_results", project="p", job="ft").status_code == 404


def test_results_export_to_s3_never_echoes_credentials(emulator: Emulator, api: Api) -> None:
    add_dataset(emulator, "inputs", job_types=("batch_predict",))
    start_job(api, job_type="batch_predict", job_name="bp", dataset="inputs", hyperparams="{}")
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    upload = {
        "project": "p",
        "job": "bp",
        "bucket": "my-bucket",
        "folder": "out",
        "access_key_id": "AKIAEXAMPLE",
        "secret_access_key": secret,
        "session_token": None,
        "region_name": "us-west-2",
    }
    early = api("upload_results_to_aws", **upload)
    assert early.status_code == 400
    assert secret not in early.text
    emulator.clock.advance(3600)
    export = api.ok("upload_results_to_aws", **upload)
    assert export["status"] == "InProgress"
    emulator.clock.advance(60)
    exports = api.ok("list_exports", project="p", job="bp")["exports"]
    assert [(e["export_id"], e["status"]) for e in exports] == [(export["export_id"], "Completed")]
    bad = api("upload_results_to_aws", **{**upload, "bucket": "Bad Bucket!"})
    assert bad.status_code == 400
    assert secret not in bad.text
    assert secret not in json.dumps(emulator.state.store.list("export"))


def test_list_search_update_and_delete(emulator: Emulator, api: Api) -> None:
    job = start_job(api)
    add_dataset(emulator, "other")
    start_job(api, job_name="second", dataset="other")
    listed = api.ok("list_jobs", project_id="p")
    assert listed["count"] == 2
    assert [j["job_name"] for j in listed["jobs"]] == ["ft", "second"]
    assert api.ok("list_jobs")["count"] == 2
    assert api.ok("search_job", project="p", job_name="ft") == {"data": {"job_id": job["job_id"]}}
    assert api("search_job", project="p", job_name="nope").status_code == 404
    renamed = api.ok("update_job", project="p", job="ft", name="renamed", description="new")
    assert renamed["data"]["job_name"] == "renamed"
    assert api("update_job", project="p", job="renamed", name="second").status_code == 409
    emulator.clock.advance(3600)
    api.ok("list_checkpoints", project="p", job="renamed")
    assert api.ok("delete_job", project="p", job="renamed") == {}
    assert api("job_info", project="p", job="renamed").status_code == 404
    assert emulator.state.store.list("checkpoint", parent_id=job["job_id"]) == []


@pytest.mark.parametrize(
    ("overrides", "status_code", "message"),
    [
        ({"job_type": "deploy"}, 400, "job_type must be one of"),
        ({"hyperparams": "{not json"}, 400, "not valid JSON"),
        ({"hyperparams": "[1, 2]"}, 400, "must be a JSON object"),
        ({"hyperparams": '{"num_iterations": -1}'}, 400, "must be >= 1"),
        ({"hyperparams": '{"num_iterations": "many"}'}, 400, "must be of type int"),
        ({"hyperparams": '{"batch_size": 7}'}, 400, "must be one of"),
        ({"hyperparams": '{"vocab_size": 5}'}, 400, "cannot be changed"),
        ({"hyperparams": '{"warp_speed": 9}'}, 400, "unknown hyperparameter"),
        ({"rdu_arch": "sn10"}, 400, "no valid images found"),
        ({"model_checkpoint": "nope"}, 404, "model nope not found"),
        ({"model_checkpoint": EMBEDDING}, 400, "does not support job type train"),
        ({"dataset": "nope"}, 404, "dataset nope not found"),
        ({"project": "nope"}, 404, "project nope not found"),
        ({"job_name": "../escape"}, 400, "may not contain"),
        ({"sub_path": "/etc"}, 400, "relative path"),
        ({"sub_path": "a/../../b"}, 400, "may not contain"),
        ({"parallel_instances": -1}, 400, "parallel_instances"),
    ],
)
def test_create_job_refuses_bad_input_in_the_grpc_format(
    emulator: Emulator, api: Api, overrides: dict[str, object], status_code: int, message: str
) -> None:
    api.ok("create_project", project_name="p", description="")
    add_dataset(emulator)
    response = api("create_job", **job_args(**overrides))
    assert response.status_code == status_code, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert message in body["message"]
    assert body["code"] == (3 if status_code == 400 else 5)


def test_a_duplicate_job_name_answers_code_3(emulator: Emulator, api: Api) -> None:
    job = start_job(api)
    response = api("create_job", **job_args())
    assert response.status_code == 400
    assert response.json()["message"] == (
        f"Job with ft name already exists in project {job['project_id']}"
    )


def test_a_dataset_for_another_job_type_is_refused(emulator: Emulator, api: Api) -> None:
    api.ok("create_project", project_name="p", description="")
    add_dataset(emulator, "inputs", job_types=("batch_predict",))
    add_dataset(emulator, "pending", status="Uploading")
    assert "not train" in api("create_job", **job_args(dataset="inputs")).json()["message"]
    assert "not Available" in api("create_job", **job_args(dataset="pending")).json()["message"]


# ------------------------------------------------------------- ranges on the archives
ARCHIVES = [
    ("download_results", {}),
    ("download_logs", {}),
    ("download_job_artifacts", {"artifact_type": "logs"}),
]


def fetch(api: Api, route: str, args: dict[str, str], **headers: str) -> requests.Response:
    """GET an archive route of job ``bp`` with extra headers (``Range``, ``If-Range``)."""
    path = ROUTES[route].bind(project="p", job="bp", **args).path
    key = {"key": api.emulator.access_key}
    return api.session.get(api.emulator.url + path, headers={**key, **headers}, timeout=30)


@pytest.fixture
def finished(emulator: Emulator, api: Api) -> None:
    """A batch_predict job ``bp`` that ended with results."""
    add_dataset(emulator, "inputs", job_types=("batch_predict",))
    start_job(api, job_type="batch_predict", job_name="bp", dataset="inputs", hyperparams="{}")
    emulator.clock.advance(3600)


@pytest.mark.usefixtures("finished")
@pytest.mark.parametrize(("route", "args"), ARCHIVES)
def test_an_archive_answers_one_byte_range_with_206(
    api: Api, route: str, args: dict[str, str]
) -> None:
    whole = fetch(api, route, args)
    data, size = whole.content, len(whole.content)
    assert whole.status_code == 200
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert size > 40
    asked = {
        "bytes=10-": (10, size - 1),
        "bytes=10-19": (10, 19),
        "bytes=0-0": (0, 0),
        "bytes=-7": (size - 7, size - 1),
        f"bytes=-{size + 5}": (0, size - 1),
        "bytes=5-99999999": (5, size - 1),
    }
    for header, (first, last) in asked.items():
        part = fetch(api, route, args, Range=header)
        assert part.status_code == 206, header
        assert part.content == data[first : last + 1], header
        assert part.headers["Content-Range"] == f"bytes {first}-{last}/{size}", header
        assert part.headers["Content-Length"] == str(last - first + 1), header
        assert part.headers["ETag"] == whole.headers["ETag"], header


@pytest.mark.usefixtures("finished")
def test_a_range_past_the_end_answers_416_with_the_size(api: Api) -> None:
    size = len(fetch(api, "download_results", {}).content)
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        refused = fetch(api, "download_results", {}, Range=header)
        assert refused.status_code == 416, header
        assert refused.headers["Content-Range"] == f"bytes */{size}", header
        assert "past the end" in refused.json()["detail"], header


@pytest.mark.usefixtures("finished")
@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=-", "x"])
def test_a_range_the_server_ignores_gets_the_whole_archive(api: Api, header: str) -> None:
    whole = fetch(api, "download_results", {})
    answer = fetch(api, "download_results", {}, Range=header)
    assert answer.status_code == 200
    assert answer.content == whole.content
    assert "Content-Range" not in answer.headers


@pytest.mark.usefixtures("finished")
def test_if_range_resumes_only_the_same_archive(api: Api) -> None:
    whole = fetch(api, "download_results", {})
    etag = whole.headers["ETag"]
    same = fetch(api, "download_results", {}, Range="bytes=10-", **{"If-Range": etag})
    other = fetch(api, "download_results", {}, Range="bytes=10-", **{"If-Range": '"stale"'})
    assert (same.status_code, same.content) == (206, whole.content[10:])
    assert (other.status_code, other.content) == (200, whole.content)


def test_the_logs_of_a_running_job_change_their_etag(emulator: Emulator, api: Api) -> None:
    start_job(api, job_name="bp")
    emulator.clock.advance(RUNNING_FROM + STEP_SECONDS)
    before = fetch(api, "download_logs", {})
    emulator.clock.advance(STEP_SECONDS)
    after = fetch(api, "download_logs", {})
    assert before.content != after.content
    assert before.headers["ETag"] != after.headers["ETag"]
