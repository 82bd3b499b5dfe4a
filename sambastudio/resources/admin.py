"""The platform itself: organisation-wide views for admins, feature flags, and logging in."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import Field

from sambastudio._answers import parse_answer
from sambastudio._arguments import check_name
from sambastudio._base import Collection, Record, Routes
from sambastudio._checks import CheckedArguments
from sambastudio._envelopes import list_of, object_of
from sambastudio._pagination import Pager
from sambastudio.errors import SambaStudioError
from sambastudio.resources.jobs import Job

if TYPE_CHECKING:
    from sambastudio._client import Client

C = TypeVar("C", bound="Client")


class TenantUsage(Record):
    tenant_name: str | None = None
    total_rdus: int | None = None
    used_rdus: int | None = None


class ResourceUsage(Record):
    """RDUs in total, in use and free, overall and per tenant."""

    total_rdus: int | None = None
    used_rdus: int | None = None
    available_rdus: int | None = None
    tenants: list[TenantUsage] = Field(default_factory=list)


class Feature(Record):
    """A server feature flag."""

    name: str
    enabled: bool = False


class _AdminJobs(Collection[Job], model=Job, routes=Routes(list="admin_job_list", list_key="jobs")):
    """The running jobs of every user (``client.admin.jobs()``)."""


class Admin(CheckedArguments):
    """``client.admin``: views across users and tenants (admins only; others get 403).

    Not a collection: no kind of resource lives here, it gathers the organisation-wide
    views. It has a collection's shape for what it has: made with the client, a repr
    like theirs, arguments checked, and its list (``jobs()``) a lazy ``Pager`` read by a
    declared collection.
    """

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        return "Admin()"

    def jobs(self, *, limit: int | None = None) -> Pager[Job]:
        """The running jobs of every user."""
        return _AdminJobs(self._client).list(limit=limit)

    def resource_usage(self) -> ResourceUsage:
        answer = self._client._request("admin_resource_usage")
        return parse_answer(ResourceUsage, object_of(answer.json()), "usage")


def features(client: Client) -> list[Feature]:
    """The server's feature flags (``client.features()``)."""
    answer = client._request("get_feature_list")
    return [parse_answer(Feature, item, "feature") for item in list_of(answer.json(), "features")]


def log_in(client_class: type[C], host_url: str, username: str, password: str, **options: Any) -> C:
    """A client for ``username``: the password is exchanged for the user's access key.

    ``Client.login`` calls this; ``options`` are the other ``Client`` arguments. The password
    is sent once and kept nowhere.
    """
    check_name("username", username)
    check_name("password", password)
    # The login route sends no key, but a client needs one to exist: a throwaway one.
    with client_class(host_url=host_url, access_key=uuid.uuid4().hex, **options) as anonymous:
        answer = anonymous._request("login", username=username, password=password)
    key = object_of(answer.json()).get("key")
    if not isinstance(key, str) or not key:
        raise SambaStudioError("the login answer holds no access key")
    return client_class(host_url=host_url, access_key=key, **options)
