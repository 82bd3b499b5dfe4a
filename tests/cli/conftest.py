"""Fixtures: one emulator for the module, ``cli`` to run ``sambastudio`` against it, and
``world`` (a project, a finished job and a model) for the commands that need them.

``cli`` runs the command in-process (click's CliRunner) with a scrubbed environment: HOME,
the snapi directory, the profiles file and the completion cache are temporary, so no real
``~/.snapi`` or profile is read, and the host and key come from ``SAMBASTUDIO_HOST_URL``/
``SAMBASTUDIO_ACCESS_KEY``. Every run is checked for the one thing that must never happen:
the access key in the output.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from sambastudio import Client
from sambastudio.cli import main
from sambastudio.emulator import Emulator
from sambastudio.resources import Job, Model, Project

MODEL = "Meta-Llama-3.2-1B-Instruct"
ARCH = "SN40L-8"
DEMO_DATA = Path(__file__).resolve().parents[2] / "sambastudio" / "demo_data"


def unique(prefix: str) -> str:
    """A resource name no other test uses (the module shares one emulator)."""
    return f"{prefix}-{secrets.token_hex(3)}"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    # A module's tests share one tenant and leave their endpoints up: RDUs for all.
    with Emulator(port=0, rdu_nodes=1024) as running:
        yield running


class Cli:
    """``cli("project", "list")`` runs the command; ``cli.json(...)`` parses its ``--json``."""

    def __init__(self, emu: Emulator | None, home: Path) -> None:
        self.emu = emu
        self.env: dict[str, str | None] = {
            "HOME": str(home),
            "SNAPI_CLI_CONFIG_DIR": str(home / ".snapi"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "SAMBASTUDIO_CONFIG_FILE": None,
            "SAMBASTUDIO_PROFILE": None,
            "SAMBASTUDIO_OUTPUT": None,
            "SAMBASTUDIO_HOST_URL": emu.url if emu else None,
            "SAMBASTUDIO_ACCESS_KEY": emu.access_key if emu else None,
            "SAMBASTUDIO_TENANT": None,
            "SAMBASTUDIO_LOG": None,
            "SAMBASTUDIO_LIMITS": None,
            "SAMBASTUDIO_DISABLE_PROGRESS_BARS": "1",
        }

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> Result:
        result = CliRunner().invoke(main, list(args), env=self.env, input=input)
        if self.emu is not None:
            assert self.emu.access_key not in result.output
        assert result.exit_code == code, (result.output, result.exception)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def cli(emu: Emulator, tmp_path: Path) -> Cli:
    return Cli(emu, tmp_path)


@pytest.fixture
def offline(tmp_path: Path) -> Cli:
    """``cli`` with no host configured anywhere (the demo then starts its own emulator)."""
    return Cli(None, tmp_path)


LATER = 3600.0
"""Emulated seconds that finish any job or deployment of these tests."""


@attrs.frozen
class World:
    """What most commands need to exist first, made with the SDK: a project, a finished
    train job and a model promoted from its last checkpoint."""

    client: Client
    project: Project
    job: Job
    model: Model
    app: str


@pytest.fixture(scope="module")
def world(emu: Emulator) -> Iterator[World]:
    with Client(emu.url, emu.access_key) as client:
        app = client.models.get(MODEL).app_id or ""
        project = client.projects.create(name=unique("world"))
        dataset = client.datasets.create(
            name=unique("world"), path=DEMO_DATA, apps=[app], job_types=["train"]
        )
        job = project.jobs.create(
            type="train",
            name=unique("world"),
            model=MODEL,
            dataset=dataset,
            rdu_arch=ARCH,
            hyperparams={"num_iterations": 4, "save_steps": 2},
        )
        emu.clock.advance(LATER)
        job.wait(10, poll_interval=0.01)
        model = job.checkpoints.list().to_list()[-1].promote(name=unique("world"))
        yield World(client, project, job, model, app)
