"""The resource contract is checked when a collection class is defined."""

from __future__ import annotations

import pytest

from sambastudio._base import Collection, Listing, Routes
from sambastudio._pagination import Pager
from sambastudio.resources import Project
from sambastudio.resources.jobs import LogFile


def test_an_unknown_route_is_refused_at_class_definition() -> None:
    with pytest.raises(TypeError, match="'list_widgets', which does not exist"):

        class Widgets(
            Collection[Project], model=Project, routes=Routes(list="list_widgets", list_key="w")
        ):
            pass


def test_an_id_argument_the_route_does_not_take_is_refused() -> None:
    with pytest.raises(TypeError, match="takes no argument 'project_id'"):

        class Projects(
            Collection[Project],
            model=Project,
            routes=Routes(info="project_info", id_arg="project_id"),
        ):
            pass


def test_a_collection_must_declare_its_model_and_routes() -> None:
    with pytest.raises(TypeError, match="must declare model= and routes="):

        class Bare(Collection[Project]):
            pass


def test_a_listing_checks_its_route_too() -> None:
    with pytest.raises(TypeError, match="'job_logs', which does not exist"):

        class Logs(Listing[LogFile], record=LogFile, route="job_logs", key="logs"):
            pass


def test_a_pager_repr_shows_no_fetch_function() -> None:
    pager = Pager.one_page(lambda: [1, 2], limit=3)
    assert repr(pager) == "Pager(limit=3)"
