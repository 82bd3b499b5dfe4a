"""``SnSdk`` methods for tenants, users, roles, login, notifications and feature flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sambastudio._arguments import check_choice
from sambastudio.compat._base import JSONDict, SnSdkBase
from sambastudio.errors import InvalidArgumentError
from sambastudio.resources.notifications import NOTIFICATION_TYPES, check_levels


class PlatformMethods(SnSdkBase):
    """Tenants, users, roles, login, notifications and feature flags."""

    def list_tenants(self) -> JSONDict:
        """Return the list of tenants."""
        return self._call("list_tenants")

    def create_tenant(self, tenant_name: str, display_name: str | None = None) -> JSONDict:
        """Create a new tenant."""
        return self._call("create_tenant", tenant_name=tenant_name, display_name=display_name)

    def tenant_info(self, tenant: str) -> JSONDict:
        """Return the details of a tenant."""
        return self._call("tenant_info", tenant=tenant)

    def update_tenant(
        self, tenant_name: str, display_name: str, rdu_node_count: int, arch: str
    ) -> JSONDict:
        """Update the existing tenant display_name, rdu_count."""
        return self._call(
            "update_tenant",
            tenant_name=tenant_name,
            display_name=display_name,
            rdu_node_count=rdu_node_count,
            arch=arch,
        )

    def delete_tenant(self, tenant_name: str) -> JSONDict:
        """Deletes a tenant."""
        return self._call("delete_tenant", tenant_name=tenant_name)

    def tenant_default_tenant(self) -> JSONDict:
        """Return the default tenant of a user."""
        return self._call("tenant_default_tenant")

    def list_users(self) -> JSONDict:
        """Returns the list of users in the tenants and organizations."""
        return self._call("list_users")

    def add_users(self, users: Sequence[Mapping[str, str]]) -> JSONDict:
        """Add the user."""
        return self._call("add_users", users=[dict(user) for user in users])

    def delete_user(self, user_id: str, tenant: str | None = None) -> JSONDict:
        """Delete the user."""
        return self._call("delete_user", user_id=user_id, tenant=tenant)

    def list_roles(self) -> JSONDict:
        """Returns the list of roles."""
        return self._call("list_roles")

    def login(self, server: str, username: str, password: str) -> JSONDict:
        """Login using username and password; later calls send the key it obtains."""
        result = self._call(
            "login", base_url=server, server=server, username=username, password=password
        )
        key = result.get("key")
        if result["status_code"] == 200 and isinstance(key, str) and key.strip():
            self._install_key(key)
        return result

    def list_notifications(
        self,
        page: int | None = None,
        limit: int | None = None,
        levels: str | int | Iterable[int | str] | None = None,
        archived: bool | None = None,
        type: str | None = None,
        created_start: datetime | None = None,
        created_end: datetime | None = None,
        ordering: str | None = None,
        all: bool = False,
    ) -> JSONDict:
        """Return a list of notifications for the current user."""
        if limit is not None and limit <= 0:
            raise InvalidArgumentError("limit", f"limit must be greater than 0, not {limit!r}")
        if type is not None:
            check_choice("type", type, NOTIFICATION_TYPES)
        return self._call(
            "list_notifications",
            page=page,
            limit=limit,
            levels=check_levels(levels),
            archived=archived,
            type=type,
            created_start=created_start,
            created_end=created_end,
            ordering=ordering,
            all=all,
        )

    def get_feature_list(self) -> JSONDict:
        """Returns list of feature flags."""
        return self._call("get_feature_list")
