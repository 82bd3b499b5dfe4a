"""``Client``: the entry point of the object model.

It holds the settings, one transport (one connection pool) and the clock waiters read;
everything else hangs off its collections. The collections are properties declared on the
class, so ``unittest.mock.create_autospec(Client)`` sees them (databricks-sdk-py PR#480).

Each collection's module is imported when the collection is first asked for, not with the
client: creating a client costs little more than importing requests, and a program pays
for the pydantic models of the resources it uses only (docs/performance.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sambastudio._closing import Closing
from sambastudio._config import NOT_GIVEN, NotGiven, Settings, Timeout
from sambastudio._limits import Limits
from sambastudio._overrides import resolve_routes
from sambastudio._pipeline import ABSENCE, Pipeline, RequestOptions, ResponseHook
from sambastudio._response import APIResponse
from sambastudio._routes import Route
from sambastudio._waiting import SYSTEM_CLOCK, Clock

if TYPE_CHECKING:
    from typing_extensions import Self  # not imported at run time: first use stays cheap

    from sambastudio.doctor import DoctorReport
    from sambastudio.resources.admin import Admin, Feature
    from sambastudio.resources.apps import Apps
    from sambastudio.resources.datasets import Datasets
    from sambastudio.resources.endpoints import Endpoints
    from sambastudio.resources.jobs import Jobs
    from sambastudio.resources.models import Models
    from sambastudio.resources.notifications import Notifications
    from sambastudio.resources.projects import Projects
    from sambastudio.resources.tenants import Tenants
    from sambastudio.resources.users import Roles, Users


class Client(Closing):
    """A connection to one SambaStudio, as one user in one tenant.

    Every argument is optional: what is not given comes from ``SAMBASTUDIO_HOST_URL``,
    ``SAMBASTUDIO_ACCESS_KEY`` and ``SAMBASTUDIO_TENANT``, then from the snapi CLI's
    ``~/.snapi`` files. ``timeout`` is per request (``None``: no limit); ``max_retries``
    applies to connection errors, 429 and 5xx. ``clock`` is what waiters read and sleep
    on (tests pass a fake one); ``limits`` bounds what a server can make the client hold,
    nest or unpack (:class:`sambastudio.Limits`). Close the client, or use it in a
    ``with`` block, to release its connections.

    Every call goes through one request pipeline (``sambastudio._pipeline``); see
    :meth:`with_options` for other options on some calls and :meth:`request` for the raw
    response of any operation.
    """

    _pipeline: Pipeline
    _clock: Clock

    def __init__(
        self,
        host_url: str | None = None,
        access_key: str | None = None,
        tenant: str | None = None,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        verify: bool | str | None = None,
        proxies: Mapping[str, str] | None = None,
        user_agent: str | None = None,
        clock: Clock | None = None,
        limits: Limits | None = None,
        routes: str | os.PathLike[str] | None = None,
    ) -> None:
        settings = Settings.resolve(
            host_url=host_url,
            access_key=access_key,
            tenant=tenant,
            timeout=timeout,
            max_retries=max_retries,
            verify=verify,
            proxies=proxies,
            user_agent=user_agent,
            limits=limits,
        )
        self._clock = clock or SYSTEM_CLOCK
        self._pipeline = Pipeline(settings, sleep=self._clock.sleep, routes=resolve_routes(routes))

    @classmethod
    def login(
        cls,
        host_url: str,
        username: str,
        password: str,
        *,
        tenant: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        verify: bool | str | None = None,
        proxies: Mapping[str, str] | None = None,
        user_agent: str | None = None,
        clock: Clock | None = None,
        limits: Limits | None = None,
        routes: str | os.PathLike[str] | None = None,
    ) -> Self:
        """A client for the access key SambaStudio gives ``username`` for ``password``."""
        from sambastudio.resources import admin

        return admin.log_in(
            cls,
            host_url,
            username,
            password,
            tenant=tenant,
            timeout=timeout,
            max_retries=max_retries,
            verify=verify,
            proxies=proxies,
            user_agent=user_agent,
            clock=clock,
            limits=limits,
            routes=routes,
        )

    @classmethod
    def _over(cls, pipeline: Pipeline, clock: Clock) -> Self:
        client = cls.__new__(cls)
        client._pipeline = pipeline
        client._clock = clock
        return client

    @property
    def settings(self) -> Settings:
        """The resolved settings (the access key is masked in their repr)."""
        return self._pipeline.settings

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        on_response: ResponseHook | None = None,
    ) -> Self:
        """A client with other request options that shares this one's connection pool.

        Cheap (no new connections), so it is also the way to set options for one call:
        ``client.with_options(timeout=5).projects.get("demo")``. ``timeout`` is each
        attempt's deadline, ``max_retries`` the retries after the first attempt,
        ``headers`` are added to every request, and ``on_response`` is called with the
        :class:`~sambastudio.APIResponse` of every call (the raw response of a call that
        returns nothing, such as a delete).
        """
        options = RequestOptions(
            timeout=timeout,
            max_retries=max_retries,
            headers=headers or {},
            on_response=on_response,
        )
        return self._over(self._pipeline.with_options(options), self._clock)

    def request(
        self,
        operation: str,
        /,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
        **arguments: Any,
    ) -> APIResponse:
        """Send one operation of the wire contract (docs/wire-protocol.md); its raw response.

        ``arguments`` are the operation's (``client.request("project_info",
        project="demo")``); the options apply to this call only. Error statuses raise as
        everywhere else.
        """
        options = RequestOptions(timeout=timeout, max_retries=max_retries, headers=headers or {})
        return self._pipeline.request(self._route(operation).bind(**arguments), options=options)

    # ------------------------------------------------------------------ collections
    @property
    def projects(self) -> Projects:
        from sambastudio.resources.projects import Projects

        return Projects(self)

    @property
    def jobs(self) -> Jobs:
        """Jobs across every project."""
        from sambastudio.resources.jobs import Jobs

        return Jobs(self)

    @property
    def datasets(self) -> Datasets:
        from sambastudio.resources.datasets import Datasets

        return Datasets(self)

    @property
    def models(self) -> Models:
        from sambastudio.resources.models import Models

        return Models(self)

    @property
    def apps(self) -> Apps:
        from sambastudio.resources.apps import Apps

        return Apps(self)

    @property
    def endpoints(self) -> Endpoints:
        """Endpoints across every project."""
        from sambastudio.resources.endpoints import Endpoints

        return Endpoints(self)

    @property
    def tenants(self) -> Tenants:
        from sambastudio.resources.tenants import Tenants

        return Tenants(self)

    @property
    def users(self) -> Users:
        from sambastudio.resources.users import Users

        return Users(self)

    @property
    def roles(self) -> Roles:
        from sambastudio.resources.users import Roles

        return Roles(self)

    @property
    def notifications(self) -> Notifications:
        from sambastudio.resources.notifications import Notifications

        return Notifications(self)

    @property
    def admin(self) -> Admin:
        """Views across users and tenants (admins only)."""
        from sambastudio.resources.admin import Admin

        return Admin(self)

    def features(self) -> list[Feature]:
        """The server's feature flags."""
        from sambastudio.resources import admin

        return admin.features(self)

    def doctor(self, *, allow_writes: bool = False) -> DoctorReport:
        """Check this host against the wire contract (see ``sambastudio doctor``).

        Read-only unless ``allow_writes``: then a throwaway project is created, read,
        updated and deleted. The report's ``overrides`` are what a routes file would need.
        """
        from sambastudio.doctor import run_doctor

        return run_doctor(self, allow_writes=allow_writes)

    # --------------------------------------------------------------------- plumbing
    def _route(self, operation: str) -> Route:
        """The route of ``operation`` on this host (the table, as a routes file corrects it)."""
        try:
            return self._pipeline.routes[operation]
        except KeyError:
            raise KeyError(f"no route named {operation!r} in the wire contract") from None

    def _with_routes(self, routes: Mapping[str, Route]) -> Self:
        """A client over the same connections whose table also holds ``routes``."""
        return self._over(self._pipeline.with_routes(routes), self._clock)

    def _request(self, operation: str, /, **args: Any) -> APIResponse:
        """Send one operation of the wire contract, for the collections and resources."""
        return self._pipeline.request(self._route(operation).bind(**args))

    def _look_up(self, operation: str, /, **args: Any) -> APIResponse:
        """:meth:`_request` for a lookup whose 404 the caller takes for "none": the
        ``NotFoundError`` is raised undiagnosed (no side request, see ``_diagnose``)."""
        request = self._route(operation).bind(**args)
        return self._pipeline.request(request, expected_statuses=ABSENCE)

    def close(self) -> None:
        """Release the connections (clients made by ``with_options`` share them)."""
        self._pipeline.close()

    def __repr__(self) -> str:
        settings = self.settings
        return f"Client(host_url={settings.host_url!r}, tenant={settings.tenant!r})"

    def __getstate__(self) -> None:
        raise TypeError(
            "a Client cannot be pickled (it holds a connection pool): create one per "
            "process; resources pickle without it and .attach(client) re-binds them"
        )
