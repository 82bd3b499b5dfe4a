"""Who is calling: platform keys and tenants for management routes, endpoint keys for predict.

The dependencies are coroutines only so that FastAPI runs them on the event loop (they
never wait); see ``_routing``.

The ``key`` header names the user (401 when missing or unknown); the ``tenant`` cookie,
an id or a name, selects the tenant (``default`` when absent): 404 when no such tenant,
403 when the user is not a member. Organisation admins belong to every tenant. Then the
route's row of :data:`~sambastudio.emulator._permissions.PERMISSIONS` is checked against
the caller's role in that tenant (403 when it falls short); a handler whose rule names
another tenant checks that one too, with :meth:`Caller.require`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import attrs
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from sambastudio.emulator import _endpoints
from sambastudio.emulator._errors import ApiError, detail, forbidden
from sambastudio.emulator._permissions import PERMISSIONS, Role, Where, allows
from sambastudio.emulator._state import DEFAULT_TENANT, EmulatorState, State, tenant_roles

_key_header = APIKeyHeader(name="key", auto_error=False, description="Platform API key")


@attrs.frozen
class Caller:
    """The authenticated user of a request, the tenant it acts in, and its role in each."""

    user_id: str
    tenant_id: str
    tenant_name: str
    platform_admin: bool = False
    roles: Mapping[str, Role] = attrs.field(factory=dict)
    """The caller's role in each tenant it belongs to (tenant id → role)."""

    def role_in(self, tenant_id: str) -> Role | None:
        """The caller's role in a tenant; ``None`` when it holds none there."""
        return "OrgAdmin" if self.platform_admin else self.roles.get(tenant_id)

    @property
    def role(self) -> Role | None:
        """The caller's role in the tenant the request acts in."""
        return self.role_in(self.tenant_id)

    def may(self, action: str, tenant_id: str | None = None) -> bool:
        """Whether the caller may do ``action`` in a tenant (default: the current one)."""
        return allows(self.role_in(tenant_id or self.tenant_id), action)

    def require(self, action: str, tenant_id: str | None = None, tenant_name: str = "") -> None:
        """Refuse (403) unless the caller may do ``action`` in the tenant."""
        if not self.may(action, tenant_id):
            where = f" in tenant {tenant_name}" if tenant_name else ""
            raise forbidden(f"user {self.user_id} may not {action.replace('_', ' ')}{where}")


def caller_for(state: EmulatorState, key: str | None, tenant_ref: str | None) -> Caller:
    """Check a platform key and a tenant reference; raise 401/403/404 when they fail."""
    user = state.user_for_key(key) if key else None
    if user is None:
        raise detail(401, "missing or invalid API key (send it in the 'key' header)")
    tenant = state.tenant(tenant_ref or DEFAULT_TENANT)
    if tenant is None:
        raise detail(404, f"tenant {tenant_ref} not found")
    caller = Caller(
        user_id=user["id"],
        tenant_id=tenant["id"],
        tenant_name=tenant["name"],
        platform_admin=user["role"] == "OrgAdmin",
        roles=tenant_roles(user),
    )
    if caller.role is None:
        raise detail(403, f"user {user['id']} is not a member of tenant {tenant['name']}")
    return caller


async def authenticate(
    request: Request,
    state: State,
    key: Annotated[str | None, Depends(_key_header)],
) -> Caller:
    """FastAPI dependency: the caller of a platform route, allowed by the route's rule in
    the tenant it acts in (403 otherwise)."""
    caller = caller_for(state, key, request.cookies.get("tenant"))
    action = request.scope["route"].name
    if not caller.may(action):
        rule = PERMISSIONS[action]
        rank = rule.rank.name.lower().replace("_", " ")
        where = "" if rule.where is Where.PLATFORM else f" of tenant {caller.tenant_name}"
        raise forbidden(
            f"{action} needs a {rank}{where}; user {caller.user_id} is a {caller.role} in "
            f"tenant {caller.tenant_name}"
        )
    return caller


CallerDep = Annotated[Caller, Depends(authenticate)]
"""The caller, as a handler parameter: authenticated and allowed by the route's rule."""

AdminDep = CallerDep
"""The same check as :data:`CallerDep`, spelled so on the routes the table keeps for
admins, so that a reader sees it at the handler."""


def bearer_token(authorization: str | None) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def endpoint_for_key(
    state: EmulatorState, project: str | None, endpoint: str, key: str | None
) -> dict[str, Any]:
    """The endpoint (observed: its status is current) that an endpoint API key may call.

    ``project`` and ``endpoint`` are ids or names (``project`` is ``None`` for the
    ``/v1/{endpoint_id}`` routes). 404 when there is no such endpoint, 401 when the key is
    missing, unknown or revoked. Whether the endpoint is Live is left to the caller.
    """
    project_id = None
    if project is not None:
        project_doc = state.store.get("project", project)
        if project_doc is None:
            raise ApiError(404, f"project {project} not found")
        project_id = project_doc["id"]
    doc = state.store.get("endpoint", endpoint, parent_id=project_id)
    if doc is None:
        raise ApiError(404, f"endpoint {endpoint} not found")
    active = {k["api_key"] for k in doc["api_keys"] if k["status"] == "Active"}
    if not key or key not in active:
        raise ApiError(401, "missing, invalid or revoked endpoint API key")
    return _endpoints.observe(state, doc)
