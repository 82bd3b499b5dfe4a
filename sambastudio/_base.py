"""The two generic pieces every resource module is built from: ``Resource`` and ``Collection``.

A resource is a pydantic model of one server object that keeps a back-reference to its
client, so ``job.stop()`` works (PyGithub, boto3 resources), and the raw response that
produced it (``job.last_response``). A collection is where resources of one kind are
found: it lists them, gets them by name or id, and builds them. Name resolution, listing,
refresh and waiting are written once, here.

The contract, checked when a collection class is defined: it names its resource and its
routes once, as class keywords, and they must exist in the wire contract::

    WidgetStatus = Literal["Ready", "Failed"] | UnknownStatus   # open, and still typed
    class Widget(Waitable):
        kind: ClassVar[str] = "widget"                   # the word errors use
        _acceptors: ClassVar[Acceptors[Any]] = Acceptors(  # what ends wait() (_waiting.py)
            success=frozenset({"Ready"}), failure=frozenset({"Failed"}), error=ResourceFailed
        )
        id: str = Field(validation_alias=AliasChoices("id", "widget_id"))   # both generations
        name: str | None = Field(None, validation_alias=AliasChoices("name", "widget_name"))
        status: WidgetStatus | None = None

        def _home(self) -> Widgets:                      # where refresh() fetches it again
            return self.client.widgets

        def stop(self) -> Self:                          # a verb that changes it: in place
            return self._absorb_answer(self._request("stop_widget", widget=self.id))

    class Widgets(
        Collection[Widget],
        model=Widget,
        routes=Routes(list="list_widgets", list_key="widgets", info="widget_info",
                      id_arg="widget", search="search_widget", search_arg="widget_name",
                      search_key="widget_id"),
    ):
        def create(self, *, name: str, size: int = 1) -> Widget:
            answer = self._client._request(                # check arguments first, then send
                "create_widget", name=check_name("name", name), size=check_count("size", size)
            )
            return self._from_answer(answer)             # fetches it whole if need be

Then expose ``Widgets(client)`` as a property of ``Client`` (or of the parent resource,
passing the parent's id and overriding ``_scope``/``_list_args``/``_inherited``; see
``resources/jobs.py``). That gives ``get(name_or_id_or_object)``, ``id_of(...)``, a lazy
``list(limit=...)``, ``refresh()``, ``wait()``, pickling, ``==`` by id and a short repr.
Collections find each other through the client (``self._client.models.id_of(model)``),
never through another collection's private methods. Collections without a search route
resolve names by listing; without an info route, ``get`` filters the list. A server that
pages overrides ``_page(cursor)``. The repr shows ``repr_fields`` only: never list a
secret (an API key) there. Small types without behaviour (metrics, log files) are
``Record``s.

(This module runs past 400 lines on purpose: the contract above and the classes that
enforce it, Resource, Waitable, Routes, Listing and Collection, are read together.)
"""

from __future__ import annotations

import builtins
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from itertools import repeat
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NewType, TypeVar

import attrs
from pydantic import BaseModel, ConfigDict
from typing_extensions import Self

from sambastudio._answers import parse_answer, parse_answers, parse_list_answer
from sambastudio._checks import CheckedArguments
from sambastudio._envelopes import list_of, object_of
from sambastudio._hints import Parent
from sambastudio._pagination import Page, Pager
from sambastudio._reconcile import CreatePolicy, fields_match
from sambastudio._resolve import ids_in_search, not_found, resolve
from sambastudio._response import APIResponse
from sambastudio._routes import ROUTES
from sambastudio._timestamps import Timestamp, parse_timestamp
from sambastudio._wait_progress import LossOf, WaitBar
from sambastudio._waiting import Acceptors, Backoff, ProgressCallback, Waiter
from sambastudio.errors import (
    NameNotFoundError,
    NotFoundError,
    SambaStudioError,
)

if TYPE_CHECKING:
    from sambastudio._client import Client

R = TypeVar("R", bound="Resource")
T = TypeVar("T", bound="Record")

UnknownStatus = NewType("UnknownStatus", str)
"""A status this SDK does not know yet: status types are ``Literal[...] | UnknownStatus``,
so a new server value never raises, and type checkers still offer the known ones."""


# -------------------------------------------------------------------------- records


