"""Users, roles and login.

A user document (kind ``user``, global, id = name = the user id) is ``{id, name, email,
role: "OrgAdmin"|"TenantAdmin"|"User", tenants: [tenant ids], tenant_roles: {tenant id:
role}, default_tenant, key, password_sha256, created_at}``; ``role`` is the role it was
created with, ``tenant_roles`` what it is in each tenant (see ``_permissions``). ``key``
and the password never leave the store. A ``key`` document ``{id: sha256(key), user_id}``
finds a user from its platform key.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field, SecretStr

from sambastudio.emulator import _validate
from sambastudio.emulator._auth import AdminDep, Caller
from sambastudio.emulator._clock import iso
from sambastudio.emulator._errors import ApiError, detail, not_found
from sambastudio.emulator._permissions import Role
from sambastudio.emulator._routing import Body, operation
from sambastudio.emulator._state import EmulatorState, State, key_digest, tenant_roles

router = APIRouter(tags=["users"])

ROLES: dict[Role, tuple[str, list[str]]] = {
    "OrgAdmin": ("Administers the organisation: every tenant, user and resource", ["*"]),
    "TenantAdmin": ("Administers the users and resources of a tenant", ["tenant:*"]),
    "User": ("Creates projects, jobs, endpoints and datasets", ["project:*", "dataset:*"]),
}


def user_view(state: EmulatorState, doc: dict[str, Any], tenant_id: str) -> dict[str, Any]:
    """A user as seen from a tenant: ``role`` is its role there (else its own role)."""
    names = {tenant["id"]: tenant["name"] for tenant in state.store.list("tenant")}
    return {
        "user_id": doc["id"],
        "email": doc["email"],
        "role": tenant_roles(doc).get(tenant_id, doc["role"]),
        "tenants": [names[t] for t in doc["tenants"] if t in names],
        "default_tenant": names.get(doc["default_tenant"], ""),
        "time_created": iso(doc["created_at"]),
    }


class NewUser(Body):
    user_id: str
    email: str | None = None
    role: Role = "User"
    tenant: str | None = None
    password: SecretStr | None = None


class AddUsers(Body):
    users: list[NewUser] = Field(min_length=1, max_length=1000)


class Login(Body):
    username: str
    password: SecretStr


@operation(router, "list_users")
def list_users(state: State, caller: AdminDep) -> dict[str, Any]:
    """The users of the current tenant (a platform admin sees every user)."""
    docs = state.store.list("user")
    if not caller.platform_admin:
        docs = [doc for doc in docs if caller.tenant_id in doc["tenants"]]
    return {"users": [user_view(state, doc, caller.tenant_id) for doc in docs]}


@operation(router, "add_users")
def add_users(state: State, caller: AdminDep, body: AddUsers) -> dict[str, Any]:
    """Add users (or add existing users to a tenant); the caller's tenant by default.

    The caller must administer each tenant it adds to; only a platform admin makes
    platform admins. Nothing is added unless every entry is allowed.
    """
    with state.store.transaction():
        created = []
        for entry in body.users:
            _validate.name("user_id", entry.user_id)
            tenant = state.tenant(entry.tenant or caller.tenant_id)
            if tenant is None:
                raise not_found("tenant", str(entry.tenant))
            caller.require("add_users", tenant["id"], tenant["name"])
            if entry.role == "OrgAdmin":
                caller.require("grant_platform_admin")
            password = entry.password.get_secret_value() if entry.password else None
            user, _ = state.add_user(
                entry.user_id,
                tenant=tenant["id"],
                role=entry.role,
                email=entry.email,
                password=password,
            )
            created.append(user_view(state, user, tenant["id"]))
    return {"users": created}


def _removable(
    state: EmulatorState, caller: Caller, user: dict[str, Any], tenant_ids: list[str]
) -> None:
    """Refuse (403) unless the caller administers each of these tenants of ``user``."""
    if user["role"] == "OrgAdmin":
        caller.require("manage_platform_admin")
    for tenant_id in tenant_ids:
        tenant = state.tenant(tenant_id)
        caller.require("delete_user", tenant_id, tenant["name"] if tenant else tenant_id)


@operation(router, "delete_user")
def delete_user(
    state: State, caller: AdminDep, user_id: str, tenant: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    """Remove a user from one tenant, or (without ``tenant``) altogether.

    The caller must administer that tenant, or, to remove the user altogether, every
    tenant the user belongs to.
    """
    if user_id == caller.user_id:
        raise ApiError(400, "you cannot delete yourself")
    with state.store.transaction():
        doc = state.tenant(tenant) if tenant is not None else None
        if tenant is not None:
            if doc is None:
                raise not_found("tenant", tenant)
            caller.require("delete_user", doc["id"], doc["name"])
        user = state.user(user_id)
        if user is None:
            raise not_found("user", user_id)
        if doc is None:
            _removable(state, caller, user, user["tenants"])
            state.remove_user(user_id)
            return {}
        if doc["id"] not in user["tenants"]:
            raise not_found("tenant membership", f"{user_id} in {tenant}")
        _removable(state, caller, user, [doc["id"]])
        state.store.update(
            "user", user_id, {"tenants": [t for t in user["tenants"] if t != doc["id"]]}
        )
    return {}


@operation(router, "list_roles")
def list_roles(state: State, caller: AdminDep) -> dict[str, Any]:
    roles = [
        {"name": name, "description": description, "permissions": permissions}
        for name, (description, permissions) in ROLES.items()
    ]
    return {"roles": roles}


@operation(router, "login")
def login(state: State, body: Login) -> dict[str, Any]:
    """A user's platform key for its username and password (the admin's password is its
    access key)."""
    user = state.user(body.username)
    digest = key_digest(body.password.get_secret_value())
    if user is None or not hmac.compare_digest(user.get("password_sha256") or "", digest):
        raise detail(401, "invalid username or password")
    return {"key": user["key"]}
