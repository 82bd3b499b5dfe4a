"""Jupyter display: each kind's HTML holds its fields, escapes what the server sent, and never
a secret; lists are tables, checkpoints a comparison best first; plain reprs stay short."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from sambastudio._client import Client
from sambastudio._display import MAX_ROWS, list_html
from sambastudio._pagination import Pager
from sambastudio.errors import NameNotFoundError, NotFoundError
from sambastudio.resources import Dataset, Job, LogFile, Project
from tests.objects._endpoint_fixtures import deploy_live, secrets_of
from tests.objects.conftest import BASE_MODEL, RDU_ARCH, unique
from tests.objects.fakes import FakeClock

INJECTION = "<img src=x onerror=alert(1)>"


def test_a_job_shows_name_status_progress_and_times(trained: Job) -> None:
    shown = trained._repr_html_()
    assert trained.name
    assert trained.name in shown
    assert ">EXIT_WITH_0</span>" in shown
    assert '<progress value="100" max="100"></progress> 100% (step 10 of 10)' in shown
    assert f"{trained.created_at:%Y-%m-%d %H:%M:%S}" in shown
    assert f"{trained.updated_at:%Y-%m-%d %H:%M:%S}" in shown
    assert "duration" in shown


def test_a_running_job_shows_how_far_it_is(
    project: Project, make_dataset: Callable[..., Dataset], clock: FakeClock
) -> None:
    job = project.jobs.create(
        type="train", name=unique("train"), model=BASE_MODEL, dataset=make_dataset(),
        rdu_arch=RDU_ARCH, hyperparams={"num_iterations": 10},
    )  # fmt: skip
    clock.sleep(2 + 10 + 4 * 3 + 1)  # created, pending an RDU, then four steps of 3 s
    shown = job.refresh()._repr_html_()
    assert '<progress value="40" max="100"></progress> 40% (step 4 of 10)' in shown
    assert ">TRAINING</span>" in shown


def test_an_endpoint_shows_state_and_url_never_a_key(client: Client, project: Project) -> None:
    endpoint = deploy_live(project)
    added = endpoint.api_keys.create(description="notebook")
    endpoint.refresh()
    shown = [endpoint._repr_html_(), project.endpoints._repr_html_(), added._repr_html_()]
    assert ">Live</span>" in shown[0]
    assert endpoint.url
    assert endpoint.url in shown[0]
    keys = len(endpoint.listed_keys)  # a 2024 server lists only the key in use
    assert keys >= 1
    assert f"{keys} ({keys} active)" in shown[0]
    assert endpoint.url in shown[1]
    assert (endpoint.name or "") in shown[1]
    assert added.id in shown[2]
    assert "notebook" in shown[2]
    for secret in secrets_of(client, endpoint):
        assert all(secret not in html for html in shown)
        assert secret not in repr(endpoint)
        assert secret not in repr(added)
    assert len(repr(endpoint)) < 200


def test_server_values_are_escaped(client: Client) -> None:
    project = client.projects.create(name=INJECTION, description=INJECTION)
    # The session's emulator holds more projects than a table shows: list this one alone.
    shown = [project._repr_html_(), Pager.one_page(lambda: [project])._repr_html_()]
    for html in shown:
        assert INJECTION not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    job = Job.model_validate({"job_id": "j1", "job_name": "</table><script>", "status": "<b>"})
    assert "<script>" not in job._repr_html_()
    assert "<b>" not in job._repr_html_()
    assert "&lt;/table&gt;&lt;script&gt;" in job._repr_html_()


def test_lists_are_tables_of_their_kind(trained: Job, project: Project) -> None:
    shown = project.jobs.list()._repr_html_()
    assert shown.count("<tr>") == 1 + len(project.jobs.list().to_list())
    assert (trained.name or "") in shown
    assert "job type" in shown
    logs = trained.logs.list()
    assert all(log.name in logs._repr_html_() for log in logs)


def test_checkpoints_compare_best_first(trained: Job) -> None:
    listed = trained.checkpoints.list().to_list()
    assert [c.steps for c in listed] == [5, 10]  # the server's order
    shown = trained.checkpoints.list()._repr_html_()
    rows = shown.split("<tr>")[2:]
    best, other = listed[1], listed[0]  # the loss falls as training goes on
    assert (best.name or "") in rows[0]
    assert ">best<" in rows[0]
    assert (other.name or "") in rows[1]
    assert ">best<" not in rows[1]
    assert f"{best.metrics.train_loss:.4g}" in rows[0]
    assert "sorted by training loss" in shown


def test_a_long_list_shows_its_first_rows() -> None:
    many = Pager.one_page(lambda: [LogFile(name=f"log-{i}", size=i) for i in range(MAX_ROWS + 9)])
    shown = list_html(many)
    assert shown.count("<tr>") == 1 + MAX_ROWS
    assert f"first {MAX_ROWS} shown" in shown
    assert "(none)" in list_html([])


def test_errors_show_type_status_and_message_escaped(client: Client) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.projects.get("p" * 36).refresh()
    shown = caught.value._repr_html_()
    assert "NotFoundError" in shown
    assert "status code 404" in shown
    missing = NameNotFoundError("project", INJECTION)
    assert INJECTION not in missing._repr_html_()
    assert "&lt;img" in missing._repr_html_()


def test_lists_convert_to_data_frames(trained: Job) -> None:
    frame = trained.checkpoints.list().to_pandas()
    assert list(frame.columns) == ["name", "steps", "train_loss", "learning_rate", "created_at"]
    assert frame["steps"].tolist() == [5, 10]
    listed = trained.checkpoints.list().to_list()
    assert frame["train_loss"].tolist() == [c.metrics.train_loss for c in listed]


def test_job_metrics_show_a_summary_and_a_frame(trained: Job) -> None:
    metrics = trained.metrics()
    shown = metrics._repr_html_()
    assert "train_loss" in shown
    assert "train_learning_rate" in shown
    frame = metrics.to_pandas()
    assert frame.index.name == "step"
    assert frame.index.tolist() == list(range(1, 11))
    assert frame["train_loss"].tolist() == [p.value for p in metrics.train_loss]
    assert metrics.latest("train_loss") == metrics.train_loss[-1].value == trained.latest_loss()


def test_without_pandas_the_error_names_the_extra(
    trained: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sambastudio.errors import MissingDependencyError

    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    with pytest.raises(
        MissingDependencyError, match=re.escape("pip install 'sambastudio[pandas]'")
    ):
        trained.checkpoints.list().to_pandas()
    with pytest.raises(ImportError, match="pandas"):
        trained.metrics().to_pandas()
