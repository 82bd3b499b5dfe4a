"""Admin views, feature flags and logging in, against the emulator."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import AuthenticationError, InvalidArgumentError, PermissionDeniedError
from sambastudio.resources import Dataset, Job
from sambastudio.resources.admin import Feature, ResourceUsage
from tests.objects._endpoint_fixtures import deploy
from tests.objects.conftest import BASE_MODEL, RDU_ARCH, unique


def test_admin_jobs_are_the_running_jobs_of_every_user(
    client: Client, emulator: Emulator, make_dataset: Callable[..., Dataset]
) -> None:
    dataset = make_dataset()
    with Client(emulator.url, emulator.add_user(unique("trainer"))) as trainer:
        job = trainer.projects.create(name=unique("p")).jobs.create(
            type="train", name=unique("job"), model=BASE_MODEL, dataset=dataset, rdu_arch=RDU_ARCH
        )
    running = client.admin.jobs().to_list()
    assert job in running
    mine = running[running.index(job)]
    assert isinstance(mine, Job)
    assert mine.refresh().status == "CREATED"


def test_resource_usage_counts_an_endpoint_of_a_tenant(client: Client, emulator: Emulator) -> None:
    tenant = client.tenants.create(name=unique("usage")).name
    with Client(emulator.url, emulator.access_key, tenant=tenant) as inside:
        deploy(inside.projects.create(name=unique("p")), instances=2)
    usage = client.admin.resource_usage()
    assert isinstance(usage, ResourceUsage)
    row = next(row for row in usage.tenants if row.tenant_name == tenant)
    assert (row.used_rdus, row.total_rdus) == (16, emulator.config.rdu_nodes * 8)
    assert usage.available_rdus == max(0, (usage.total_rdus or 0) - (usage.used_rdus or 0))


def test_features(client: Client) -> None:
    features = client.features()
    assert all(isinstance(feature, Feature) for feature in features)
    assert {f.name: f.enabled for f in features}["openai_compatible_api"] is True


def test_only_admins_see_the_admin_views(client: Client, emulator: Emulator) -> None:
    with Client(emulator.url, emulator.add_user(unique("plain"))) as user:
        with pytest.raises(PermissionDeniedError):
            user.admin.jobs().to_list()
        with pytest.raises(PermissionDeniedError):
            user.admin.resource_usage()
        assert user.features() == client.features()  # feature flags are the server's, for all


def test_login_gives_a_client_of_that_user(emulator: Emulator) -> None:
    user_id = unique("login")
    key = emulator.add_user(user_id, password="correct horse")
    with Client.login(emulator.url, user_id, "correct horse") as client:
        assert client.settings.access_key == key
        assert client.projects.create(name=unique("mine")).owner == user_id


def test_a_wrong_password_is_refused(emulator: Emulator) -> None:
    """(A server that echoes the password: tests/objects/test_echoed_secrets.py.)"""
    user_id = unique("login")
    emulator.add_user(user_id, password="correct horse")
    with pytest.raises(AuthenticationError) as caught:
        Client.login(emulator.url, user_id, "battery staple")
    assert caught.value.status_code == 401
    assert "POST /api/login returned 401" in str(caught.value)


@pytest.mark.parametrize(("username", "password"), [("", "pw"), ("admin", ""), (" ", " ")])
def test_login_checks_its_arguments_first(username: str, password: str) -> None:
    with pytest.raises(InvalidArgumentError):
        Client.login("http://127.0.0.1:9", username, password)
