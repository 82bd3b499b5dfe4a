"""The doctor probes a list the way the SDK's collections send it: inside its parents, so
the ids it takes from one answer to probe the next belong together (a job of that project)."""

from __future__ import annotations

from sambastudio._routes import ROUTES
from sambastudio.doctor._probe import arguments

IDS = {"project": "p-1", "job": "j-1", "endpoint": "e-1"}


def test_a_list_inside_a_parent_is_probed_with_the_parents_id() -> None:
    assert arguments(ROUTES["list_jobs"], IDS) == {"project_id": "p-1"}
    assert arguments(ROUTES["list_endpoints"], IDS) == {"project": "p-1"}
    assert arguments(ROUTES["list_checkpoints"], IDS) == {"project": "p-1", "job": "j-1"}


def test_a_top_level_list_is_probed_without_arguments() -> None:
    assert arguments(ROUTES["list_projects"], IDS) == {}


def test_an_optional_scope_without_an_id_is_left_out_and_a_required_one_is_reported() -> None:
    assert arguments(ROUTES["list_jobs"], {}) == {}
    assert arguments(ROUTES["list_checkpoints"], {"project": "p-1"}) == (
        "no job on this host to probe with"
    )
