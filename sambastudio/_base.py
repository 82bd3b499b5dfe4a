"""The two generic pieces every resource module is built from: ``Resource`` and ``Collection``.

A resource is a pydantic model of one server object that keeps a back-reference to its
client, so ``job.stop()`` works (PyGithub, boto3 resources). A collection is where
resources of one kind are found: it lists them, gets them by name or id, and builds them.
Name resolution, listing, refresh and waiting are written once, here.

How to add a resource, say ``Widget`` served by ``list_widgets``/``widget_info``::

    WidgetStatus = Literal["Ready", "Failed"] | str      # open: a new value never raises
    WIDGET_ACCEPTORS: Acceptors[Any] = Acceptors(        # what ends a wait (_waiting.py)
        success=frozenset({"Ready"}), failure=frozenset({"Failed"}), error=ResourceFailed
    )

    class Widget(Resource):
        kind: ClassVar[str] = "widget"                   # the word errors use
        id: str = Field(validation_alias=AliasChoices("id", "widget_id"))   # both generations
        name: str | None = Field(None, validation_alias=AliasChoices("name", "widget_name"))
        status: WidgetStatus | None = None

        def _home(self) -> Widgets:                      # where refresh() fetches it again
            return Widgets(self.client)

        def stop(self) -> Self:                          # a verb that changes it: in place
            return self._absorb_answer(self._request("stop_widget", widget=self.id))

        def delete(self) -> None:
            self._home().delete(self)

        def wait(self, timeout: float | None = None, *, poll_interval: float = 5.0,
                 max_poll_interval: float = 60.0,
                 on_progress: ProgressCallback[Widget] | None = None) -> Self:
            return self._wait(WIDGET_ACCEPTORS, timeout=timeout, poll_interval=poll_interval,
                              max_poll_interval=max_poll_interval, on_progress=on_progress)

    class Widgets(Collection[Widget]):
        model = Widget
        list_route, list_key = "list_widgets", "widgets"
        info_route, id_arg = "widget_info", "widget"
        search_route, search_arg, search_key = "search_widget", "widget_name", "widget_id"

        def create(self, *, name: str, size: int = 1) -> Widget:
            body = self._client._request(                # check arguments first, then send
                "create_widget", name=check_name("name", name), size=check_count("size", size)
            )
            return self._from_answer(body)               # fetches it whole if need be

        def delete(self, widget: str | Widget) -> None:
            self._client._request("delete_widget", widget=self._resolve(widget))

Then expose ``Widgets(client)`` as a property of ``Client`` (or of the parent resource,
passing the parent's id and overriding ``_scope``/``_list_args``/``_inherited``; see
``resources/jobs.py``). That gives ``get(name_or_id_or_object)``, a lazy
``list(limit=...)``, ``refresh()``, pickling, ``==`` by id and a short repr. Collections
without a search route resolve names by listing; without an info route, ``get`` filters
the list. A server that pages overrides ``_page(cursor)`` to return
``Page(items, next_page=...)``. The repr shows ``repr_fields`` only: never list a secret
(an API key) there. Small types without behaviour (metrics, log files) are ``Record``s.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import Self

from sambastudio import _display
from sambastudio._answers import parse_answer, parse_answers
from sambastudio._checks import CheckedArguments
from sambastudio._hints import Parent
from sambastudio._pagination import Page, Pager
from sambastudio._reconcile import CreatePolicy, fields_match
from sambastudio._resolve import ids_in_search, not_found, resolve
from sambastudio._waiting import Acceptors, Backoff, ProgressCallback, Waiter
from sambastudio.errors import (
    InvalidArgumentError,
    NameNotFoundError,
    NotFoundError,
    SambaStudioError,
    UnexpectedResponseError,
)

if TYPE_CHECKING:
    from sambastudio._client import Client

R = TypeVar("R", bound="Resource")

# ----------------------------------------------------------------- response envelopes

_ENVELOPE = frozenset({"data", "status_code", "headers", "detail", "message", "code", "details"})


def object_of(body: Any, key: str | None = None) -> dict[str, Any]:
    """The object a response carries, in either generation.

    2024 answers wrap it (``{data: {...}}``), 2025 answers are flat; some put it under a key
    (``{apps: {...}}``).
    """
    if not isinstance(body, Mapping):
        raise UnexpectedResponseError(f"expected a JSON object, got {type(body).__name__}")
    data = body.get("data")
    if key is not None:
        for node in (body, data):
            if isinstance(node, Mapping) and isinstance(node.get(key), Mapping):
                return dict(node[key])
    if isinstance(data, Mapping) and not body.keys() - _ENVELOPE:
        return dict(data)
    return dict(body)


def list_of(body: Any, key: str) -> builtins.list[dict[str, Any]]:
    """A list response's items: ``{key: [...]}``, ``{data: {key: [...]}}`` or ``{data: [...]}``."""
    data = body.get("data") if isinstance(body, Mapping) else None
    for node in (body, data):
        if isinstance(node, Mapping) and isinstance(node.get(key), builtins.list):
            return builtins.list(node[key])
    if isinstance(data, builtins.list):
        return data
    raise UnexpectedResponseError(f"the response holds no {key!r} list")