class Record(BaseModel):
    """A server object without behaviour: unknown fields kept, either generation's names."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class Timestamped(Record):
    """``time_created``/``time_updated`` as sent, and ``created_at``/``updated_at`` parsed."""

    time_created: Timestamp = None
    time_updated: Timestamp = None

    @property
    def created_at(self) -> datetime | None:
        return parse_timestamp(self.time_created)

    @property
    def updated_at(self) -> datetime | None:
        return parse_timestamp(self.time_updated)


_MESSAGE_FIELDS = ("status_message", "error_message", "message", "error", "reason", "detail")


class Resource(Timestamped, CheckedArguments):
    """A server object with behaviour, bound to the client that fetched it.

    Equality and hashing go by kind and id. The repr shows ``repr_fields`` only, so secrets
    (an endpoint's API key) never reach a log. Pickling drops the client and the response;
    ``attach(client)`` binds a restored object again.
    """

    kind: ClassVar[str] = "resource"
    repr_fields: ClassVar[tuple[str, ...]] = ("id", "name", "status")

    id: str
    name: str | None = None
    status: str | None = None

    # The client and the response are held in slots rather than pydantic private
    # attributes: a model with private attributes runs Python code (their initialisation)
    # for every instance it validates, a third of the cost of a list of 2,000. Pickling
    # ignores slots, so it drops both; copies pass them on explicitly (below).
    __slots__ = ("_bound_client", "_bound_response")

    @classmethod
    def _from_data(
        cls, data: Mapping[str, Any], client: Client, response: APIResponse | None
    ) -> Self:
        """The resource ``data`` describes, bound to ``client``, from ``response``."""
        resource = parse_answer(cls, data, cls.kind)
        resource._bind(client)
        resource._answered_by(response)
        return resource

    @property
    def _client(self) -> Client | None:
        return getattr(self, "_bound_client", None)

    @_client.setter
    def _client(self, client: Client | None) -> None:
        self._bind(client)

    def _bind(self, client: Client | None) -> None:
        """Hold ``client`` (bypassing pydantic's ``__setattr__``: this runs per list item);
        a resource holding others binds them too."""
        object.__setattr__(self, "_bound_client", client)

    def _answered_by(self, response: APIResponse | None) -> None:
        """Keep the response this state came from (see :attr:`last_response`)."""
        object.__setattr__(self, "_bound_response", response)

    @classmethod
    def _bind_all(
        cls, resources: builtins.list[Self], client: Client, response: APIResponse
    ) -> None:
        """``_bind`` and ``_answered_by`` for every item of a list, in C loops (``map``)
        unless a subclass binds more than the client."""
        if cls._bind is not Resource._bind:
            for resource in resources:
                resource._bind(client)
                resource._answered_by(response)
            return
        for name, value in (("_bound_client", client), ("_bound_response", response)):
            deque(map(object.__setattr__, resources, repeat(name), repeat(value)), maxlen=0)

    # ------------------------------------------------------------------ the client
    @property
    def client(self) -> Client:
        """The client this object talks through."""
        if self._client is None:
            raise SambaStudioError(
                f"{self!r} is not attached to a client (pickling drops it): "
                "call .attach(client) first"
            )
        return self._client

    @property
    def last_response(self) -> APIResponse:
        """The HTTP response this object's current state came from (status, request id...)."""
        response: APIResponse | None = getattr(self, "_bound_response", None)
        if response is None:
            raise SambaStudioError(f"{self!r} was not read from a response (or was unpickled)")
        return response

    def attach(self, client: Client) -> Self:
        """Bind this object (typically an unpickled one) to ``client``; returns it."""
        self._bind(client)
        return self

    def _request(self, operation: str, /, **args: Any) -> APIResponse:
        return self.client._request(operation, **args)

    # ------------------------------------------------------------ refresh and waits
    def _home(self) -> Collection[Any]:
        """The collection this resource lives in: ``refresh`` fetches it from there."""
        raise NotImplementedError(f"{type(self).__name__} cannot be fetched again")

    def _route_key(self) -> str:
        """What the info route takes to name this resource (its id, unless overridden)."""
        return self.id

    def refresh(self) -> Self:
        """Fetch the current state from the server, in place; returns ``self``."""
        self._absorb(self._home()._fetch(self._route_key()))
        return self

    def _absorb(self, fresh: Resource) -> None:
        """Take ``fresh``'s state in place, through pydantic's public attribute protocol."""
        for name in type(self).model_fields:
            setattr(self, name, getattr(fresh, name))
        # model_extra is the live dict of unknown fields; an unknown field may share a name
        # with a property (a 2024 project's ``jobs``), which setattr would call.
        extra = self.model_extra
        if extra is not None:
            extra.clear()
            extra.update(fresh.model_extra or {})
        self._answered_by(getattr(fresh, "_bound_response", None))

    def _absorb_answer(self, answer: APIResponse) -> Self:
        """Take the state a write answered with, or fetch it when the answer is only an ack."""
        self._absorb(self._home()._from_answer(answer, key=self._route_key()))
        return self

    def _failure_message(self) -> str:
        """What the server said about a failure, wherever this generation puts it."""
        fields = {**self.__dict__, **(self.model_extra or {})}
        return next((str(fields[name]) for name in _MESSAGE_FIELDS if fields.get(name)), "")

    # --------------------------------------------------------- identity and pickling
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return type(self) is type(other) and self.id == other.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        values = ((name, getattr(self, name)) for name in self.repr_fields)
        return [(name, value) for name, value in values if value is not None]

    def _repr_html_(self) -> str:
        """A card in Jupyter (``sambastudio._display``); no secret is ever shown."""
        from sambastudio import _display  # loaded for notebooks only

        return _display.resource_html(self)

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied._bind(self._client)
        copied._answered_by(getattr(self, "_bound_response", None))
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        # A copy shares the client and the response: neither a connection pool nor a
        # response's socket can be deep-copied.
        copied = super().__deepcopy__(memo)
        copied._bind(self._client)
        copied._answered_by(getattr(self, "_bound_response", None))
        return copied


class Waitable(Resource):
    """A resource whose work takes time: ``wait()`` polls it until an acceptor matches.

    Subclasses set ``_acceptors`` (which statuses succeed or fail, :mod:`sambastudio._waiting`)
    and what the wait's bar shows: a percentage (``_bar_percent``, read by
    ``sambastudio._wait_progress``) and, for jobs, the latest loss (``_bar_loss``).
    """

    _acceptors: ClassVar[Acceptors[Any]]
    _bar_percent: ClassVar[bool] = True
    _bar_loss: ClassVar[LossOf[Any] | None] = None

    def wait(
        self,
        timeout: float | None = None,
        *,
        poll_interval: float = 5.0,
        max_poll_interval: float = 60.0,
        on_progress: ProgressCallback[Self] | None = None,
        progress_bar: bool | None = None,
    ) -> Self:
        """Refresh until the work ends; returns ``self`` on success.

        ``timeout`` is in seconds (``None``: no limit; ``WaitTimeout`` when it runs out);
        polls start ``poll_interval`` apart and back off to ``max_poll_interval``;
        ``on_progress`` gets the refreshed object after each poll. A failure raises the
        error of this kind (``JobFailed``, ``EndpointFailed``, ...). A bar shows the
        progress on a terminal or in a notebook; ``progress_bar`` forces it on or off.
        """
        desc = f"{self.kind} {self.name or self.id}"
        loss = type(self)._bar_loss
        with WaitBar[Self](desc, enabled=progress_bar, percent=self._bar_percent, loss=loss) as bar:
            return Waiter[Self](
                subject=self,
                poll=self.refresh,
                status=lambda resource: resource.status,
                message=lambda resource: resource._failure_message(),
                acceptors=self._acceptors,
                timeout=timeout,
                backoff=Backoff(poll_interval, max_poll_interval),
                on_progress=bar.follow(on_progress),
                clock=self.client._clock,
            ).wait()


# ----------------------------------------------------------------------- collections


class Listing(Generic[T], CheckedArguments):
    """Records a resource owns and lists in one answer (a job's log files, its exports).

    The same shape as a collection, without lookup: a subclass declares ``record=``,
    ``route=`` and ``key=`` as class keywords (checked when it is defined); an instance is
    made with the client and the route's path arguments naming the owner.
    """

    _record: type[T]
    _route: ClassVar[str]
    _key: ClassVar[str]

    def __init_subclass__(
        cls, *, record: type[Record], route: str, key: str, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        Routes(list=route, list_key=key).check(cls.__name__)
        cls._record = record  # type: ignore[assignment]  # T is bound per subclass
        cls._route, cls._key = route, key

    def __init__(self, client: Client, **scope: str) -> None:
        self._client = client
        self._scope = scope

    def __repr__(self) -> str:
        scope = ", ".join(f"{name}={value!r}" for name, value in self._scope.items())
        return f"{type(self).__name__}({scope})"

    def list(self, *, limit: int | None = None) -> Pager[T]:
        """Every record, lazily; ``limit`` caps the total."""
        return Pager(self._page, limit=limit)

    def _page(self, _cursor: object | None) -> Page[T]:
        answer = self._client._request(self._route, **self._scope)
        body = answer.json()
        items = [parse_answer(self._record, item, self._key) for item in list_of(body, self._key)]
        return Page(items, response=answer)


@attrs.frozen
class Routes:
    """The operations a collection sends, declared once per collection class.

    ``list``/``list_key`` list the resources, ``info``/``id_arg`` fetch one (found under
    ``info_key`` when the answer nests it), and the optional ``search`` route turns a name
    into an id (sent as ``search_arg``, read from ``search_key``).
    """

    list: str | None = None
    list_key: str = ""
    info: str | None = None
    info_key: str | None = None
    id_arg: str = ""
    search: str | None = None
    search_arg: str = ""
    search_key: str = ""

    def check(self, owner: str) -> None:
        """``TypeError`` naming ``owner`` if a route or argument is not in the wire contract."""
        declared = [(self.list, ""), (self.info, self.id_arg), (self.search, self.search_arg)]
        for name, argument in declared:
            if name is None:
                continue
            if name not in ROUTES:
                raise TypeError(f"{owner} declares the route {name!r}, which does not exist")
            if argument and argument not in {arg.name for arg in ROUTES[name].args}:
                raise TypeError(f"{owner}: the route {name!r} takes no argument {argument!r}")
        if self.list is not None and not self.list_key:
            raise TypeError(f"{owner} lists with {self.list!r} but names no list_key")


class Collection(Generic[R], CheckedArguments):
    """Where resources of one kind are found.

    A subclass declares its resource class and :class:`Routes` as class keywords
    (``class Projects(Collection[Project], model=Project, routes=Routes(...))``); both
    are checked when the class is defined. Scoped collections (a project's jobs) override
    ``_scope`` (path arguments beside the id), ``_list_args`` and ``_inherited`` (fields a
    resource gets from its parent when the server leaves them out).
    """

    _model: type[R]
    _routes: ClassVar[Routes]

    def __init_subclass__(
        cls,
        *,
        model: type[Resource] | None = None,
        routes: Routes | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if model is not None:
            cls._model = model  # type: ignore[assignment]  # R is bound per subclass
        if routes is not None:
            routes.check(cls.__name__)
            cls._routes = routes
        if not hasattr(cls, "_model") or not hasattr(cls, "_routes"):
            raise TypeError(f"{cls.__name__} must declare model= and routes= (see _base.py)")

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        scope = ", ".join(f"{name}={value!r}" for name, value in self._scope().items())
        return f"{type(self).__name__}({scope})"

    def _repr_html_(self) -> str:
        """Its resources as a table in Jupyter (fetched now: a collection is a query)."""
        from sambastudio import _display  # loaded for notebooks only

        return _display.titled(repr(self), _display.list_html(self.list()))

    # ----------------------------------------------------------------- public verbs
    def get(self, ref: str | R) -> R:
        """One resource, by name, id or the object itself (fetched fresh)."""
        return self._fetch(self._resolve(ref))

    def list(self, *, limit: int | None = None) -> Pager[R]:
        """Every resource of this collection, lazily; ``limit`` caps the total."""
        return Pager(self._page, limit=limit)

    def id_of(self, ref: str | R) -> str:
        """The id of a name, an id or an object (a name costs a search, an object nothing).

        ``NameNotFoundError``/``AmbiguousNameError`` when a name matches no or several.
        """
        return self._resolve(ref)

    # ------------------------------------------------------------------ scope hooks
    def _scope(self) -> dict[str, Any]:
        return {}

    def _list_args(self) -> dict[str, Any]:
        return self._scope()

    def _inherited(self) -> dict[str, Any]:
        return {}

    def _parents(self) -> builtins.list[Parent]:
        """The scopes this collection lives in, outermost first, as errors name them
        (``[("project", "demo")]``); top-level collections have none."""
        return []

    # -------------------------------------------------------------------- machinery
    def _resolve(self, ref: str | R) -> str:
        """The id (or route key) of a name, an id or an object."""
        if isinstance(ref, Resource):
            return ref._route_key()
        try:
            return resolve(ref, kind=self._model.kind, find_ids=self._find_ids)
        except NameNotFoundError as error:
            raise self._not_found(error.name) from None

    def _not_found(self, name: str) -> NameNotFoundError:
        """The error for a name not found here, with close names and how to list them."""
        tenant = None if self._model.kind == "tenant" else self._client.settings.tenant
        return not_found(
            self._model.kind,
            name,
            names=lambda: (item.name for item in self.list()),
            parents=self._parents(),
            tenant=tenant,
        )

    def _find_ids(self, name: str) -> builtins.list[str]:
        routes = self._routes
        if routes.search is None:
            return [item.id for item in self.list() if item.name == name]
        try:
            answer = self._client._request(
                routes.search, **self._scope(), **{routes.search_arg: name}
            )
        except NotFoundError:
            return []
        return ids_in_search(answer.json(), routes.search_key)

    def _fetch(self, key: str) -> R:
        routes = self._routes
        if routes.info is None:
            found = next((item for item in self.list() if item._route_key() == key), None)
            if found is None:
                raise self._not_found(key)
            return found
        answer = self._client._request(routes.info, **self._scope(), **{routes.id_arg: key})
        return self._build(object_of(answer.json(), routes.info_key), answer)

    def _page(self, _cursor: object | None) -> Page[R]:
        routes = self._routes
        if routes.list is None:
            raise SambaStudioError(f"{type(self).__name__} cannot list")
        answer = self._client._request(routes.list, **self._list_args())
        return Page(self._build_all(answer, routes.list_key), response=answer)

    def _build(self, data: Mapping[str, Any], response: APIResponse | None) -> R:
        return self._model._from_data({**self._inherited(), **data}, self._client, response)

    def _build_all(self, answer: APIResponse, key: str) -> builtins.list[R]:
        """A list answer's resources, parsed and validated in one pass (from the raw body when
        they need no field of their parent) and bound with no Python step per item."""
        model, inherited = self._model, self._inherited()
        if inherited:
            items = [
                {**inherited, **item} if isinstance(item, Mapping) else item
                for item in list_of(answer.json(), key)
            ]
            resources = parse_answers(model, items, model.kind)
        else:
            resources = parse_list_answer(model, answer, key, model.kind)
        model._bind_all(resources, self._client, answer)
        return resources

    def _create(
        self,
        operation: str,
        /,
        *,
        called: str,
        expected: Mapping[str, Any] | None = None,
        answer: Callable[[APIResponse], R] | None = None,
        repeat: Callable[[], R] | None = None,
        **args: Any,
    ) -> R:
        """Send the create ``operation`` of the resource ``called``; the one call site of every
        create, so a lost answer is reconciled by name (see ``sambastudio._reconcile``).
        ``expected`` are the attributes the resource found by name must have to be ours;
        ``answer`` builds the resource from the answer (default: ``_from_answer``);
        ``repeat``, for creates idempotent by a value the client chose, see ``CreatePolicy``."""
        build = answer or self._from_answer
        policy: CreatePolicy[R] = CreatePolicy(
            send=lambda: build(self._client._request(operation, **args)),
            find=lambda: self._named(called),
            matches=fields_match(expected or {}),
            attempts=self._client.settings.max_retries + 1,
            clock=self._client._clock,
            repeat=repeat,
        )
        return policy.run()

    def _named(self, name: str) -> R | None:
        """The one resource called ``name``, or ``None``."""
        ids = self._find_ids(name)
        found: R | None = self._fetch(ids[0]) if len(ids) == 1 else None
        return found

    def _from_answer(self, answer: APIResponse, *, key: str | None = None) -> R:
        """The resource a create or update answered with, whole (see ``_from_body``)."""
        return self._from_body(answer.json(), answer, key=key)

    def _from_body(self, body: Any, response: APIResponse | None, *, key: str | None = None) -> R:
        """The resource an answer's body describes, whole.

        Answers that do not carry the resource's name, such as a bare id (2024 creates:
        ``{data: {project_id}}``), ``{model_id, status}`` or an ack (``{}``), are followed
        by a fetch; ``key`` names the resource when the answer may not.
        """
        try:
            resource = self._build(object_of(body), response)
        except SambaStudioError:
            if key is None:
                raise
            return self._fetch(key)
        if resource.name is None:
            return self._fetch(key or resource._route_key())
        return resource
