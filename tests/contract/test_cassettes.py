"""The cassettes themselves: every route recorded through both surfaces, nothing secret kept.

These tests read ``cassettes/`` only; they need neither the network nor the emulator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import pytest

from sambastudio._routes import ROUTES, Route
from sambastudio.compat import SnSdk
from sambastudio.testing import EMULATOR_ACCESS_KEY, FLAVORS, scan_cassettes
from sambastudio.testing.scrubbing import load_interactions
from tests.contract._world import AWS
from tests.contract.conftest import CASSETTES

SURFACES: Final = {
    "test_object_model": frozenset(ROUTES),
    "test_shim": frozenset(name for name in ROUTES if callable(getattr(SnSdk, name, None))),
}
"""The routes each surface must have sent: the object model reaches every route; the shim,
the routes of its methods (the OpenAI-compatible and streaming ones have none)."""


def _pattern(route: Route) -> re.Pattern[str]:
    literal = re.split(r"\{[^}]+\}", route.path)
    return re.compile("[^/]+".join(re.escape(part) for part in literal) + "/?")


def _literal_segments(route: Route) -> int:
    return sum("{" not in part for part in route.path.split("/"))


def routes_of(method: str, path: str) -> set[str]:
    """The routes a request is: the most literal template that matches it (the server reads
    ``/api/projects/search`` as the search, not as a project named ``search``)."""
    matches = [
        route
        for route in ROUTES.values()
        if route.method == method and _pattern(route).fullmatch(path)
    ]
    if not matches:
        return set()
    best = max(_literal_segments(route) for route in matches)
    return {route.name for route in matches if _literal_segments(route) == best}


_interactions = cache(load_interactions)


def requests_in(folder: Path, flavor: str) -> Iterator[tuple[Path, str, str]]:
    """``(cassette, method, path)`` of every request recorded for ``flavor``."""
    for cassette in sorted(folder.glob("*.yaml")):
        if not cassette.stem.endswith((f"[{flavor}]", f"-{flavor}]")):
            continue
        for interaction in _interactions(cassette):
            request = interaction["request"]
            yield cassette, request["method"], urlsplit(request["uri"]).path


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_route_is_recorded_through_each_surface(surface: str, flavor: str) -> None:
    sent = {
        name
        for _, method, path in requests_in(CASSETTES / surface, flavor)
        for name in routes_of(method, path)
    }
    missing = sorted(SURFACES[surface] - sent)
    assert not missing, f"no {flavor} cassette in cassettes/{surface}/ sends {missing}"


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_recorded_request_is_a_route_of_the_contract(surface: str) -> None:
    unknown = [
        f"{cassette.name}: {method} {path}"
        for flavor in FLAVORS
        for cassette, method, path in requests_in(CASSETTES / surface, flavor)
        if not routes_of(method, path)
    ]
    assert not unknown, f"requests outside sambastudio._routes: {unknown}"


def test_no_cassette_holds_a_secret_or_a_real_host() -> None:
    known = [EMULATOR_ACCESS_KEY, AWS["access_key_id"], AWS["secret_access_key"]]
    assert list(CASSETTES.rglob("*.yaml")), "no cassettes: record them (docs/testing.md)"
    findings = scan_cassettes(CASSETTES, secrets=known)
    assert not findings, "\n".join(findings[:50])


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/projects/search", {"search_project"}),
        ("GET", "/api/projects/p1", {"project_info"}),
        ("GET", "/api/projects/p1/jobs/j1/logs/download", {"download_logs"}),
        ("GET", "/api/projects/p1/jobs/j1/artifacts/logs/download", {"download_job_artifacts"}),
        ("PUT", "/api/v1beta/upload/file/a%2Fb.jsonl", {"upload_part_file"}),
        ("POST", "/v1/e1/chat/completions", {"openai_chat_completions"}),
        ("GET", "/api/nowhere", set()),
    ],
)
def test_requests_are_told_apart_as_the_server_does(
    method: str, path: str, expected: set[str]
) -> None:
    assert routes_of(method, path) == expected
