"""Jobs against the emulator: create, find, wait, stop/resume, outputs, arguments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import (
    AmbiguousNameError,
    InvalidArgumentError,
    JobFailed,
    NameNotFoundError,
    WaitTimeout,
)
from sambastudio.resources import Dataset, Job, Project
from tests.objects.conftest import BASE_MODEL, RDU_ARCH, emulated_now, unique
from tests.objects.flaky import Flaky

MakeDataset = Callable[..., Dataset]
SHORT = {"num_iterations": 10, "save_steps": 5}


@pytest.fixture
def dataset(make_dataset: MakeDataset) -> Dataset:
    return make_dataset(("train", "evaluation", "batch_predict"))


def start(project: Project, dataset: Dataset, **overrides: Any) -> Job:
    arguments: dict[str, Any] = {
        "type": "train",
        "name": unique("job"),
        "model": BASE_MODEL,
        "dataset": dataset,
        "rdu_arch": RDU_ARCH,
        "hyperparams": SHORT,
        **overrides,
    }
    return project.jobs.create(**arguments)


def test_create_returns_the_job(project: Project, dataset: Dataset, emulator: Emulator) -> None:
    job = start(project, dataset, description="first")
    assert isinstance(job, Job)
    assert (job.job_type, job.status, job.description) == ("train", "CREATED", "first")
    assert job.project_id == project.id
    assert job.dataset_id == dataset.id
    assert job.created_at == emulated_now(emulator)


def test_hyperparams_may_be_a_json_string(project: Project, dataset: Dataset) -> None:
    job = start(project, dataset, hyperparams=json.dumps(SHORT))
    assert job.refresh().status in ("CREATED", "PENDING_RDU")


def test_get_by_name_id_or_object_in_a_project_and_across(
    client: Client, project: Project, dataset: Dataset
) -> None:
    name = unique("job")
    job = start(project, dataset, name=name)
    assert job.name == name
    for ref in (job.name, job.id, job):
        assert project.jobs.get(ref) == job
        assert client.jobs.get(ref) == job
    assert client.jobs.get(job.name).project_id == project.id
    assert job in project.jobs.list().to_list()
    assert job in client.jobs.list().to_list()


def test_a_name_in_two_projects_is_ambiguous_across_them(
    client: Client, project: Project, dataset: Dataset
) -> None:
    name = unique("twin")
    first = start(project, dataset, name=name)
    second = start(client.projects.create(name=unique("other")), dataset, name=name)
    with pytest.raises(AmbiguousNameError) as caught:
        client.jobs.get(name)
    assert sorted(caught.value.ids) == sorted([first.id, second.id])
    assert project.jobs.get(name) == first


def test_a_missing_job_names_its_kind(client: Client, project: Project) -> None:
    for jobs in (project.jobs, client.jobs):
        with pytest.raises(NameNotFoundError) as caught:
            jobs.get("no-such-job")
        assert (caught.value.kind, caught.value.name) == ("job", "no-such-job")


def test_wait_until_done_reports_progress(project: Project, dataset: Dataset) -> None:
    job = start(project, dataset)
    seen: list[tuple[Job, str | None]] = []
    assert job.wait(timeout=3600, on_progress=lambda step: seen.append((step, step.status))) is job
    assert job.status == "EXIT_WITH_0"
    assert all(step is job for step, _ in seen)  # refreshed in place
    assert [status for _, status in seen][:3] == ["CREATED", "PENDING_RDU", "TRAINING"]


def test_a_failed_job_raises_with_the_server_message(
    emulator: Emulator, project: Project, dataset: Dataset
) -> None:
    emulator.fail_on(hyperparam=("learning_rate", "0.9"), message="loss diverged")
    job = start(project, dataset, hyperparams={**SHORT, "learning_rate": "0.9"})
    with pytest.raises(JobFailed) as caught:
        job.wait(timeout=3600)
    assert caught.value.job is job
    assert job.status == "EXIT_WITH_1"
    assert "loss diverged" in str(caught.value)


def test_a_job_on_a_bad_dataset_ends_failed(
    emulator: Emulator, project: Project, make_dataset: MakeDataset
) -> None:
    broken = make_dataset()
    assert broken.name.startswith("dataset-")  # make_dataset's unique("dataset")
    emulator.fail_on(dataset=broken.name, message="dataset has no prompt column")
    job = start(project, broken)
    with pytest.raises(JobFailed, match="no prompt column") as caught:
        job.wait(timeout=3600)
    assert caught.value.resource is job
    assert job.status == "FAILED"


def test_a_wait_times_out_with_the_last_status(project: Project, dataset: Dataset) -> None:
    job = start(project, dataset)
    with pytest.raises(WaitTimeout) as caught:
        job.wait(timeout=8, poll_interval=2, max_poll_interval=2)
    assert caught.value.seconds == 8
    assert caught.value.last_status in ("CREATED", "PENDING_RDU")


@pytest.mark.parametrize(
    "failures",
    [
        [503, 502, 503],
        [requests.ConnectionError("reset by peer")] * 3,
        [429],
    ],
)
def test_a_wait_rides_out_transient_errors(
    client: Client, project: Project, dataset: Dataset, failures: list[int | Exception]
) -> None:
    job = start(project, dataset)
    flaky = Flaky(f"/jobs/{job.id}", failures)
    client._pipeline.session.mount(client.settings.host_url, flaky)
    job.attach(client.with_options(max_retries=0))
    assert job.wait(timeout=3600).status == "EXIT_WITH_0"
    assert flaky.failed == len(failures)


def test_stop_then_resume(project: Project, dataset: Dataset) -> None:
    job = start(project, dataset, hyperparams={"num_iterations": 40, "save_steps": 20})
    with pytest.raises(WaitTimeout):
        job.wait(timeout=30)
    assert job.stop().status == "STOPPED"
    with pytest.raises(JobFailed, match="STOPPED"):
        job.wait(timeout=3600)
    assert job.resume().status != "STOPPED"
    assert job.wait(timeout=3600).status == "EXIT_WITH_0"


def test_update_and_delete(project: Project, dataset: Dataset) -> None:
    job = start(project, dataset)
    new_name = unique("renamed")
    assert job.update(name=new_name, description="new words") is job
    assert (job.name, job.description) == (new_name, "new words")
    assert project.jobs.get(new_name) == job
    job.delete()
    other_name = unique("job")
    other = start(project, dataset, name=other_name)
    assert other.name == other_name
    project.jobs.delete(other_name)
    assert project.jobs.list().to_list() == []


def test_metrics_and_logs(project: Project, dataset: Dataset) -> None:
    job = start(project, dataset).wait(timeout=3600)
    metrics = job.metrics()
    assert [point.step for point in metrics.train_loss][-1] == 10
    assert metrics["train_loss"] == metrics.train_loss
    logs = job.logs.list().to_list()
    assert [log.name for log in logs] == ["job.log", "training.log"]  # a train job's two
    events = job.logs.preview(logs[0]).splitlines()
    assert events[0].endswith(f"job {job.name} created (train)")
    assert events[-1].endswith("ended EXIT_WITH_0")
    assert job.logs.preview(logs[0].name) == job.logs.preview(logs[0])


def test_downloads(project: Project, dataset: Dataset, tmp_path: Path) -> None:
    job = start(project, dataset, type="batch_predict", hyperparams={}).wait(timeout=3600)
    results = job.download_results(tmp_path / "results")
    assert results.is_file()
    assert results.name.endswith(".tar.gz")
    unpacked = job.download_results(tmp_path / "unpacked", extract=True)
    assert any(path.is_file() for path in unpacked.rglob("*"))
    assert job.download_logs(tmp_path / "logs").is_file()
    assert job.download_artifacts(tmp_path / "artifacts", kind="logs").is_file()


def test_results_export_to_s3(project: Project, dataset: Dataset) -> None:
    job = start(project, dataset, type="batch_predict", hyperparams={}).wait(timeout=3600)
    export = job.export_to_s3(
        bucket="my-bucket",
        folder="runs/1",
        access_key_id="AKIA-TEST",
        secret_access_key="secret",
        region_name="eu-west-1",
    )
    assert export.status in ("InProgress", "Completed")
    assert [e.id for e in job.exports.list()] == [export.id]


BAD_ARGUMENTS = [
    ({"type": "fly"}, "type"),
    ({"name": ""}, "name"),
    ({"parallel_instances": 0}, "parallel_instances"),
    ({"hyperparams": "{not json"}, "hyperparams"),
    ({"hyperparams": "[1]"}, "hyperparams"),
    ({"rdu_arch": ""}, "rdu_arch"),
]


@pytest.mark.parametrize(("overrides", "argument"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_before_any_request(
    project: Project, sent: list[str], overrides: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        start(project, Dataset.model_validate({"id": "d"}), **overrides)
    assert caught.value.argument == argument
    assert sent == []


def test_bad_download_kind_is_refused(project: Project) -> None:
    job = Job.model_validate({"job_id": "j", "project_id": project.id}).attach(project.client)
    with pytest.raises(InvalidArgumentError) as caught:
        job.download_artifacts(kind="everything")  # type: ignore[arg-type]
    assert caught.value.argument == "kind"
