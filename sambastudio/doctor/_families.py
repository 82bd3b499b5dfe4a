"""Where else an operation may live: paths from the path families SambaStudio is known to use.

Two families are known (api-evidence.md §1.1, §7): the V1 REST API (``/api/<nouns>/{id}``,
verbs as trailing segments: ``/jobs/{job}/stop``) and the grpc-gateway service
(``/api/v2/<nouns>/{id}``, verbs as custom methods: ``/jobs/{job}:stop``,
``/tenants:defaultTenant``, ``/models/{id}:importStatus``). From a table path this module
derives the other family's spellings; the doctor probes them in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

from sambastudio._routes import Route

_VERSION = re.compile(r"v\d+(beta\d*)?")


def _camel(words: list[str]) -> str:
    parts = [part for word in words for part in re.split(r"[-_]", word) if part]
    return parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def _is_static(segment: str) -> bool:
    return bool(segment) and "{" not in segment and ":" not in segment


def _v1(path: str) -> str:
    return re.sub(r"^/api/v\d+(beta\d*)?/", "/api/", path)


def _v2(path: str) -> str:
    return "/api/v2/" + _v1(path).removeprefix("/api/") if path.startswith("/api/") else path


def _camel_segments(path: str) -> str:
    return "/".join(_camel([seg]) if _is_static(seg) else seg for seg in path.split("/"))


def _custom_methods(path: str) -> Iterator[str]:
    """``/a/{x}/logs/preview`` -> ``/a/{x}/logs:preview``, ``/a/{x}:logsPreview``."""
    segments = path.split("/")
    tail = 0
    while tail < len(segments) and _is_static(segments[-1 - tail]):
        tail += 1
    for take in range(1, tail + 1):
        keep = segments[:-take]
        if not keep or keep[-1] in ("", "api") or _VERSION.fullmatch(keep[-1]):
            continue
        yield "/".join(keep) + ":" + _camel(segments[-take:])


def family_paths(path: str) -> list[str]:
    """Other spellings of ``path`` in the known families, most likely first (not ``path``)."""
    found: list[str] = []
    for base in (_v2(path), _v1(path)):
        for spelling in (base, _camel_segments(base)):
            for candidate in (spelling, *_custom_methods(spelling)):
                if candidate != path and candidate not in found:
                    found.append(candidate)
    return found


def candidates(route: Route) -> list[Route]:
    """``route`` at each family path; the arguments travel as in the table."""
    if not route.path.startswith("/api/"):
        return []
    return [attrs.evolve(route, path=path) for path in family_paths(route.path)]
