"""Name-or-id resolution on its own: what counts as an id, and how search answers are read.

The collections' tests cover resolution through the emulator; these pin the rules those
tests cannot reach: an object that is not a resource, answers shaped in every way the
search routes use, and the error each wrong reference raises.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sambastudio._resolve import (
    MAX_CANDIDATES,
    ids_in_search,
    looks_like_id,
    not_found,
    pick_one,
    resolve,
    scope_words,
)
from sambastudio.errors import (
    AmbiguousNameError,
    APIConnectionError,
    InvalidArgumentError,
    NameNotFoundError,
)

AN_ID = "6f1c2a3e-0000-4000-8000-000000000001"


@dataclass
class Handle:
    """Not a resource, but it has an id: any such object resolves to it."""

    id: Any


def never_called(name: str) -> list[str]:
    raise AssertionError(f"an id or an object needs no lookup, but {name!r} was looked up")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(AN_ID, True), (AN_ID.upper(), True), (f" {AN_ID}", False), (AN_ID[:-1], False)],
)
def test_only_a_whole_uuid_is_an_id(value: str, expected: bool) -> None:
    assert looks_like_id(value) is expected


def test_an_id_or_an_object_costs_no_lookup() -> None:
    assert resolve(AN_ID, kind="project", find_ids=never_called) == AN_ID
    assert resolve(Handle(AN_ID), kind="project", find_ids=never_called) == AN_ID


def test_a_name_is_looked_up() -> None:
    assert resolve("demo", kind="project", find_ids=lambda name: [AN_ID, AN_ID]) == AN_ID


def test_a_name_that_matches_nothing_is_an_error_naming_the_kind() -> None:
    with pytest.raises(NameNotFoundError) as missing:
        resolve("nightly", kind="job", find_ids=lambda name: [])
    assert (missing.value.kind, str(missing.value)) == ("job", "no job named 'nightly'")


@pytest.mark.parametrize("ref", [Handle(None), Handle(7), 42])
def test_an_object_without_a_string_id_is_refused(ref: object) -> None:
    with pytest.raises(TypeError) as caught:
        resolve(ref, kind="dataset", find_ids=never_called)  # type: ignore[arg-type]
    assert str(caught.value) == (
        f"the dataset must be given as its name, its id or the object, not {type(ref).__name__}"
    )


@pytest.mark.parametrize("ref", ["", "  "])
def test_a_blank_reference_is_refused(ref: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        resolve(ref, kind="model", find_ids=never_called)
    assert (caught.value.argument, str(caught.value)) == (
        "model",
        "the model name or id is empty",
    )


def test_no_match_and_several_matches_are_errors_naming_the_kind() -> None:
    with pytest.raises(NameNotFoundError) as missing:
        pick_one("job", "nightly", [])
    assert (missing.value.kind, missing.value.name) == ("job", "nightly")
    with pytest.raises(AmbiguousNameError) as shared:
        pick_one("job", "nightly", ["a", "b", "a"])
    error = shared.value
    assert (error.kind, error.name, error.ids) == ("job", "nightly", ["a", "b"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"data": {"project_id": "a"}}, ["a"]),  # one match, wrapped
        ({"data": [{"project_id": "a"}, {"project_id": "b"}]}, ["a", "b"]),  # several
        ({"project_id": "a"}, ["a"]),  # not wrapped at all
        ([{"project_id": "a"}, {"project_id": "b"}], ["a", "b"]),  # a bare list
        ({"data": [{"project_id": "a"}, {"other": 1}, {"project_id": ""}, "junk", None]}, ["a"]),
        ({"data": {"project_id": 7}}, ["7"]),  # ids are strings, whatever the server sent
        ({"data": None}, []),
    ],
)
def test_ids_in_search_reads_every_shape(body: Any, expected: list[str]) -> None:
    assert ids_in_search(body, "project_id") == expected


@pytest.mark.parametrize(
    ("parents", "tenant", "expected"),
    [
        ([("project", "demo")], "research", "project 'demo'"),  # the parents say it all
        ([("project", "demo"), ("job", "ft-1")], None, "job 'ft-1' of project 'demo'"),
        ([], "research", "tenant 'research'"),
        ([], None, ""),  # nothing known: no scope at all, not "tenant None"
    ],
)
def test_the_scope_names_the_parents_else_the_tenant(
    parents: list[tuple[str, str]], tenant: str | None, expected: str
) -> None:
    assert scope_words(parents, tenant) == expected


def test_a_name_not_found_suggests_the_three_closest() -> None:
    names = ["nightly-1234", "nightly1", "weekly", None, "nightly-123", "", "nightly-12"]
    error = not_found("job", "nightly", names=lambda: names, parents=[("project", "demo")])
    assert error.problem == (
        "no job named 'nightly' in project 'demo'; "
        "did you mean 'nightly1' or 'nightly-12' or 'nightly-123'?"
    )  # closest first; 'nightly-1234' is close too, but a fourth
    assert error.suggestions == ["nightly1", "nightly-12", "nightly-123"]


def test_suggestions_come_from_the_first_candidates_only() -> None:
    """A tenant with many resources is not listed whole to suggest a name."""
    read: list[str] = []

    def names() -> Iterator[str]:
        for number in itertools.count():
            name = "nightly-x" if number == MAX_CANDIDATES else f"other-{number}"
            read.append(name)
            yield name
            if number > MAX_CANDIDATES + 10:
                return

    error = not_found("job", "nightly", names=names)
    assert error.suggestions == []
    assert len(read) == MAX_CANDIDATES


def test_a_listing_that_fails_leaves_the_error_without_suggestions() -> None:
    def names() -> list[str]:
        raise APIConnectionError("the server is down", method="GET", path="/api/projects")

    error = not_found("project", "demo", names=names, tenant="research")
    assert (error.problem, error.suggestions) == (
        "no project named 'demo' in tenant 'research'",
        [],
    )
    assert str(error).endswith("List them with client.projects.list().")
