"""Progress that fits where it runs: a text bar on a terminal, tqdm's widget in a notebook,
nothing in a pipe or when disabled; a job's bar follows its steps and latest loss."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import IPython
import pytest
from tqdm import notebook
from tqdm.std import tqdm

from sambastudio._bars import bar_class, bar_output, make_bar
from sambastudio._wait_progress import Reader, WaitBar, percent_done
from sambastudio.errors import APIConnectionError
from sambastudio.resources import Dataset, Job, Project
from tests.objects._endpoint_fixtures import deploy, routes_sent
from tests.objects.conftest import BASE_MODEL, RDU_ARCH, unique


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class ZMQInteractiveShell:
    """What ``get_ipython()`` returns in a Jupyter kernel (by name: tqdm.auto's test)."""


@pytest.fixture(autouse=True)
def _bars_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS", raising=False)


@contextmanager
def stderr(stream: io.StringIO) -> Iterator[io.StringIO]:
    """stderr is ``stream`` inside the block (pytest's capture resets it between phases, so
    this is set in the test itself, not in a fixture)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stderr", stream)
        yield stream


def terminal() -> contextlib.AbstractContextManager[io.StringIO]:
    return stderr(Terminal())


def pipe() -> contextlib.AbstractContextManager[io.StringIO]:
    return stderr(io.StringIO())


@pytest.fixture
def kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Running inside a Jupyter kernel (whose stderr is no terminal)."""
    monkeypatch.setitem(sys.modules, "ipykernel.zmqshell", IPython)
    monkeypatch.setattr(IPython, "get_ipython", ZMQInteractiveShell, raising=False)


def train(project: Project, dataset: Dataset) -> Job:
    return project.jobs.create(
        type="train", name=unique("train"), model=BASE_MODEL, dataset=dataset,
        rdu_arch=RDU_ARCH, hyperparams={"num_iterations": 10, "save_steps": 5},
    )  # fmt: skip


@pytest.fixture
def dataset(make_dataset: Callable[..., Dataset]) -> Dataset:
    return make_dataset()


# ------------------------------------------------------------------ where bars go
def test_a_terminal_gets_a_text_bar() -> None:
    with terminal():
        assert bar_output() == "terminal"
    assert bar_class() is tqdm


def test_a_pipe_gets_nothing() -> None:
    with pipe():
        assert bar_output() is None
        assert make_bar(10, desc="x") is None


def test_a_notebook_gets_the_widget(kernel: None) -> None:
    with pipe():
        assert bar_output() == "notebook"  # though stderr is no terminal
    assert bar_class() is notebook.tqdm
    bar = make_bar(100, desc="x", unit="%")
    assert isinstance(bar, notebook.tqdm)
    bar.close()


def test_a_qt_console_is_no_notebook(kernel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_API", "pyqt5")
    assert bar_output() is None
    assert bar_class() is tqdm


def test_a_notebook_without_ipywidgets_gets_the_text_bar(
    kernel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notebook, "IProgress", None)
    assert bar_class() is tqdm


def test_the_switch_turns_every_bar_off(kernel: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS", "1")
    assert bar_output() is None
    assert bar_output(Terminal()) is None


# --------------------------------------------------------------------- job waits
def test_a_job_bar_follows_steps_and_loss_on_a_terminal(project: Project, dataset: Dataset) -> None:
    job = train(project, dataset)
    seen: list[str | None] = []
    with terminal() as drawing:
        job.wait(timeout=3600, on_progress=lambda j: seen.append(j.status))
    drawn = drawing.getvalue()
    assert f"job {job.name}: 100%" in drawn
    assert "EXIT_WITH_0 · step 10/10 · loss " in drawn
    assert f"loss {job.latest_loss():.4g}" in drawn
    assert seen[0] == "CREATED"
    assert seen[-1] == "EXIT_WITH_0"


def test_a_job_in_a_pipe_draws_nothing_and_asks_nothing_more(
    project: Project, dataset: Dataset
) -> None:
    job = train(project, dataset)
    with routes_sent(job.client) as sent, pipe() as piped:
        job.wait(timeout=3600)
    assert piped.getvalue() == ""
    assert "get_metrics" not in sent  # the loss is only fetched for a bar


def test_progress_bar_forces_the_bar_on_or_off(project: Project, dataset: Dataset) -> None:
    job = train(project, dataset)
    with terminal() as drawing:
        job.wait(timeout=3600, progress_bar=False)
    assert drawing.getvalue() == ""
    endpoint = deploy(project)
    with pipe() as piped:
        endpoint.wait(timeout=3600, progress_bar=True)
    assert f"endpoint {endpoint.name}: [" in piped.getvalue()
    assert "Live]" in piped.getvalue()


def test_a_job_wait_in_a_notebook_uses_the_widget(
    kernel: None, project: Project, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[notebook.tqdm] = []  # type: ignore[type-arg]
    original = notebook.tqdm.__init__

    def remember(self: notebook.tqdm, *args: object, **kwargs: object) -> None:  # type: ignore[type-arg]
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(notebook.tqdm, "__init__", remember)
    job = train(project, dataset).wait(timeout=3600)
    (bar,) = made
    assert bar.n == 100
    assert "EXIT_WITH_0 · step 10/10" in bar.postfix
    assert f"{job.latest_loss():.4g}" in bar.postfix


# ------------------------------------------------------------------- readings
def test_the_loss_is_fetched_once_per_step_and_its_failure_is_harmless() -> None:
    calls: list[int | None] = []

    def loss(job: Job) -> float:
        calls.append(job.steps)
        if job.steps == 3:
            raise APIConnectionError("down", method="GET", path="/metrics")
        return 1.0 / (job.steps or 1)

    reader: Reader[Job] = Reader(loss)
    at = [Job(id="j", status="TRAINING", steps=s, total_steps=4) for s in (0, 2, 2, 3, 4)]
    readings = [reader.read(job) for job in at]
    assert calls == [2, 3, 4]  # not at step 0, once for step 2
    assert [r.loss for r in readings] == [None, 0.5, 0.5, 0.5, 0.25]
    assert readings[1].line() == "TRAINING 50% step 2/4 loss 0.5"


def test_percent_done_reads_each_kind() -> None:
    assert percent_done(Job(id="j", completion_percentage=42.0)) == 42.0
    assert percent_done(Job(id="j", steps=3, total_steps=12)) == 25.0
    assert percent_done(Job(id="j")) is None
    bar: WaitBar[Job] = WaitBar("x", enabled=False, percent=True)
    assert not bar.shown