# ------------------------------------------------------------------------ timestamps

_STAMP = re.compile(
    r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?(?:\s+[A-Z]{2,5})?"
)


def parse_timestamp(value: str | None) -> datetime | None:
    """A timezone-aware datetime from any of the server's styles, or ``None``.

    Seen: ``2024-07-15T15:22:22.108261+00:00``, ``2024-12-18T19:42:46.059862000Z`` and
    ``2024-07-17 16:47:09.839709 +0000 UTC`` (api-evidence §1.4); epoch seconds too. A
    value without an offset is UTC, the server's zone.
    """
    if not value:
        return None
    try:
        return datetime.fromtimestamp(float(value), timezone.utc)
    except ValueError:
        pass
    match = _STAMP.fullmatch(value.strip())
    if match is None:
        return None
    day, clock, fraction, offset = match.groups()
    try:
        stamp = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:  # shaped like a date, but not one (month 13)
        return None
    stamp = stamp.replace(microsecond=int((fraction or "0")[:6].ljust(6, "0")))
    if offset in (None, "Z"):
        return stamp.replace(tzinfo=timezone.utc)
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = int(offset[1:3]), int(offset[-2:])
    return stamp.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


Timestamp = Annotated[str | None, Field(coerce_numbers_to_str=True)]
"""A timestamp kept exactly as the server sent it (epoch numbers as text); see
``parse_timestamp``. The coercion runs in pydantic-core: no Python call per value."""


# ------------------------------------------------------------------------- arguments


def hyperparams_json(value: Mapping[str, Any] | str | None) -> str:
    """Hyperparameters as the wire wants them: a JSON object in a string."""
    if value is None:
        return "{}"
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise InvalidArgumentError("hyperparams", "hyperparams is not valid JSON") from None
        if not isinstance(parsed, dict):
            raise InvalidArgumentError("hyperparams", "hyperparams must be a JSON object")
        return value
    if isinstance(value, Mapping):
        return json.dumps(dict(value))
    raise InvalidArgumentError("hyperparams", "hyperparams must be a dict or a JSON string")


