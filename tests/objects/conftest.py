"""Fixtures: one emulator per response generation, and a client whose waits never sleep.

Every test that uses ``client`` runs against both flavors (``current``: 2025 shapes,
``legacy``: 2024 shapes). The emulators live for the session, so each test names what it
creates with ``unique(...)`` and never relies on being alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from sambastudio._client import Client
from sambastudio._pipeline import Pipeline
from sambastudio._routes import WireRequest
from sambastudio.emulator import Emulator
from sambastudio.resources import Dataset, Job, Project
from tests.objects.fakes import FakeClock

pytest.register_assert_rewrite("tests.objects._endpoint_fixtures")

BASE_MODEL = "Meta-Llama-3.2-1B-Instruct"
APP = "Generative Tuning"
RDU_ARCH = "SN40L-8"
EPOCH = "2025-01-01T08:30:00.123456Z"
"""Where the emulators' frozen clocks start: with microseconds, which timestamps must keep."""
SEEDS = {"current": 7, "legacy": 8}

_counter = itertools.count()


@pytest.fixture(autouse=True)
def _no_user_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The developer's own SambaStudio settings must not leak into the tests."""
    for name in ("SAMBASTUDIO_HOST_URL", "SAMBASTUDIO_ACCESS_KEY", "SAMBASTUDIO_TENANT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SNAPI_CLI_CONFIG_DIR", str(tmp_path_factory.mktemp("snapi")))
    monkeypatch.setenv("SAMBASTUDIO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS", "1")


@pytest.fixture(scope="session", params=["current", "legacy"])
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """Frozen at ``EPOCH`` (only the tests' waits move it) with a fixed seed: what the
    emulator answers is known exactly. The session's tests share one tenant and leave their
    endpoints up: RDUs for all.

    Each flavor has its own seed: with one seed both would draw the same ids and keys, and a
    key of one (which the SDK then masks everywhere) could be an id of the other."""
    seed = SEEDS[request.param]
    with Emulator(flavor=request.param, seed=seed, speed=0, epoch=EPOCH, rdu_nodes=1024) as emu:
        yield emu


@pytest.fixture
def clock(emulator: Emulator) -> FakeClock:
    """Sleeping on it advances the emulator's clock: jobs progress, nobody waits."""
    return FakeClock(emulator.clock)


@pytest.fixture
def client(emulator: Emulator, clock: FakeClock) -> Iterator[Client]:
    with Client(host_url=emulator.url, access_key=emulator.access_key, clock=clock) as client:
        yield client


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def emulated_now(emulator: Emulator) -> datetime:
    """The emulator's frozen time: the stamp of whatever it creates until a wait moves it."""
    return datetime.fromtimestamp(emulator.clock.now(), timezone.utc)


def default_key(emulator: Emulator, endpoint_id: str) -> str:
    """The key the emulator drew from its seeded generator when it created the endpoint."""
    doc = emulator.state.store.get("endpoint", endpoint_id)
    assert doc is not None, endpoint_id
    return str(doc["api_keys"][0]["api_key"])


@pytest.fixture
def project(client: Client) -> Project:
    return client.projects.create(name=unique("project"), description="for a test")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "train.jsonl").write_text('{"prompt": "hi", "completion": "hello"}\n' * 20)
    return folder


@pytest.fixture
def make_dataset(client: Client, data_dir: Path) -> Callable[..., Dataset]:
    def make(job_types: tuple[str, ...] = ("train", "evaluation")) -> Dataset:
        return client.datasets.create(
            name=unique("dataset"), path=data_dir, apps=[APP], job_types=list(job_types)
        )

    return make


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the operations sent, by any client, while the test runs."""
    names: list[str] = []
    original = Pipeline.send

    def recording(self: Pipeline, request: WireRequest, **options: Any) -> Any:
        names.append(request.route.name)
        return original(self, request, **options)

    monkeypatch.setattr(Pipeline, "send", recording)
    return names


@pytest.fixture
def train(project: Project, make_dataset: Callable[..., Dataset]) -> Callable[..., Job]:
    """Runs a train job to its end: ``num_iterations`` steps, a checkpoint every
    ``save_steps``."""

    def run(num_iterations: int = 10, save_steps: int = 5) -> Job:
        job = project.jobs.create(
            type="train",
            name=unique("train"),
            model=BASE_MODEL,
            dataset=make_dataset(),
            rdu_arch=RDU_ARCH,
            hyperparams={"num_iterations": num_iterations, "save_steps": save_steps},
        )
        return job.wait(timeout=3600)

    return run


@pytest.fixture
def trained(train: Callable[..., Job]) -> Job:
    """A finished train job of 10 steps with checkpoints at 5 and 10."""
    return train()
