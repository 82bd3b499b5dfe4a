"""Tenants against the emulator, in both response generations."""

from __future__ import annotations

import pickle

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import (
    BadRequestError,
    InvalidArgumentError,
    NameNotFoundError,
    NotFoundError,
    PermissionDeniedError,
)
from sambastudio.resources.tenants import Tenant
from tests.objects._endpoint_fixtures import refused_before_sending, routes_sent
from tests.objects.conftest import emulated_now, unique


@pytest.fixture
def tenant(client: Client) -> Tenant:
    return client.tenants.create(name=unique("tenant"), display_name="For a test")


def test_create_returns_the_whole_tenant(tenant: Tenant, emulator: Emulator) -> None:
    assert isinstance(tenant, Tenant)
    assert tenant.display_name == "For a test"
    assert tenant.rdu_node_count == 1024  # a new tenant gets the emulator's rdu_nodes (conftest)
    assert tenant.created_at == emulated_now(emulator)


def test_get_by_name_id_or_object(client: Client, tenant: Tenant) -> None:
    assert tenant.name.startswith("tenant-")  # the fixture's unique("tenant")
    for ref in (tenant.name, tenant.id, tenant):
        assert client.tenants.get(ref) == tenant


def test_list_holds_the_default_and_new_tenants(client: Client, tenant: Tenant) -> None:
    names = {t.name for t in client.tenants.list()}
    assert {"default", tenant.name} <= names


def test_the_default_tenant_comes_whole(client: Client) -> None:
    default = client.tenants.default()
    assert (default.name, default.display_name) == ("default", "Default")


def test_update_in_place_and_through_the_collection(client: Client, tenant: Tenant) -> None:
    assert tenant.update(display_name="Renamed", rdu_node_count=2) is tenant
    assert (tenant.display_name, tenant.rdu_node_count) == ("Renamed", 2)
    for ref in (tenant.id, tenant):
        assert client.tenants.update(ref, arch="SN40L").arch == "SN40L"
    assert tenant.refresh().arch == "SN40L"


def test_delete_by_object_and_by_name(client: Client) -> None:
    first = client.tenants.create(name=unique("gone"))
    first.delete()
    second_name = unique("gone")
    second = client.tenants.create(name=second_name)
    assert second.name == second_name
    client.tenants.delete(second_name)
    with pytest.raises(NotFoundError):
        client.tenants.get(first.id)
    with pytest.raises(NameNotFoundError):
        client.tenants.get(second.name)


def test_the_server_refuses_to_delete_the_default(client: Client) -> None:
    with pytest.raises(BadRequestError, match="default tenant"):
        client.tenants.delete("default")


@pytest.mark.parametrize(
    ("argument", "changes"),
    [
        ("rdu_node_count", {"rdu_node_count": -1}),
        ("rdu_node_count", {"rdu_node_count": "2"}),
        ("rdu_node_count", {"rdu_node_count": True}),
        ("display_name", {"display_name": " "}),
        ("arch", {"arch": ""}),
    ],
)
def test_bad_updates_are_refused_before_sending(
    client: Client, argument: str, changes: dict[str, object]
) -> None:
    with refused_before_sending(client, argument):
        client.tenants.update("default", **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["", "  "])
def test_a_blank_name_is_refused_before_sending(client: Client, name: str) -> None:
    with routes_sent(client) as sent:
        with pytest.raises(InvalidArgumentError) as caught:
            client.tenants.create(name=name)
        assert caught.value.argument == "name"
        with pytest.raises(InvalidArgumentError):
            client.tenants.delete(name)
    assert sent == []


def test_only_admins_create_tenants(emulator: Emulator) -> None:
    key = emulator.add_user(unique("user"))
    with Client(emulator.url, key) as user:
        assert [t.name for t in user.tenants.list()] == ["default"]
        with pytest.raises(PermissionDeniedError):
            user.tenants.create(name=unique("nope"))


def test_pickling_and_equality(client: Client, tenant: Tenant) -> None:
    restored = pickle.loads(pickle.dumps(tenant))  # noqa: S301 - our own bytes
    assert restored == tenant
    assert hash(restored) == hash(tenant)
    assert restored.attach(client).refresh().name == tenant.name
