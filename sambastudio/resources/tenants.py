"""Tenants: the organisation's partitions of users, resources and RDUs."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AliasChoices, Field
from typing_extensions import Self

from sambastudio._arguments import check_name
from sambastudio._base import Collection, Resource, Routes
from sambastudio._envelopes import object_of
from sambastudio._resolve import looks_like_id
from sambastudio.errors import InvalidArgumentError


class Tenant(Resource):
    """A tenant; the client acts in one (``Client(tenant=...)``)."""

    kind: ClassVar[str] = "tenant"

    id: str = Field(validation_alias=AliasChoices("tenant_id", "id"))
    name: str | None = Field(None, validation_alias=AliasChoices("tenant_name", "name"))
    display_name: str | None = None
    rdu_node_count: int | None = None
    arch: str | None = None
    users_count: int | None = None

    def _home(self) -> Tenants:
        return Tenants(self.client)

    def update(
        self,
        *,
        display_name: str | None = None,
        rdu_node_count: int | None = None,
        arch: str | None = None,
    ) -> Self:
        """Change what is given (``None`` leaves it); admins only."""
        fresh = self._home().update(
            self, display_name=display_name, rdu_node_count=rdu_node_count, arch=arch
        )
        self._absorb(fresh)
        return self

    def delete(self) -> None:
        """Delete the tenant; the server refuses while it holds projects."""
        self._home().delete(self)


class Tenants(
    Collection[Tenant],
    model=Tenant,
    routes=Routes(list="list_tenants", list_key="tenants", info="tenant_info", id_arg="tenant"),
):
    """``client.tenants``: the tenants the user belongs to (all of them, for an org admin)."""

    def create(self, *, name: str, display_name: str | None = None) -> Tenant:
        """A new tenant (admins only)."""
        return self._create(
            "create_tenant",
            called=check_name("name", name),
            expected={"display_name": display_name},
            tenant_name=name,
            display_name=display_name,
        )

    def update(
        self,
        tenant: str | Tenant,
        *,
        display_name: str | None = None,
        rdu_node_count: int | None = None,
        arch: str | None = None,
    ) -> Tenant:
        """Change a tenant's display name or RDU allocation (admins only)."""
        if display_name is not None:
            check_name("display_name", display_name)
        if arch is not None:
            check_name("arch", arch)
        if rdu_node_count is not None and (
            isinstance(rdu_node_count, bool)
            or not isinstance(rdu_node_count, int)
            or rdu_node_count < 0
        ):
            raise InvalidArgumentError(
                "rdu_node_count", f"rdu_node_count must be an integer >= 0, not {rdu_node_count!r}"
            )
        answer = self._client._request(
            "update_tenant",
            tenant_name=self._name_of(tenant),
            display_name=display_name,
            rdu_node_count=rdu_node_count,
            arch=arch,
        )
        return self._from_answer(answer)

    def delete(self, tenant: str | Tenant) -> None:
        """Delete a tenant (admins only)."""
        self._client._request("delete_tenant", tenant_name=self._name_of(tenant))

    def default(self) -> Tenant:
        """The current user's default tenant."""
        answer = self._client._request("tenant_default_tenant")
        return self.get(self._build(object_of(answer.json()), answer).id)

    def _name_of(self, tenant: str | Tenant) -> str:
        """Tenants are changed by name on the wire."""
        if isinstance(tenant, str) and not looks_like_id(tenant):
            return check_name("tenant", tenant)
        named = tenant if isinstance(tenant, Tenant) and tenant.name else self.get(tenant)
        return named.name or named.id