def check_choice(argument: str, value: str, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``, else ``InvalidArgumentError`` listing them."""
    choices = tuple(allowed)
    if value not in choices:
        raise InvalidArgumentError(argument, f"{argument} must be one of {choices}, not {value!r}")
    return value


def check_name(argument: str, value: str) -> str:
    """``value`` if it is a non-blank string (names of new resources)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(argument, f"{argument} must be a non-empty string")
    return value


def check_count(argument: str, value: int) -> int:
    """``value`` if it is a whole number >= 1 (instances, parallel instances, RDUs)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(argument, f"{argument} must be an integer >= 1, not {value!r}")
    return value


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
    (an endpoint's API key) never reach a log. Pickling drops the client; ``attach(client)``
    binds a restored object again.
    """

    kind: ClassVar[str] = "resource"
    repr_fields: ClassVar[tuple[str, ...]] = ("id", "name", "status")

    id: str
    name: str | None = None
    status: str | None = None

    # The client is held in a slot rather than a pydantic private attribute: a model with
    # private attributes runs Python code (their initialisation) for every instance it
    # validates, a third of the cost of a list of 2,000. Pickling and copies ignore slots,
    # so pickling drops the client and copies pass it on explicitly (below).
    __slots__ = ("_bound_client",)

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

    def attach(self, client: Client) -> Self:
        """Bind this object (typically an unpickled one) to ``client``; returns it."""
        self._bind(client)
        return self

    def _request(self, operation: str, /, **args: Any) -> Any:
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
        self.__dict__.clear()
        self.__dict__.update(fresh.__dict__)
        object.__setattr__(self, "__pydantic_extra__", fresh.__pydantic_extra__)
        object.__setattr__(self, "__pydantic_fields_set__", fresh.__pydantic_fields_set__)

    def _absorb_answer(self, body: Any) -> Self:
        """Take the state a write answered with, or fetch it when the answer is only an ack."""
        self._absorb(self._home()._from_answer(body, key=self._route_key()))
        return self

    def _failure_message(self) -> str:
        """What the server said about a failure, wherever this generation puts it."""
        fields = {**self.__dict__, **(self.__pydantic_extra__ or {})}
        return next((str(fields[name]) for name in _MESSAGE_FIELDS if fields.get(name)), "")

    def _wait(
        self,
        acceptors: Acceptors[Self],
        *,
        timeout: float | None,
        poll_interval: float,
        max_poll_interval: float,
        on_progress: ProgressCallback[Self] | None,
    ) -> Self:
        """Refresh until a status in ``acceptors`` (see ``sambastudio._waiting``)."""
        return Waiter(
            subject=self,
            poll=self.refresh,
            status=lambda resource: resource.status,
            message=lambda resource: resource._failure_message(),
            acceptors=acceptors,
            timeout=timeout,
            backoff=Backoff(poll_interval, max_poll_interval),
            on_progress=on_progress,
            clock=self.client._clock,
        ).wait()

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
        return _display.resource_html(self)

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied._client = self._client
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        # A copy shares the client: deep-copying a connection pool is neither possible nor wanted.
        copied = super().__deepcopy__(memo)
        copied._client = self._client
        return copied


# ----------------------------------------------------------------------- collections


class Collection(Generic[R], CheckedArguments):
    """Where resources of one kind are found; the routes it uses are declared as data.

    ``list_route``/``list_key`` list them, ``info_route``/``id_arg`` fetch one (found
    under ``info_key`` when the answer nests it), and the optional ``search_route`` turns a
    name into an id. Scoped collections (a project's jobs)
    override ``_scope`` (path arguments beside the id), ``_list_args`` and ``_inherited``
    (fields a resource gets from its parent when the server leaves them out).
    """

    model: type[R]
    list_route: ClassVar[str]
    list_key: ClassVar[str]
    info_route: ClassVar[str | None] = None
    info_key: ClassVar[str | None] = None
    id_arg: ClassVar[str] = ""
    search_route: ClassVar[str | None] = None
    search_arg: ClassVar[str] = ""
    search_key: ClassVar[str] = ""

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        scope = ", ".join(f"{name}={value!r}" for name, value in self._scope().items())
        return f"{type(self).__name__}({scope})"

    def _repr_html_(self) -> str:
        """Its resources as a table in Jupyter (fetched now: a collection is a query)."""
        return _display.titled(repr(self), _display.list_html(self.list()))

    # ----------------------------------------------------------------- public verbs
    def get(self, ref: str | R) -> R:
        """One resource, by name, id or the object itself (fetched fresh)."""
        return self._fetch(self._resolve(ref))

    def list(self, *, limit: int | None = None) -> Pager[R]:
        """Every resource of this collection, lazily; ``limit`` caps the total."""
        return Pager(self._page, limit=limit)

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
            return resolve(ref, kind=self.model.kind, find_ids=self._find_ids)
        except NameNotFoundError as error:
            raise self._not_found(error.name) from None

    def _not_found(self, name: str) -> NameNotFoundError:
        """The error for a name not found here, with close names and how to list them."""
        tenant = None if self.model.kind == "tenant" else self._client.settings.tenant
        return not_found(
            self.model.kind,
            name,
            names=lambda: (item.name for item in self.list()),
            parents=self._parents(),
            tenant=tenant,
        )

    def _find_ids(self, name: str) -> builtins.list[str]:
        if self.search_route is None:
            return [item.id for item in self.list() if item.name == name]
        try:
            body = self._client._request(
                self.search_route, **self._scope(), **{self.search_arg: name}
            )
        except NotFoundError:
            return []
        return ids_in_search(body, self.search_key)

    def _fetch(self, key: str) -> R:
        if self.info_route is None:
            found = next((item for item in self.list() if item._route_key() == key), None)
            if found is None:
                raise self._not_found(key)
            return found
        body = self._client._request(self.info_route, **self._scope(), **{self.id_arg: key})
        return self._build(object_of(body, self.info_key))

    def _page(self, _cursor: object | None) -> Page[R]:
        body = self._client._request(self.list_route, **self._list_args())
        return Page(self._build_all(list_of(body, self.list_key)))

    def _build(self, data: Mapping[str, Any]) -> R:
        resource = parse_answer(self.model, {**self._inherited(), **data}, self.model.kind)
        resource._bind(self._client)
        return resource

    def _build_all(self, items: builtins.list[Any]) -> builtins.list[R]:
        """A list answer's resources, validated in one pass: no per-item work but binding."""
        inherited = self._inherited()
        if inherited:
            items = [{**inherited, **item} if isinstance(item, Mapping) else item for item in items]
        resources = parse_answers(self.model, items, self.model.kind)
        for resource in resources:
            resource._bind(self._client)
        return resources

    def _create(
        self,
        operation: str,
        /,
        *,
        called: str,
        expected: Mapping[str, Any] | None = None,
        answer: Callable[[Any], R] | None = None,
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

    def _from_answer(self, body: Any, *, key: str | None = None) -> R:
        """The resource a create or update answered with, whole.

        Answers that do not carry the resource's name, such as a bare id (2024 creates:
        ``{data: {project_id}}``), ``{model_id, status}`` or an ack (``{}``), are followed
        by a fetch; ``key`` names the resource when the answer may not.
        """
        try:
            resource = self._build(object_of(body))
        except SambaStudioError:
            if key is None:
                raise
            return self._fetch(key)
        if resource.name is None:
            return self._fetch(key or resource._route_key())
        return resource
