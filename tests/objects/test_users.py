"""Users and roles against the emulator, in both response generations."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import NameNotFoundError, PermissionDeniedError
from sambastudio.resources.users import NewUser, Role, User, Users
from tests.objects._endpoint_fixtures import refused_before_sending, routes_sent
from tests.objects.conftest import unique


def test_add_returns_the_user_and_get_finds_it(client: Client) -> None:
    user_id = unique("user")
    user = client.users.add(user_id, email=f"{user_id}@example.com", role="TenantAdmin")
    assert isinstance(user, User)
    assert (user.id, user.name, user.role) == (user_id, user_id, "TenantAdmin")
    assert user.tenants == ["default"]
    assert client.users.get(user_id) == user
    assert user in client.users.list().to_list()


def test_add_many_in_one_request(client: Client) -> None:
    entries: list[NewUser] = [{"user_id": unique("many")}, {"user_id": unique("many")}]
    with routes_sent(client) as sent:
        users = client.users.add_many(entries)
    assert [user.id for user in users] == [entry["user_id"] for entry in entries]
    assert sent == ["add_users"]


def test_membership_of_another_tenant(client: Client) -> None:
    tenant = client.tenants.create(name=unique("team"))
    user = client.users.add(unique("member"), tenant=tenant)
    assert user.tenants == [tenant.name]
    client.users.add(user.id)  # joins the default tenant too
    assert set(client.users.get(user.id).tenants) == {"default", tenant.name}
    user.delete(tenant=tenant)
    assert client.users.get(user.id).tenants == ["default"]


def test_delete_by_object_and_by_id(client: Client) -> None:
    first, second = client.users.add(unique("gone")), client.users.add(unique("gone"))
    first.delete()
    client.users.delete(second.id)
    for user in (first, second):
        with pytest.raises(NameNotFoundError):
            client.users.get(user.id)


def test_roles(client: Client) -> None:
    roles = client.roles.list().to_list()
    assert all(isinstance(role, Role) for role in roles)
    assert {role.name for role in roles} == {"OrgAdmin", "TenantAdmin", "User"}


@pytest.mark.parametrize(
    ("argument", "call"),
    [
        ("user_id", lambda users: users.add("")),
        ("users", lambda users: users.add_many([])),
        ("user_id", lambda users: users.add_many([{"user_id": " "}])),
        ("user", lambda users: users.delete("")),
        ("tenant", lambda users: users.add("x", tenant="")),
    ],
)
def test_bad_arguments_are_refused_before_sending(
    client: Client, argument: str, call: Callable[[Users], object]
) -> None:
    with refused_before_sending(client, argument):
        call(client.users)


def test_only_admins_manage_users(emulator: Emulator) -> None:
    key = emulator.add_user(unique("plain"))
    with Client(emulator.url, key) as user:
        with pytest.raises(PermissionDeniedError):
            user.users.list().to_list()
        with pytest.raises(PermissionDeniedError):
            user.roles.list().to_list()


def test_pickling_and_equality(client: Client) -> None:
    user = client.users.add(unique("pickled"))
    restored = pickle.loads(pickle.dumps(user))  # noqa: S301 - our own bytes
    assert restored == user
    assert restored.attach(client).refresh().role == "User"
