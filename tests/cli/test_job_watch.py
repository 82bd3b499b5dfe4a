"""``sambastudio job watch``: progress and the latest loss until the job ends; the exit code
is the job's outcome."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sambastudio import Client
from sambastudio.emulator import Emulator
from tests.cli.conftest import ARCH, DEMO_DATA, MODEL, Cli, unique


@pytest.fixture(scope="module")
def fast() -> Iterator[Emulator]:
    """Jobs that run in a fraction of a second, so the watch sees them move."""
    with Emulator(port=0, speed=40) as running:
        yield running


def start(emu: Emulator, iterations: int) -> tuple[str, str]:
    with Client(host_url=emu.url, access_key=emu.access_key) as client:
        project = client.projects.create(name=unique("p"), description="")
        dataset = client.datasets.create(
            name=unique("d"), path=DEMO_DATA, apps=["Generative Tuning"], job_types=["train"]
        )
        job = project.jobs.create(
            type="train", name=unique("j"), model=MODEL, dataset=dataset, rdu_arch=ARCH,
            hyperparams={"num_iterations": iterations},
        )  # fmt: skip
        return project.id, job.name or ""


def test_a_job_is_followed_to_its_end(fast: Emulator, tmp_path: Path) -> None:
    project, job = start(fast, iterations=4)
    out = Cli(fast, tmp_path)("job", "watch", "-p", project, "-j", job, "--interval", "0.05")
    lines = out.stdout.splitlines()
    assert lines[-1] == f"Job {job} ended EXIT_WITH_0."
    assert lines[-2].startswith(f"{job}: EXIT_WITH_0 100% step 4/4 loss ")
    assert any(" TRAINING " in line and " loss " in line for line in lines)
    assert len(lines) == len(set(lines))  # a line per change, not per poll


def test_a_stopped_job_exits_1(fast: Emulator, tmp_path: Path) -> None:
    project, job = start(fast, iterations=50)
    cli = Cli(fast, tmp_path)
    cli("job", "stop", "-p", project, "-j", job)
    out = cli("job", "watch", "-p", project, "-j", job, "--interval", "0.05", code=1)
    assert f"{job}: STOPPED" in out.stdout
    assert "ended with status STOPPED" in out.stderr
