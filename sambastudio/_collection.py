"""``Collection``: where resources of one kind are found; ``Listing``: records one owner lists.

A collection lists its resources, gets one by name, id or object, and builds them from
answers; name resolution, listing and creates (with lost answers reconciled) are written
once, here. What differs between collections is data, declared as class keywords and
checked when the class is defined (``sambastudio._declaration``): the resource class, the
routes, and the scope (the parents it lives in). A listing has the same declaration and
shape without lookup: a job's log files, its exports, the roles users can hold.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import attrs

from sambastudio._answers import parse_answers, parse_list_answer
from sambastudio._checks import CheckedArguments
from sambastudio._declaration import Declaration, Routes, Scope
from sambastudio._envelopes import list_of, object_of
from sambastudio._hints import Parent
from sambastudio._pagination import Page, Pager
from sambastudio._reconcile import CreatePolicy, fields_match
from sambastudio._records import Record
from sambastudio._resolve import ids_in_search, not_found, resolve
from sambastudio._resource import Resource
from sambastudio._response import APIResponse
from sambastudio.errors import NameNotFoundError, NotFoundError, SambaStudioError

if TYPE_CHECKING:
    from sambastudio._client import Client

R = TypeVar("R", bound=Resource)
T = TypeVar("T", bound=Record)
C = TypeVar("C")


class Scoped(CheckedArguments):
    """What collections and listings share: a declaration checked when a subclass is
    defined; made with the client and the ids of the parents its scope names, in order;
    the route arguments those ids bind; a repr that shows them.

    ``Collection`` and ``Listing`` themselves pass ``contract=True``: they are the contract,
    which their subclasses declare."""

    _declared: ClassVar[Declaration]
    _listing: ClassVar[bool]
    """A listing's records are plain: they do not record their parents' ids."""

    def __init_subclass__(
        cls,
        *,
        model: type[Record] | None = None,
        routes: Routes | None = None,
        scope: Scope | None = None,
        contract: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if contract:
            return
        given: dict[str, Any] = {"model": model, "routes": routes, "scope": scope}
        keywords = {name: value for name, value in given.items() if value is not None}
        base: Declaration | None = getattr(cls, "_declared", None)
        if base is None:
            if "model" not in keywords or "routes" not in keywords:
                raise TypeError(f"{cls.__name__} must declare model= and routes= (see _base.py)")
            declared = Declaration(**keywords)
        else:
            declared = attrs.evolve(base, **keywords)
        declared.check(cls.__name__, listing=cls._listing)
        cls._declared = declared

    def __init__(self, client: Client, *parent_ids: str | None, **parent_names: str | None):
        parents = self._declared.scope.parents
        if len(parent_ids) != len(parents):
            raise TypeError(
                f"{type(self).__name__} takes the ids of its parents {parents}, "
                f"not {len(parent_ids)} ids"
            )
        names = {f"{parent}_name": parent for parent in parents}
        unknown = sorted(set(parent_names) - set(names))
        if unknown:
            raise TypeError(f"{type(self).__name__} got an unexpected argument {unknown[0]!r}")
        self._client = client
        self._within = dict(zip(parents, parent_ids, strict=True))
        self._names = {names[key]: value for key, value in parent_names.items()}

    def __repr__(self) -> str:
        scope = ", ".join(f"{parent}={value!r}" for parent, value in self._within.items())
        return f"{type(self).__name__}({scope})"

    def _list_args(self) -> dict[str, Any]:
        """The list route's arguments that name the parents."""
        scope = self._declared.scope
        return scope.bind(scope.list_args, self._within)

    def _lookup_args(self) -> dict[str, Any]:
        """The info and search routes' arguments that name the parents."""
        scope = self._declared.scope
        return scope.bind(scope.lookup_args, self._within)

    def _parents(self) -> builtins.list[Parent]:
        """The scopes this lives in, outermost first, as errors name them
        (``[("project", "demo")]``); top-level collections have none."""
        return [
            (parent, self._names.get(parent) or value or "?")
            for parent, value in self._within.items()
        ]


