"""Endpoints against the emulator, in both response generations: lifecycle, waits, secrets."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import (
    EndpointFailed,
    NameNotFoundError,
    NotFoundError,
    SambaStudioError,
    WaitTimeout,
)
from sambastudio.resources import Project
from sambastudio.resources.endpoints import Endpoint
from tests.objects._endpoint_fixtures import deploy, deploy_live, refused_before_sending, secrets_of
from tests.objects.conftest import BASE_MODEL, RDU_ARCH, default_key, emulated_now, unique
from tests.objects.fakes import FakeClock

# ------------------------------------------------------------------------ create, get


def test_create_returns_the_whole_endpoint(
    client: Client, project: Project, emulator: Emulator
) -> None:
    endpoint = deploy(project, description="demo", instances=2)
    assert isinstance(endpoint, Endpoint)
    assert (endpoint.status, endpoint.description) == ("Deploying", "demo")
    assert (endpoint.project_id, endpoint.instances, endpoint.rdu_arch) == (
        project.id,
        2,
        RDU_ARCH,
    )
    assert endpoint.model_id == client.models.get(BASE_MODEL).id
    wire = "nlp" if emulator.state.config.flavor == "legacy" else "generic"  # S3 vs S7
    assert endpoint.url == f"/api/predict/{wire}/{project.id}/{endpoint.id}"
    now = emulated_now(emulator)
    assert endpoint.time_created == now.strftime("%Y-%m-%d %H:%M:%S.%f +0000 UTC")  # as sent
    assert endpoint.created_at == now
    assert endpoint.api_key is not None
    assert (endpoint.api_key.reveal(), endpoint.api_key.status) == (
        default_key(emulator, endpoint.id),
        "Active",
    )


def test_the_model_is_a_name_an_id_or_the_object(client: Client, project: Project) -> None:
    model = client.models.get(BASE_MODEL)
    for ref in (BASE_MODEL, model.id, model):
        assert deploy(project, model=ref).model_id == model.id


def test_get_by_name_id_or_object_in_the_project_and_across(
    client: Client, project: Project
) -> None:
    name = unique("ep")
    endpoint = deploy(project, name=name)
    assert endpoint.name == name
    for ref in (endpoint.name, endpoint.id, endpoint):
        assert project.endpoints.get(ref) == endpoint
        assert client.endpoints.get(ref) == endpoint


def test_list_in_a_project_and_across_projects(client: Client, project: Project) -> None:
    mine = deploy(project)
    other = deploy(client.projects.create(name=unique("other")))
    assert project.endpoints.list().to_list() == [mine]
    everywhere = client.endpoints.list().to_list()
    assert mine in everywhere
    assert other in everywhere


def test_an_unknown_model_or_endpoint_is_not_found(client: Client, project: Project) -> None:
    with pytest.raises(NameNotFoundError) as model_missing:
        deploy(project, model="no-such-model")
    assert model_missing.value.kind == "model"
    with pytest.raises(NameNotFoundError) as endpoint_missing:
        project.endpoints.get("no-such-endpoint")
    assert endpoint_missing.value.kind == "endpoint"


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("name", ""),
        ("name", "  "),
        ("instances", 0),
        ("instances", -1),
        ("instances", True),
        ("instances", "2"),
        ("rdu_arch", ""),
        ("hyperparams", "not json"),
        ("hyperparams", "[1, 2]"),
    ],
)
def test_bad_create_arguments_are_refused_before_sending(
    client: Client, project: Project, argument: str, value: object
) -> None:
    with refused_before_sending(client, argument):
        deploy(project, **{argument: value})


# ------------------------------------------------------------------------------ waits


def test_wait_until_live_reports_progress_and_backs_off(project: Project, clock: FakeClock) -> None:
    endpoint = deploy(project)
    seen: list[str | None] = []
    assert (
        endpoint.wait_until_live(timeout=3600, on_progress=lambda e: seen.append(e.status))
        is endpoint
    )
    assert endpoint.status == "Live"
    assert seen == ["Deploying", "Deploying", "SettingUp", "SettingUp", "Live"]
    assert clock.sleeps == [5, 7.5, 11.25, 16.875]


def test_a_failed_deployment_raises_with_the_endpoint_and_the_server_message(
    client: Client, project: Project, emulator: Emulator
) -> None:
    broken = client.models.import_model(model=BASE_MODEL, path="ckpts/b", name=unique("broken"))
    broken.wait(timeout=3600)
    emulator.fail_on(model=broken.id, message="weights are corrupt")
    endpoint = deploy(project, model=broken.id)
    with pytest.raises(EndpointFailed) as caught:
        endpoint.wait_until_live(timeout=600)
    assert caught.value.endpoint is endpoint
    assert endpoint.status == "Failed"
    assert caught.value.server_message == "weights are corrupt"
    assert "weights are corrupt" in str(caught.value)


def test_a_wait_times_out_with_the_last_status(project: Project, clock: FakeClock) -> None:
    endpoint = deploy(project)
    with pytest.raises(WaitTimeout) as caught:
        endpoint.wait_until_live(timeout=8, poll_interval=2, max_poll_interval=2)
    assert caught.value.last_status == "Deploying"
    assert caught.value.resource is endpoint
    assert clock.time == 8


@pytest.mark.parametrize(
    ("argument", "value"), [("timeout", -1), ("poll_interval", 0), ("max_poll_interval", 1)]
)
def test_bad_wait_arguments_are_refused_before_polling(
    client: Client, project: Project, argument: str, value: float
) -> None:
    endpoint = deploy(project)
    with refused_before_sending(client, argument):
        endpoint.wait_until_live(**{"timeout": 600, argument: value})  # type: ignore[arg-type]


@pytest.fixture
def flaky() -> Iterator[Emulator]:
    """An emulator whose endpoint_info fails often: 5xx, 429 or a dropped connection."""
    with Emulator(fault_rate=0.6, fault_routes=["endpoint_info"], seed=3) as emu:
        yield emu


def test_a_wait_rides_out_transient_errors(flaky: Emulator) -> None:
    clock = FakeClock(flaky.clock)
    with Client(flaky.url, flaky.access_key, max_retries=0, clock=clock) as client:
        project = client.projects.create(name="flaky")
        seen: list[str | None] = []
        endpoint = deploy(project).wait_until_live(
            timeout=3600, on_progress=lambda e: seen.append(e.status)
        )
    assert endpoint.status == "Live"
    polls_failed = len(clock.sleeps) + 1 - len(seen)
    assert polls_failed > 0


# -------------------------------------------------------------------- update, stop


def test_update_changes_in_place(client: Client, project: Project) -> None:
    endpoint = deploy(project)
    assert endpoint.update(description="changed", instances=3) is endpoint
    assert (endpoint.description, endpoint.instances) == ("changed", 3)
    assert client.endpoints.get(endpoint.id).instances == 3


@pytest.mark.parametrize(
    ("argument", "value"), [("instances", 0), ("instances", -2), ("rdu_arch", " ")]
)
def test_bad_updates_are_refused_before_sending(
    client: Client, project: Project, argument: str, value: object
) -> None:
    endpoint = deploy(project)
    with refused_before_sending(client, argument):
        endpoint.update(**{argument: value})  # type: ignore[arg-type]


def test_a_new_rdu_arch_redeploys(project: Project) -> None:
    endpoint = deploy_live(project)
    endpoint.update(rdu_arch="SN40L-16")
    assert (endpoint.rdu_arch, endpoint.status) == ("SN40L-16", "Deploying")


def test_stop_then_restart(project: Project) -> None:
    endpoint = deploy_live(project)
    assert endpoint.stop() is endpoint
    assert endpoint.status == "Stopped"
    with pytest.raises(EndpointFailed):
        endpoint.wait_until_live(timeout=3600)
    endpoint.update(instances=1)
    assert endpoint.wait_until_live(timeout=600).status == "Live"


def test_refresh_sees_changes_made_elsewhere(client: Client, project: Project) -> None:
    endpoint = deploy(project)
    client.endpoints.get(endpoint.id).update(description="from elsewhere")
    assert endpoint.refresh().description == "from elsewhere"


def test_delete_by_object_and_by_name(project: Project) -> None:
    second_name = unique("ep")
    first, second = deploy(project), deploy(project, name=second_name)
    first.delete()
    assert second.name == second_name
    project.endpoints.delete(second_name)
    assert project.endpoints.list().to_list() == []
    with pytest.raises(NotFoundError):
        project.endpoints.get(first.id)


# ------------------------------------------------------------ the model, both shapes


def test_either_generation_of_keys_gives_the_default_key() -> None:
    legacy = Endpoint.model_validate({"id": "e", "api_key": "k-1"})
    current = Endpoint.model_validate(
        {
            "id": "e",
            "project_id": "p",
            "api_key": "k-2",
            "api_keys": [
                {"api_key": "k-1", "status": "Revoked"},
                {"api_key": "k-2", "status": "Active", "description": "ci"},
            ],
        }
    )
    assert legacy.api_key is not None
    assert (legacy.api_key.reveal(), legacy.api_key.status) == ("k-1", "Active")
    assert current.api_key is not None
    assert (current.api_key.reveal(), current.api_key.description) == ("k-2", "ci")
    assert (current.api_key.project_id, current.api_key.endpoint_id) == ("p", "e")
    assert [key.status for key in current.listed_keys] == ["Revoked", "Active"]


def test_a_new_status_or_field_never_raises() -> None:
    endpoint = Endpoint.model_validate(
        {"endpoint_id": "e", "endpoint_name": "n", "status": "Hibernating", "gpu": "none"}
    )
    assert (endpoint.id, endpoint.name, endpoint.status) == ("e", "n", "Hibernating")
    assert endpoint.model_extra == {"gpu": "none"}


def test_openai_base_url(client: Client, project: Project) -> None:
    compatible = deploy(project, openai_compatible=True)
    assert compatible.openai_compatible is True
    assert compatible.openai_base_url == f"{client.settings.host_url}/v1/{compatible.id}"
    with pytest.raises(SambaStudioError, match="openai_compatible"):
        _ = deploy(project).openai_base_url


def test_pickling_drops_the_client_and_keeps_the_data(client: Client, project: Project) -> None:
    endpoint = deploy(project)
    restored = pickle.loads(pickle.dumps(endpoint))  # noqa: S301 - our own bytes
    assert restored == endpoint
    assert restored.model_dump() == endpoint.model_dump()
    with pytest.raises(SambaStudioError, match="attach"):
        _ = restored.client
    assert restored.api_key == endpoint.api_key
    assert restored.api_key is not None
    with pytest.raises(SambaStudioError, match="attach"):
        _ = restored.api_key.client
    restored.attach(client)
    assert restored.refresh().api_key == endpoint.api_key


def test_no_secret_in_repr_str_dumps_errors_or_logs(
    client: Client, project: Project, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sambastudio")
    endpoint = deploy(project)
    endpoint.api_keys.create(description="second")
    texts = [repr(endpoint), str(endpoint), endpoint.model_dump_json(), str(endpoint.model_dump())]
    texts += [repr(key) for key in endpoint.listed_keys]
    with pytest.raises(WaitTimeout) as timeout:
        endpoint.wait_until_live(timeout=1)
    broken = client.models.import_model(model=BASE_MODEL, path="ckpts/s", name=unique("bad"))
    emulator.fail_on(model=broken.wait(timeout=3600).id)
    with pytest.raises(EndpointFailed) as failed:
        deploy(project, model=broken.id).wait_until_live(timeout=3600)
    texts += [str(timeout.value), str(failed.value), repr(failed.value), caplog.text]
    for secret in secrets_of(client, endpoint):
        for text in texts:
            assert secret not in text
