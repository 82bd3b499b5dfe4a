"""Name-or-id resolution: every argument that names a resource takes a name, an id or the object.

A UUID-shaped string is an id and costs no request. Anything else is a name, looked up
through the resource's search route or, where there is none, by listing and filtering; zero
matches raise ``NameNotFoundError`` and several raise ``AmbiguousNameError`` with the ids,
so a script never acts on the wrong resource silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from sambastudio.errors import AmbiguousNameError, InvalidArgumentError, NameNotFoundError

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
