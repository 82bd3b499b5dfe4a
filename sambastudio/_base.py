"""What a resource module is built from, in one import, and the contract it follows.

A resource is a pydantic model of one server object bound to its client
(``sambastudio._resource``); a collection is where resources of one kind are found
(``sambastudio._collection``). A collection declares what it holds, its routes and its
scope once, as class keywords, checked when the class is defined
(``sambastudio._declaration``)::

    WidgetStatus = Literal["Ready", "Failed"] | UnknownStatus   # open, and still typed
    class Widget(Waitable):
        kind: ClassVar[str] = "widget"                   # the word errors use
        _acceptors: ClassVar[Acceptors[Any]] = Acceptors(  # what ends wait() (_waiting.py)
            success=frozenset({"Ready"}), failure=frozenset({"Failed"}), error=ResourceFailed
        )
        id: str = Field(validation_alias=AliasChoices("id", "widget_id"))   # both generations
        name: str | None = Field(None, validation_alias=AliasChoices("name", "widget_name"))
        project_id: str | None = None                    # the parent the scope names
        status: WidgetStatus | None = None

        def _home(self) -> ProjectWidgets:               # where refresh() fetches it again
            return ProjectWidgets(self.client, self.project_id)

        def stop(self) -> Self:                          # a verb that changes it: in place
            return self._absorb_answer(self._send("stop_widget", widget=self.id))

    class ProjectWidgets(
        Collection[Widget],
        model=Widget,
        routes=Routes(list="list_widgets", list_key="widgets", info="widget_info",
                      id_arg="widget", search="search_widget", search_arg="widget_name",
                      search_key="widget_id"),
        scope=Scope(parents=("project",), list_args={"project": "project"},
                    lookup_args={"project": "project"}),
    ):
        def create(self, *, name: str, size: int = 1) -> Widget:
            return self._create(                         # check arguments first, then send
                "create_widget", called=check_name("name", name),
                **self._lookup_args(), size=check_count("size", size),
            )                                            # a lost answer is reconciled

Then expose ``ProjectWidgets(client, project_id, project_name=...)`` as a property of the
parent resource (or a top-level collection as a property of ``Client``). That gives
``get(name_or_id_or_object)``, ``id_of(...)``, a lazy ``list(limit=...)``, ``refresh()``,
``wait()``, pickling, ``==`` by id and a short repr. Collections find each other through
the client (``self._client.models.id_of(model)``), never through another collection's
private methods (tests/pipeline/test_private_access.py keeps it so). Collections without a
search route resolve names by listing; without an info route, ``get`` filters the list. A
server that pages overrides ``_page(cursor)``. The repr shows ``repr_fields`` only: never
list a secret (an API key) there. Small types without behaviour (metrics, log files) are
``Record``s; records an owner lists without lookup (a job's logs) are a ``Listing``.
"""

from __future__ import annotations

from sambastudio._collection import Collection, Listing
from sambastudio._declaration import Routes, Scope
from sambastudio._records import Answered, Record, Timestamped, UnknownStatus
from sambastudio._resource import Resource, Waitable

__all__ = [
    "Answered",
    "Collection",
    "Listing",
    "Record",
    "Resource",
    "Routes",
    "Scope",
    "Timestamped",
    "UnknownStatus",
    "Waitable",
]
