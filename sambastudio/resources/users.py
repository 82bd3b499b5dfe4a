"""Users and the roles they hold (admin routes: others get ``PermissionDeniedError``)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import ClassVar, Literal

from pydantic import AliasChoices, Field
from typing_extensions import NotRequired, TypedDict

from sambastudio._arguments import check_name
from sambastudio._base import Collection, Listing, Record, Resource, Routes
from sambastudio._envelopes import list_of
from sambastudio.errors import InvalidArgumentError
from sambastudio.resources.tenants import Tenant

UserRole = Literal["OrgAdmin", "TenantAdmin", "User"] | str


class NewUser(TypedDict):
    """One entry of ``client.users.add_many``; ``tenant`` is a name or id."""

    user_id: str
    email: NotRequired[str]
    role: NotRequired[UserRole]
    tenant: NotRequired[str]


class User(Resource):
    """A user; its id is its user name (``jorge.piedrahita``), not a UUID."""

    kind: ClassVar[str] = "user"
    repr_fields: ClassVar[tuple[str, ...]] = ("id", "role")

    id: str = Field(validation_alias=AliasChoices("user_id", "id"))
    name: str | None = Field(None, validation_alias=AliasChoices("user_id", "name", "id"))
    email: str | None = None
    role: UserRole | None = None
    tenants: builtins.list[str] = Field(default_factory=list)
    """The names of the tenants the user belongs to."""
    default_tenant: str | None = None

    def _home(self) -> Users:
        return Users(self.client)

    def delete(self, *, tenant: str | Tenant | None = None) -> None:
        """Remove the user from ``tenant``, or (without one) altogether."""
        self._home().delete(self, tenant=tenant)


class Users(Collection[User], model=User, routes=Routes(list="list_users", list_key="users")):
    """``client.users``: the users of the organisation, or of the admin's tenant."""

    def add(
        self,
        user_id: str,
        *,
        email: str | None = None,
        role: UserRole = "User",
        tenant: str | Tenant | None = None,
    ) -> User:
        """Add one user to ``tenant`` (default: the client's), or an existing user to it."""
        entry = NewUser(user_id=user_id, role=role)
        if email is not None:
            entry["email"] = email
        if tenant is not None:
            entry["tenant"] = _tenant_ref(tenant)
        return self.add_many([entry])[0]

    def add_many(self, users: Iterable[NewUser]) -> builtins.list[User]:
        """Add several users in one request."""
        entries = builtins.list(users)
        if not entries:
            raise InvalidArgumentError("users", "users must name at least one user")
        for entry in entries:
            check_name("user_id", entry.get("user_id", ""))
        answer = self._client._request("add_users", users=[dict(entry) for entry in entries])
        return [self._build(item, answer) for item in list_of(answer.json(), "users")]

    def delete(self, user: str | User, *, tenant: str | Tenant | None = None) -> None:
        """Remove a user from ``tenant``, or (without one) from the organisation."""
        user_id = user.id if isinstance(user, User) else check_name("user", user)
        self._client._request(
            "delete_user",
            user_id=user_id,
            tenant=None if tenant is None else _tenant_ref(tenant),
        )


def _tenant_ref(tenant: str | Tenant) -> str:
    if isinstance(tenant, Tenant):
        return tenant.name or tenant.id
    return check_name("tenant", tenant)


class Role(Record):
    """A role users can hold, and what it permits."""

    name: str
    description: str = ""
    permissions: builtins.list[str] = Field(default_factory=list)


class Roles(Listing[Role], model=Role, routes=Routes(list="list_roles", list_key="roles")):
    """``client.roles``: the roles users can hold (a listing: roles are not looked up)."""
