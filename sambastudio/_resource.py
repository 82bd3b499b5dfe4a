"""``Resource``: a server object bound to its client; ``Waitable``: one whose work takes time.

A resource is a pydantic model of one server object that keeps a back-reference to its
client, so ``job.stop()`` works (PyGithub, boto3 resources), and the raw response that
produced it (``job.last_response``). Refresh and waiting are written once, here; the
collection a resource lives in (``sambastudio._collection``) builds and fetches it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from itertools import repeat
from typing import TYPE_CHECKING, Any, ClassVar

from typing_extensions import Self

from sambastudio._answers import parse_answer
from sambastudio._checks import CheckedArguments
from sambastudio._records import Answered, Timestamped
from sambastudio._response import APIResponse
from sambastudio._wait_progress import LossOf, WaitBar
from sambastudio._waiting import Acceptors, Backoff, ProgressCallback, Waiter
from sambastudio.errors import SambaStudioError

if TYPE_CHECKING:
    from sambastudio._client import Client
    from sambastudio._collection import Collection

_MESSAGE_FIELDS = ("status_message", "error_message", "message", "error", "reason", "detail")


class Resource(Timestamped, Answered, CheckedArguments):
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

    # The client is held in a slot, as the response is (see ``Answered``); pickling drops
    # both, copies pass them on explicitly (below).
    __slots__ = ("_bound_client",)

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

    def _bind(self, client: Client | None) -> None:
        """Hold ``client`` (bypassing pydantic's ``__setattr__``: this runs per list item);
        a resource holding others binds them too."""
        object.__setattr__(self, "_bound_client", client)

    @classmethod
    def _bind_all(cls, resources: list[Self], client: Client, response: APIResponse) -> None:
        """``_bind`` and ``_answered_by`` for every item of a list, in C loops (``map``)
        unless a subclass binds or keeps more than these two."""
        if cls._bind is not Resource._bind or cls._answered_by is not Answered._answered_by:
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

    def attach(self, client: Client) -> Self:
        """Bind this object (typically an unpickled one) to ``client``; returns it."""
        self._bind(client)
        return self

    def _send(self, operation: str, /, **args: Any) -> APIResponse:
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
