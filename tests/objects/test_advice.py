"""Errors that say what to do, against the emulator: names not found, a refused key, a wrong
tenant, a failed job and a stopped endpoint (issue #11)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sambastudio import _hints
from sambastudio._client import Client
from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from sambastudio.errors import (
    AuthenticationError,
    EndpointFailed,
    JobFailed,
    NameNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    SambaStudioError,
)
from sambastudio.resources import Dataset, Project
from tests.objects._endpoint_fixtures import deploy_live
from tests.objects.conftest import APP, BASE_MODEL, RDU_ARCH, unique
from tests.objects.fakes import FakeClock

KEY = "k-Distinctive-Secret-7f3a9c"
"""A key no message may ever show, in any rendering."""


def _no_secret(error: SambaStudioError, secret: str) -> None:
    texts = [str(error), repr(error), error.message_for("shell"), error.problem]
    texts.append(pickle.dumps(error).decode("latin-1"))
    assert all(secret not in text for text in texts)


# ---------------------------------------------------------------- names not found


def test_a_name_not_found_names_its_scope(project: Project) -> None:
    name = unique("ep")
    with pytest.raises(NameNotFoundError) as caught:
        project.endpoints.get(name)
    assert caught.value.scope == f"project {project.name!r}"
    assert str(caught.value).startswith(f"no endpoint named {name!r} in project {project.name!r}")


def test_the_closest_names_are_suggested_with_how_to_list_them(
    client: Client, project: Project
) -> None:
    assert project.name is not None
    typo = project.name[:-1] + "X" + project.name[-1]
    with pytest.raises(NameNotFoundError) as caught:
        client.projects.get(typo)
    error = caught.value
    assert project.name in error.suggestions
    assert f"did you mean {project.name!r}" in str(error)
    assert error.hint == _hints.list_them("project")
    assert str(error).endswith("List them with client.projects.list().")
    assert error.message_for("shell").endswith("List them with: sambastudio project list")


def test_a_name_far_from_every_other_suggests_nothing(project: Project) -> None:
    with pytest.raises(NameNotFoundError) as caught:
        project.jobs.get("zzzzzzzzzzzzzzzz")
    assert caught.value.suggestions == []
    assert "did you mean" not in str(caught.value)
    assert f"in project {project.name!r}" in str(caught.value)
    assert f"client.projects.get({project.name!r}).jobs.list()" in str(caught.value)


def test_candidates_are_listed_only_when_the_name_is_missing(
    client: Client, project: Project, sent: list[str]
) -> None:
    assert project.name is not None
    client.projects.get(project.name)
    on_success = list(sent)
    sent.clear()
    with pytest.raises(NameNotFoundError):
        client.projects.get(project.name + "-missing")
    assert "list_projects" not in on_success
    assert sent.count("list_projects") == 1  # the suggestions: on the failure path only


COLLECTIONS: dict[str, Callable[[Client, Project], Any]] = {
    "project": lambda client, project: client.projects,
    "dataset": lambda client, project: client.datasets,
    "model": lambda client, project: client.models,
    "app": lambda client, project: client.apps,
    "tenant": lambda client, project: client.tenants,
    "user": lambda client, project: client.users,
    "job": lambda client, project: client.jobs,
    "endpoint": lambda client, project: client.endpoints,
    "project job": lambda client, project: project.jobs,
    "project endpoint": lambda client, project: project.endpoints,
}


@pytest.mark.parametrize("which", COLLECTIONS)
def test_every_collection_that_resolves_names_says_how_to_list_them(
    client: Client, project: Project, which: str
) -> None:
    collection = COLLECTIONS[which](client, project)
    with pytest.raises(NameNotFoundError) as caught:
        collection.get("no-such-name-anywhere")
    error = caught.value
    kind = collection._model.kind
    assert error.kind == kind
    assert error.hint == _hints.list_them(kind, collection._parents())
    assert error.hint is not None
    assert error.hint.for_python in str(error)
    assert error.hint.for_shell in error.message_for("shell")


def test_a_checkpoint_not_found_names_its_job(
    client: Client, project: Project, dataset_for_jobs: Dataset
) -> None:
    job = _job(project, dataset_for_jobs)
    with pytest.raises(NameNotFoundError) as caught:
        job.checkpoints.get("nope")
    assert caught.value.scope == f"job {job.name!r} of project {project.id!r}"
    assert f"sambastudio checkpoint list -p {project.id} -j {job.name}" in (
        caught.value.message_for("shell")
    )


def test_with_a_tenant_set_top_level_names_are_looked_for_in_it(emulator: Emulator) -> None:
    with (
        Client(host_url=emulator.url, access_key=emulator.access_key, tenant="default") as c,
        pytest.raises(NameNotFoundError, match="no dataset named 'nope' in tenant 'default'"),
    ):
        c.datasets.get("nope")


# ------------------------------------------------------------------- a refused key


def test_a_refused_key_says_it_came_from_the_argument(emulator: Emulator) -> None:
    with (
        Client(host_url=emulator.url, access_key=KEY) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.projects.list().to_list()
    assert "The access key came from the access_key argument" in str(caught.value)
    _no_secret(caught.value, KEY)


def test_a_refused_key_says_which_variable_held_it(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_ACCESS_KEY", KEY)
    with Client(host_url=emulator.url) as client, pytest.raises(AuthenticationError) as caught:
        client.projects.list().to_list()
    assert "came from SAMBASTUDIO_ACCESS_KEY" in str(caught.value)
    assert "Set SAMBASTUDIO_ACCESS_KEY to a current key" in caught.value.message_for("shell")
    _no_secret(caught.value, KEY)


def test_a_refused_key_names_snapis_secret_file(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text(KEY + "\n")
    monkeypatch.setenv("SNAPI_CLI_CONFIG_DIR", str(tmp_path))
    with Client(host_url=emulator.url) as client, pytest.raises(AuthenticationError) as caught:
        client.projects.list().to_list()
    assert f"snapi's secret.txt file at {tmp_path / 'secret.txt'}" in str(caught.value)
    _no_secret(caught.value, KEY)


def test_a_refused_key_names_its_profile(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    profiles = tmp_path / "profiles.json"
    profiles.write_text(
        '{"active": "lab", "profiles": {"lab": {"access_key": "%s"}}}' % KEY  # noqa: UP031
    )
    monkeypatch.setenv("SAMBASTUDIO_CONFIG_FILE", str(profiles))
    with Client(host_url=emulator.url) as client, pytest.raises(AuthenticationError) as caught:
        client.projects.list().to_list()
    assert "came from profile 'lab'" in str(caught.value)
    assert "sambastudio config set --profile lab --access-key" in (
        caught.value.message_for("shell")
    )
    _no_secret(caught.value, KEY)


# ------------------------------------------------------------------- a wrong tenant


def test_an_unknown_tenant_says_which_tenants_the_key_can_see(emulator: Emulator) -> None:
    other = emulator.add_tenant(unique("lab"))["name"]
    with (
        Client(host_url=emulator.url, access_key=emulator.access_key, tenant="nope") as c,
        pytest.raises(NotFoundError) as caught,
    ):
        c.projects.list().to_list()
    message = str(caught.value)
    assert "The tenant 'nope' is not one this key can see" in message
    assert "'default'" in message
    assert repr(other) in message
    _no_secret(caught.value, emulator.access_key)


def test_the_tenant_check_takes_its_route_from_the_routes_file(
    emulator: Emulator, tmp_path: Path
) -> None:
    """A host whose tenant list lives elsewhere is asked there (here: a path the emulator
    does not serve, so the tenants cannot be listed and none are offered)."""
    moved = {"list_tenants": {"path": "/moved" + ROUTES["list_tenants"].path}}
    routes = tmp_path / "routes.json"
    routes.write_text(json.dumps({"version": 1, "routes": moved}), encoding="utf-8")
    with (
        Client(emulator.url, emulator.access_key, tenant="nope", routes=routes) as c,
        pytest.raises(NotFoundError) as caught,
    ):
        c.projects.list().to_list()
    assert "is not one this key can see" not in str(caught.value)
    assert "'default'" not in str(caught.value)


def test_a_tenant_the_user_is_not_in_lists_the_users_tenants(emulator: Emulator) -> None:
    private = emulator.add_tenant(unique("private"))["name"]
    key = emulator.add_user(unique("member"), tenant="default")
    with (
        Client(host_url=emulator.url, access_key=key, tenant=private) as c,
        pytest.raises(PermissionDeniedError) as caught,
    ):
        c.projects.list().to_list()
    assert f"The tenant {private!r} is not one this key can see; it can see 'default'" in (
        str(caught.value)
    )
    assert "--tenant NAME" in caught.value.message_for("shell")
    _no_secret(caught.value, key)


def test_when_the_tenants_cannot_be_listed_either_it_says_how(emulator: Emulator) -> None:
    private = emulator.add_tenant(unique("private"))["name"]
    key = emulator.add_user(unique("loner"), tenant=private)  # not in the default tenant
    elsewhere = emulator.add_tenant(unique("elsewhere"))["name"]
    with (
        Client(host_url=emulator.url, access_key=key, tenant=elsewhere) as c,
        pytest.raises(PermissionDeniedError) as caught,
    ):
        c.projects.list().to_list()
    assert "list the ones the key can see with client.tenants.list()" in str(caught.value)
    assert "sambastudio tenant list" in caught.value.message_for("shell")


def test_a_404_in_a_right_tenant_is_left_alone_and_checked_once(
    emulator: Emulator, sent: list[str]
) -> None:
    with Client(host_url=emulator.url, access_key=emulator.access_key, tenant="default") as c:
        for _ in range(2):
            with pytest.raises(NotFoundError) as caught:
                c._request("project_info", project="00000000-0000-0000-0000-000000000000")
            assert "tenant" not in str(caught.value).split("returned 404")[1].lower()
    assert sent.count("list_tenants") == 1


# ------------------------------------------------------------------------- waits


@pytest.fixture
def dataset_for_jobs(make_dataset: Callable[..., Dataset]) -> Dataset:
    return make_dataset()


def _job(project: Project, dataset: Dataset, **hyperparams: Any) -> Any:
    return project.jobs.create(
        type="train",
        name=unique("job"),
        model=BASE_MODEL,
        dataset=dataset,
        rdu_arch=RDU_ARCH,
        hyperparams={"num_iterations": 10, "save_steps": 5, **hyperparams},
    )


def test_a_failed_job_points_to_its_logs(
    emulator: Emulator, project: Project, dataset_for_jobs: Dataset
) -> None:
    emulator.fail_on(hyperparam=("learning_rate", "0.77"), message="loss diverged")
    job = _job(project, dataset_for_jobs, learning_rate="0.77")
    with pytest.raises(JobFailed) as caught:
        job.wait(timeout=3600)
    error = caught.value
    assert error.hint == _hints.job_logs(project.id, job.name)
    assert "job.logs.list()" in str(error)
    assert "job.download_logs(" in str(error)
    shell = error.message_for("shell")
    assert f"sambastudio job logs -p {project.id} -j {job.name}" in shell
    assert job.logs.list().to_list()  # the advice holds: there are logs to read


def test_a_stopped_endpoint_says_how_to_start_it(project: Project, clock: FakeClock) -> None:
    endpoint = deploy_live(project).stop()
    with pytest.raises(EndpointFailed) as caught:
        endpoint.wait_until_live(timeout=3600)
    assert "endpoint.update(instances=1)" in str(caught.value)
    assert f"sambastudio endpoint update -p {project.id} -e {endpoint.name} -i 1" in (
        caught.value.message_for("shell")
    )
    endpoint.update(instances=1)  # the advice holds
    assert endpoint.wait_until_live(timeout=600).status == "Live"


def test_an_unknown_api_key_says_how_to_list_them_and_suggests_nothing(
    project: Project,
) -> None:
    endpoint = deploy_live(project)
    endpoint.api_keys.create(description="nightly")
    with pytest.raises(NameNotFoundError) as caught:
        endpoint.api_keys.get(KEY)  # perhaps a key: shown by its fingerprint only
    error = caught.value
    assert error.suggestions == []
    assert f"endpoint {endpoint.id!r} of project {project.id!r}" in error.problem
    assert f"sambastudio endpoint key list -p {project.id} -e {endpoint.id}" in (
        error.message_for("shell")
    )
    _no_secret(error, KEY)


def test_the_sdks_own_lookups_cost_no_tenant_check(
    emulator: Emulator, sent: list[str], data_dir: Path, project: Project, dataset_for_jobs: Dataset
) -> None:
    """A 404 the SDK expects (a search finding nothing, before a create or as a name not
    found) never reaches the caller as such: it is not diagnosed, and lists no tenants.
    Each step has a client of its own: a tenant checked once is not checked again."""

    def fresh() -> Client:
        return Client(host_url=emulator.url, access_key=emulator.access_key, tenant="default")

    with fresh() as c:
        project = c.projects.create(name=unique("diagnosed"), description="")
    with fresh() as c:
        assert c.projects.get(project.name).id == project.id
    with fresh() as c, pytest.raises(NameNotFoundError):
        c.projects.get(unique("missing"))
    with fresh() as c:
        c.datasets.create(name=unique("ds"), path=data_dir, apps=[APP], job_types=["train"])
    with fresh() as c:
        c.models.import_model(model=BASE_MODEL, path="ckpts/diagnosed", name=unique("imp"))
    job = _job(project, dataset_for_jobs)
    with fresh() as c, pytest.raises(NameNotFoundError):
        job.attach(c).checkpoints.get("nope")
    assert "list_tenants" not in sent
