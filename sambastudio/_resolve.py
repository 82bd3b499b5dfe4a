"""Name-or-id resolution: every argument that names a resource takes a name, an id or the object.

A UUID-shaped string is an id and costs no request. Anything else is a name, looked up
through the resource's search route or, where there is none, by listing and filtering; zero
matches raise ``NameNotFoundError`` and several raise ``AmbiguousNameError`` with the ids,
so a script never acts on the wrong resource silently.

A name not found is reported with its scope, the closest names (``did you mean ...?``) and
how to list them (:func:`not_found`); the candidates are listed only then, so a name that
resolves costs nothing more.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Protocol

from sambastudio import _hints
from sambastudio.errors import (
    AmbiguousNameError,
    InvalidArgumentError,
    NameNotFoundError,
    SambaStudioError,
)

_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


class Identified(Protocol):
    """Anything with an ``id``: every resource."""

    @property
    def id(self) -> str: ...


def looks_like_id(value: str) -> bool:
    """Ids are UUIDs on SambaStudio (api-evidence §1.4); names practically never are."""
    return _UUID.fullmatch(value) is not None


def pick_one(kind: str, name: str, ids: Iterable[str]) -> str:
    """The single id ``name`` matched, or the error that says why there is not one."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise NameNotFoundError(kind, name)
    if len(unique) > 1:
        raise AmbiguousNameError(kind, name, unique)
    return unique[0]


def resolve(ref: str | Identified, *, kind: str, find_ids: Callable[[str], Iterable[str]]) -> str:
    """The id ``ref`` stands for; ``find_ids(name)`` is only called for a name."""
    if not isinstance(ref, str):
        found = getattr(ref, "id", None)
        if not isinstance(found, str):
            raise TypeError(
                f"the {kind} must be given as its name, its id or the object, "
                f"not {type(ref).__name__}"
            )
        return found
    if not ref.strip():
        raise InvalidArgumentError(kind, f"the {kind} name or id is empty")
    if looks_like_id(ref):
        return ref
    return pick_one(kind, ref, find_ids(ref))


def ids_in_search(body: Any, key: str) -> list[str]:
    """The ids of a search route's answer: ``{data: {<key>}}``, or a list of such objects."""
    found = body.get("data", body) if isinstance(body, Mapping) else body
    entries = found if isinstance(found, list) else [found]
    return [str(entry[key]) for entry in entries if isinstance(entry, Mapping) and entry.get(key)]


MAX_CANDIDATES: Final = 1000
"""How many names a failed lookup reads to suggest close ones (one page on most servers)."""
CLOSE_ENOUGH: Final = 0.6
"""difflib's similarity a name must reach to be suggested (``nope`` is not ``ft-1``)."""


def scope_words(parents: Sequence[_hints.Parent], tenant: str | None) -> str:
    """``project 'demo'``, ``job 'ft-1' of project 'demo'``, else ``tenant 'x'`` when known."""
    if parents:
        return " of ".join(f"{kind} {label!r}" for kind, label in reversed(parents))
    return f"tenant {tenant!r}" if tenant else ""


def not_found(
    kind: str,
    name: str,
    *,
    names: Callable[[], Iterable[str | None]],
    parents: Sequence[_hints.Parent] = (),
    tenant: str | None = None,
) -> NameNotFoundError:
    """The error for ``name``: its scope, close names from ``names()`` and how to list them.

    ``names`` is called here, on the failure path only; if listing fails too, the error
    still names the scope and the way to list them, without suggestions.
    """
    try:
        known = [found for found in itertools.islice(names(), MAX_CANDIDATES) if found]
    except SambaStudioError:
        known = []
    close = difflib.get_close_matches(name, known, n=3, cutoff=CLOSE_ENOUGH)
    error = NameNotFoundError(kind, name, scope=scope_words(parents, tenant), suggestions=close)
    return error.advise(_hints.list_them(kind, parents))
