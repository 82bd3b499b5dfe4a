"""A create whose answer is lost returns the one resource, or raises without creating it.

Each create goes through a loopback proxy that forwards it to the emulator and then loses
the answer (a reset connection, a read timeout, a 502), or (the control) never forwards
it. Afterwards the server holds exactly one resource of that name, and the SDK returned
it; or none, and the SDK raised.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from sambastudio import Client, S3Source
from sambastudio.emulator import Emulator
from sambastudio.errors import APIConnectionError, APIStatusError
from sambastudio.resources import Checkpoint, Dataset, Endpoint, Project
from tests.echoing import fresh_secret
from tests.hardening.lossy_proxy import Mode, lossy_proxy
from tests.objects.conftest import APP, FakeClock, unique

MODEL = "Meta-Llama-3.2-1B-Instruct"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLOSTANSWER"
RDU_ARCH = "SN40L-8"


@dataclass
class World:
    """What a create needs, made through the emulator directly (no proxy)."""

    client: Client
    project: Project
    endpoint: Endpoint
    emulator: Emulator
    data_dir: Path

    @cached_property
    def checkpoint(self) -> Checkpoint:
        """A checkpoint of a finished training job, made on first use (it takes a job)."""
        dataset = self.client.datasets.create(
            name=unique("ds"), path=self.data_dir, apps=[APP], job_types=["train"]
        )
        job = self.project.jobs.create(
            type="train",
            name=unique("train"),
            model=MODEL,
            dataset=dataset,
            rdu_arch=RDU_ARCH,
            hyperparams={"num_iterations": 10, "save_steps": 5},
        ).wait(timeout=3600)
        return job.checkpoints.list().to_list()[0]

    def keys_described(self, description: str) -> int:
        """Keys of the endpoint with ``description``, read from the emulator's store: a
        2024 server lists only the key in use."""
        doc = self.emulator.state.store.get("endpoint", self.endpoint.id)
        assert doc is not None
        return sum(key["description"] == description for key in doc["api_keys"])


@dataclass(frozen=True)
class Create:
    """One create: its wire path's ending, how to send it, and how to count its results."""

    suffix: str
    send: Callable[[Client, World, str], Any]
    count: Callable[[World, str], int]
    name_of: Callable[[Any], str | None] = lambda created: created.name
    """The name the created resource answers to (a key's description, an import's model's)."""


def _s3(secret: str) -> S3Source:
    return S3Source(
        bucket="my-bucket",
        folder="squad",
        access_key_id="AKIAIOSFODNN7EXAMPLE",
        secret_access_key=secret,
        region="us-west-2",
    )


def _named(items: Any, name: str) -> int:
    return sum(item.name == name for item in items)


CREATES = {
    "project": Create(
        "/api/projects",
        lambda c, w, name: c.projects.create(name=name, description="asked"),
        lambda w, name: _named(w.client.projects.list(), name),
    ),
    "tenant": Create(
        "/api/tenants",
        lambda c, w, name: c.tenants.create(name=name, display_name="Asked"),
        lambda w, name: _named(w.client.tenants.list(), name),
    ),
    "endpoint": Create(
        "/endpoints",
        lambda c, w, name: c.projects.get(w.project.id).endpoints.create(
            name=name, model=MODEL, rdu_arch=RDU_ARCH, description="asked"
        ),
        lambda w, name: _named(w.project.endpoints.list(), name),
    ),
    "composite model": Create(
        "/api/models/composite",
        lambda c, w, name: c.models.create_composite(
            name=name, dependencies=[MODEL], rdu_required=8, description="asked"
        ),
        lambda w, name: _named(w.client.models.list(), name),
    ),
    "api key": Create(
        "/api-keys",
        lambda c, w, name: c.endpoints.get(w.endpoint.id).api_keys.create(description=name),
        lambda w, name: w.keys_described(name),
        lambda key: key.description,
    ),
    "dataset": Create(
        "/api/datasets",
        lambda c, w, name: c.datasets.create(
            name=name, path=w.data_dir, apps=[APP], job_types=["train"], description="asked"
        ),
        lambda w, name: _named(w.client.datasets.list(), name),
    ),
    "s3 dataset": Create(
        "/api/datasets",
        lambda c, w, name: c.datasets.import_from_s3(
            name=name, source=_s3(AWS_SECRET), apps=[APP], job_types=["train"], description="asked"
        ),
        lambda w, name: _named(w.client.datasets.list(), name),
    ),
    "promoted model": Create(
        "/api/models",
        lambda c, w, name: w.checkpoint.attach(c).promote(name=name, description="asked"),
        lambda w, name: _named(w.client.models.list(), name),
    ),
    "imported model": Create(
        "/api/models/import",
        lambda c, w, name: c.models.import_model(model=MODEL, path="ckpts/lost", name=name),
        lambda w, name: _named(w.client.models.list(), name),
        lambda started: started.model().name,
    ),
}


@pytest.fixture
def world(client: Client, emulator: Emulator, data_dir: Path) -> World:
    project = client.projects.create(name=unique("lossy"), description="for a test")
    endpoint = project.endpoints.create(name=unique("ep"), model=MODEL, rdu_arch=RDU_ARCH)
    return World(client, project, endpoint, emulator, data_dir)


@pytest.fixture
def through(emulator: Emulator, clock: FakeClock) -> Callable[..., Iterator[Client]]:
    def make(proxy_url: str) -> Client:
        return Client(host_url=proxy_url, access_key=emulator.access_key, clock=clock, timeout=0.5)

    return make  # type: ignore[return-value]


