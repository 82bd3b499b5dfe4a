"""Who is calling: platform keys and tenants for management routes, endpoint keys for predict.

The dependencies are coroutines only so that FastAPI runs them on the event loop (they
never wait); see ``_routing``.

The ``key`` header names the user (401 when missing or unknown); the ``tenant`` cookie,
an id or a name, selects the tenant (``default`` when absent): 404 when no such tenant,
403 when the user is not a member. Organisation admins belong to every tenant.
"""

from __future__ import annotations

from typing import Annotated, Any

import attrs
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader

from sambastudio.emulator import _endpoints
from sambastudio.emulator._errors import ApiError, detail, forbidden
from sambastudio.emulator._state import ADMIN_ROLES, DEFAULT_TENANT, EmulatorState, State

_key_header = APIKeyHeader(name="key", auto_error=False, description="Platform API key")


@attrs.frozen
class Caller:
    """The authenticated user of a request, and the tenant it acts in."""

    user_id: str
    tenant_id: str
    tenant_name: str
    is_admin: bool
    role: str = "User"


def caller_for(state: EmulatorState, key: str | None, tenant_ref: str | None) -> Caller:
    """Check a platform key and a tenant reference; raise 401/403/404 when they fail."""
    user = state.user_for_key(key) if key else None
    if user is None:
        raise detail(401, "missing or invalid API key (send it in the 'key' header)")
    tenant = state.tenant(tenant_ref or DEFAULT_TENANT)
    if tenant is None:
        raise detail(404, f"tenant {tenant_ref} not found")
    if user["role"] != "OrgAdmin" and tenant["id"] not in user["tenants"]:
        raise detail(403, f"user {user['id']} is not a member of tenant {tenant['name']}")
    return Caller(
        user_id=user["id"],
        tenant_id=tenant["id"],
        tenant_name=tenant["name"],
        is_admin=user["role"] in ADMIN_ROLES,
        role=user["role"],
    )


async def authenticate(
    request: Request,
    state: State,
    key: Annotated[str | None, Depends(_key_header)],
) -> Caller:
    """FastAPI dependency: the caller of a platform route."""
    return caller_for(state, key, request.cookies.get("tenant"))


async def require_admin(caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
    """FastAPI dependency: the caller of an admin-only route (403 for others)."""
    if not caller.is_admin:
        raise forbidden(f"this action needs an admin; user {caller.user_id} is not one")
    return caller


CallerDep = Annotated[Caller, Depends(authenticate)]
"""The caller, as a handler parameter."""

AdminDep = Annotated[Caller, Depends(require_admin)]
"""The caller of an admin-only route, as a handler parameter (403 for non-admins)."""


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