class Listing(Scoped, Generic[T], contract=True):
    """Records an owner lists in one answer (a job's log files, its exports, the roles).

    The same declaration as a collection (``model=``, ``routes=`` with a list route only,
    ``scope=``) and the same shape, without lookup: ``list(limit=...)``.
    """

    _listing = True

    def list(self, *, limit: int | None = None) -> Pager[T]:
        """Every record, lazily; ``limit`` caps the total."""
        return Pager(self._page, limit=limit)

    def _page(self, _cursor: object | None) -> Page[T]:
        body, answer = self._listed()
        return Page(self._records(body), response=answer)

    def _listed(self, **args: Any) -> tuple[Any, APIResponse]:
        """The list route's answer body, and the answer, for these extra ``args``."""
        answer = self._client._request(
            self._declared.routes.list or "", **self._list_args(), **args
        )
        return answer.json(), answer

    def _records(self, body: Any) -> builtins.list[T]:
        """The records of a list answer's body, validated in one pass."""
        model: type[T] = self._declared.model  # type: ignore[assignment]  # T per subclass
        key = self._declared.routes.list_key
        return parse_answers(model, list_of(body, key), key)


class Collection(Scoped, Generic[R], contract=True):
    """Where resources of one kind are found.

    A subclass declares its resource class, :class:`Routes` and, when its resources live
    inside others, :class:`Scope` as class keywords
    (``class Projects(Collection[Project], model=Project, routes=Routes(...))``); they are
    checked when the class is defined.
    """

    _listing = False

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

    # -------------------------------------------------------------------- machinery
    @property
    def _model(self) -> type[R]:
        model: type[R] = self._declared.model  # type: ignore[assignment]  # R per subclass
        return model

    def _inherited(self) -> dict[str, Any]:
        """The parents' ids, as the fields a resource records them in."""
        return {f"{parent}_id": value for parent, value in self._within.items()}

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
        kind = self._model.kind
        return not_found(
            kind,
            name,
            names=lambda: (item.name for item in self.list()),
            parents=self._parents(),
            tenant=None if kind == "tenant" else self._client.settings.tenant,
        )

    def _find_ids(self, name: str) -> builtins.list[str]:
        routes = self._declared.routes
        if routes.search is None:
            return [item.id for item in self.list() if item.name == name]
        try:
            answer = self._client._look_up(
                routes.search, **self._lookup_args(), **{routes.search_arg: name}
            )
        except NotFoundError:
            return []
        return ids_in_search(answer.json(), routes.search_key)

    def _fetch(self, key: str) -> R:
        routes = self._declared.routes
        if routes.info is None:
            found = next((item for item in self.list() if item._route_key() == key), None)
            if found is None:
                raise self._not_found(key)
            return found
        answer = self._info(routes.info, **self._lookup_args(), **{routes.id_arg: key})
        return self._build(object_of(answer.json(), routes.info_key), answer)

    def _info(self, operation: str, /, **args: Any) -> APIResponse:
        """Send the info route; a collection that turns its 404 into an error of its own
        sends it as a lookup (``Client._look_up``)."""
        return self._client._request(operation, **args)

    def _page(self, _cursor: object | None) -> Page[R]:
        routes = self._declared.routes
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
        return self._created(
            operation,
            build=answer or self._from_answer,
            find=lambda: self._named(called),
            expected=expected,
            repeat=repeat,
            **args,
        )

    def _created(
        self,
        operation: str,
        /,
        *,
        build: Callable[[APIResponse], C],
        find: Callable[[], C | None],
        expected: Mapping[str, Any] | None = None,
        repeat: Callable[[], C] | None = None,
        **args: Any,
    ) -> C:
        """:meth:`_create` for a create that answers with another type than this
        collection's resource (a model import, from ``Models``): ``build`` reads it from
        the answer and ``find`` looks it up after a lost answer."""
        policy: CreatePolicy[C] = CreatePolicy(
            send=lambda: build(self._client._request(operation, **args)),
            find=find,
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