@pytest.mark.parametrize("mode", ["reset", "timeout", "502"])
@pytest.mark.parametrize("what", sorted(CREATES))
def test_a_lost_answer_returns_the_one_resource_created(
    emulator: Emulator, world: World, through: Callable[[str], Client], what: str, mode: Mode
) -> None:
    create = CREATES[what]
    name = unique(what.replace(" ", "-"))
    losing = lambda method, path: method == "POST" and path.endswith(create.suffix)  # noqa: E731
    with lossy_proxy(emulator.url, losing, mode, hold=1.5) as (url, lost), through(url) as client:
        created = create.send(client, world, name)
        answered = create.name_of(created)
    assert lost, "the proxy lost no answer"
    assert create.count(world, name) == 1
    assert answered == name


@pytest.mark.parametrize("what", sorted(set(CREATES) - {"api key"}))
def test_a_create_that_never_arrived_raises_and_creates_nothing(
    emulator: Emulator, world: World, through: Callable[[str], Client], what: str
) -> None:
    create = CREATES[what]
    name = unique(what.replace(" ", "-"))
    losing = lambda method, path: method == "POST" and path.endswith(create.suffix)  # noqa: E731
    with (
        lossy_proxy(emulator.url, losing, "unsent") as (url, _),
        through(url) as client,
        pytest.raises(APIConnectionError),
    ):
        create.send(client, world, name)
    assert create.count(world, name) == 0


def test_a_key_that_never_arrived_is_sent_again_with_its_value(
    emulator: Emulator, world: World, through: Callable[[str], Client]
) -> None:
    """The client chose the key's value, so sending it again cannot add a second key."""
    losing = lambda method, path: method == "POST" and path.endswith("/api-keys")  # noqa: E731
    with lossy_proxy(emulator.url, losing, "unsent") as (url, lost), through(url) as client:
        key = CREATES["api key"].send(client, world, "resent")
    assert lost
    assert world.keys_described("resent") == 1
    assert key.description == "resent"


def test_another_callers_resource_of_that_name_is_not_taken_for_ours(
    emulator: Emulator, world: World, through: Callable[[str], Client]
) -> None:
    """The lookup after a lost answer finds a project of that name with another
    description: it is not the one asked for, so the original error is raised."""
    name = unique("taken")
    world.client.projects.create(name=name, description="someone else's")
    losing = lambda method, path: method == "POST" and path == "/api/projects"  # noqa: E731
    with (
        lossy_proxy(emulator.url, losing, "502") as (url, _),
        through(url) as client,
        pytest.raises(APIStatusError) as caught,
    ):
        client.projects.create(name=name, description="asked")
    assert caught.value.status_code == 502


def _in_seconds(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_a_503_with_retry_after_in_either_form_is_sent_again_after_the_wait(
    emulator: Emulator,
    world: World,
    through: Callable[[str], Client],
    clock: FakeClock,
    form: str,
) -> None:
    """A 503 with Retry-After says the server did not act, whether it gives seconds or an
    HTTP date: the create is sent again after that wait, not reconciled as a lost answer."""
    name = unique("busy")
    retry_after = "3" if form == "seconds" else _in_seconds(4)
    losing = lambda method, path: method == "POST" and path == "/api/projects"  # noqa: E731
    with (
        lossy_proxy(emulator.url, losing, "busy", retry_after=retry_after) as (url, lost),
        through(url) as client,
    ):
        created = client.projects.create(name=name, description="asked")
    assert lost == ["POST /api/projects"]
    assert created.name == name
    assert _named(world.client.projects.list(), name) == 1
    assert len(clock.sleeps) == 1
    assert 2.0 <= clock.sleeps[0] <= 4.0


@pytest.mark.parametrize("mode", ["reset", "timeout", "502"])
def test_adding_a_user_again_after_a_lost_answer_adds_no_second_one(
    emulator: Emulator, world: World, through: Callable[[str], Client], mode: Mode
) -> None:
    """add_users is idempotent (a user already in the tenant is left as it is), so it needs
    no reconciliation: the caller's retry returns the user the lost attempt added."""
    user_id = unique("lost-user")
    losing = lambda method, path: method == "POST" and path == "/api/users"  # noqa: E731
    with lossy_proxy(emulator.url, losing, mode, hold=1.5) as (url, lost), through(url) as client:
        with pytest.raises((APIConnectionError, APIStatusError)):
            client.users.add(user_id, email=f"{user_id}@example.com")
        again = client.users.add(user_id, email=f"{user_id}@example.com")
    assert lost == ["POST /api/users"]
    assert again.id == user_id
    stored = [user for user in world.client.users.list() if user.id == user_id]
    assert len(stored) == 1
    assert len(stored[0].tenants) == len(set(stored[0].tenants)) == 1


@pytest.mark.parametrize("mode", ["reset", "timeout", "502", "unsent"])
def test_an_s3_import_reconciled_or_not_never_shows_the_aws_secret(
    emulator: Emulator,
    world: World,
    through: Callable[[str], Client],
    mode: Mode,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = fresh_secret("aws-secret")
    name = unique("s3-secret")
    losing = lambda method, path: method == "POST" and path == "/api/datasets"  # noqa: E731
    with (
        caplog.at_level(logging.DEBUG, logger="sambastudio"),
        lossy_proxy(emulator.url, losing, mode, hold=1.5) as (url, lost),
        through(url) as client,
    ):
        try:
            outcome: object = client.datasets.import_from_s3(
                name=name, source=_s3(secret), apps=[APP], job_types=["train"]
            )
        except APIConnectionError as error:
            outcome = error
    assert lost
    assert isinstance(outcome, APIConnectionError if mode == "unsent" else Dataset)
    shown = [repr(outcome), str(outcome), *(str(arg) for arg in getattr(outcome, "args", ()))]
    if isinstance(outcome, Dataset):
        shown.append(outcome.model_dump_json())
    for text in [*shown, caplog.text]:
        assert secret not in text
