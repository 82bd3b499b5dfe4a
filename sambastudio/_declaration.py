"""What a collection declares once, as class keywords, and the checks run on it.

Every collection (and every listing) says, when its class is defined, ``model=`` (the class
of what it holds), ``routes=`` (:class:`Routes`: the operations that list, fetch and search
them) and, when they live inside another object, ``scope=`` (:class:`Scope`: the parents
and the route arguments that carry their ids). :class:`Declaration` holds the three and
:meth:`Declaration.check` refuses, with a ``TypeError`` naming the class, a declaration
that cannot work: a route missing from the wire contract, an argument a route does not
take, a required argument that nothing supplies, a parent the resource cannot record.

The declaration is stored privately on the class (an IDE offers a collection's verbs
only); :func:`declaration` is how the rest of the package (the doctor) reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sambastudio._records import Record
from sambastudio._routes import ROUTES


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
            if argument and argument not in _arguments(name):
                raise TypeError(f"{owner}: the route {name!r} takes no argument {argument!r}")
        if self.list is not None and not self.list_key:
            raise TypeError(f"{owner} lists with {self.list!r} but names no list_key")


def _arguments(route: str) -> set[str]:
    return {arg.name for arg in ROUTES[route].args}


@attrs.frozen
class Scope:
    """Where a collection's resources live: inside which parents, named by which arguments.

    ``parents`` are the kinds of the objects that hold them, outermost first (a job's
    checkpoints: ``("project", "job")``); the collection is made with their ids in that
    order (``Checkpoints(client, project_id, job_id)``) and, for messages, their names
    (``job_name=...``). ``list_args`` maps each argument of the list route that carries a
    parent's id to that parent (``{"project_id": "project"}``), ``lookup_args`` the same
    for the info and search routes. A resource gets each parent's id as its
    ``<parent>_id`` field when the server leaves it out. Top-level collections have none.
    """

    parents: tuple[str, ...] = ()
    list_args: Mapping[str, str] = attrs.field(factory=dict)
    lookup_args: Mapping[str, str] = attrs.field(factory=dict)

    def bind(self, arguments: Mapping[str, str], ids: Mapping[str, str | None]) -> dict[str, Any]:
        """``arguments`` (``list_args`` or ``lookup_args``) given the parents' ``ids``."""
        return {argument: ids[parent] for argument, parent in arguments.items()}


@attrs.frozen
class Declaration:
    """A collection's ``model``, ``routes`` and ``scope``, as its class keywords gave them."""

    model: type[Record]
    routes: Routes
    scope: Scope = Scope()

    def check(self, owner: str, *, listing: bool) -> None:
        """``TypeError`` naming ``owner`` unless every declared route can be sent as declared.

        A collection's resources record their parents' ids (``project_id``...), so its
        model must have those fields; a ``listing`` has plain records and a list route only.
        """
        routes, scope = self.routes, self.scope
        routes.check(owner)
        if listing and (routes.list is None or routes.info or routes.search):
            raise TypeError(f"{owner} is a listing: it declares a list route only")
        if len(set(scope.parents)) != len(scope.parents):
            raise TypeError(f"{owner} names a parent twice in {scope.parents}")
        for parent in [*scope.list_args.values(), *scope.lookup_args.values()]:
            if parent not in scope.parents:
                raise TypeError(
                    f"{owner} binds an argument to {parent!r}, which is not among its "
                    f"parents {scope.parents}"
                )
        if scope.list_args and routes.list is None:
            raise TypeError(f"{owner} declares list_args but no list route")
        if scope.lookup_args and routes.info is None and routes.search is None:
            raise TypeError(f"{owner} declares lookup_args but no info or search route")
        sent = [
            (routes.list, scope.list_args, ""),
            (routes.info, scope.lookup_args, routes.id_arg),
            (routes.search, scope.lookup_args, routes.search_arg),
        ]
        for route, bound, own in sent:
            if route is not None:
                _check_supplied(owner, route, {*bound, own} - {""})
        if not listing:
            for parent in scope.parents:
                if f"{parent}_id" not in self.model.model_fields:
                    raise TypeError(
                        f"{owner} holds {self.model.__name__} inside a {parent}, but "
                        f"{self.model.__name__} has no field {parent}_id to record it"
                    )


def _check_supplied(owner: str, route: str, supplied: set[str]) -> None:
    """Every argument supplied exists, and every required one is supplied."""
    unknown = sorted(supplied - _arguments(route))
    if unknown:
        raise TypeError(f"{owner}: the route {route!r} takes no argument {unknown[0]!r}")
    unbound = [arg.name for arg in ROUTES[route].args if arg.required and arg.name not in supplied]
    if unbound:
        raise TypeError(
            f"{owner}: the route {route!r} needs {unbound[0]!r}, which neither its scope "
            "nor its routes supply"
        )


def declaration(collection: type[Any]) -> Declaration:
    """What ``collection`` (a ``Collection`` or ``Listing`` class) declared."""
    declared: Declaration = collection._declared
    return declared
