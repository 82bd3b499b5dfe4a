"""The resource contract is checked when a collection class is defined: its model, routes
and scope are data, and a declaration that could not work is refused with a clear error."""

from __future__ import annotations

import types
from typing import Any

import pytest

from sambastudio import Client
from sambastudio._base import Collection, Listing, Routes, Scope
from sambastudio._declaration import declaration
from sambastudio._pagination import Pager
from sambastudio.resources import Checkpoints, Job, Project, ProjectJobs
from sambastudio.resources.jobs import JobLogs, LogFile

JOB_ROUTES = Routes(list="list_jobs", list_key="jobs", info="job_info", id_arg="job")
IN_PROJECT = Scope(parents=("project",), lookup_args={"project": "project"})


def define(name: str, base: Any, **declared: Any) -> type:
    """``class <name>(base, **declared): pass``, as a test defines a collection."""
    return types.new_class(name, (base,), declared)


WIDGETS = Routes(list="list_widgets", list_key="w")
PROJECT_INFO = Routes(info="project_info", id_arg="project_id")
JOB_INFO = Routes(info="job_info", id_arg="job")
LOGS = Routes(list="job_logs", list_key="l")
BY_NAME = Scope(parents=("project",), list_args={"project_name": "project"})
BY_PROJEKT = Scope(parents=("project",), lookup_args={"project": "projekt"})
LISTED = Scope(parents=("project",), list_args={"project_id": "project"})

REFUSED = {  # base, model, routes, scope: the error
    "unknown route": (
        Collection[Project],
        Project,
        WIDGETS,
        None,
        "'list_widgets', which does not",
    ),
    "foreign id argument": (Collection[Project], Project, PROJECT_INFO, None, "no argument 'pro"),
    "no declaration": (Collection[Project], None, None, None, "must declare model= and routes="),
    "listing, unknown route": (Listing[LogFile], LogFile, LOGS, None, "'job_logs', which does not"),
    "listing that looks up": (
        Listing[Job],
        Job,
        JOB_ROUTES,
        IN_PROJECT,
        "declares a list route only",
    ),
    "unsupplied argument": (Collection[Job], Job, JOB_ROUTES, None, "'job_info' needs 'project'"),
    "foreign scope argument": (
        Collection[Job],
        Job,
        JOB_ROUTES,
        BY_NAME,
        "no argument 'project_na",
    ),
    "argument of no parent": (
        Collection[Job],
        Job,
        JOB_ROUTES,
        BY_PROJEKT,
        "to 'projekt', which is",
    ),
    "unrecorded parent": (
        Collection[Project],
        Project,
        JOB_INFO,
        IN_PROJECT,
        "no field project_id",
    ),
    "arguments, no route": (Collection[Job], Job, JOB_INFO, LISTED, "list_args but no list route"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_declaration_that_cannot_work_is_refused_at_class_definition(case: str) -> None:
    base, model, routes, scope, error = REFUSED[case]
    declared = {"model": model, "routes": routes, "scope": scope}
    with pytest.raises(TypeError, match=error):
        define("Widgets", base, **{key: value for key, value in declared.items() if value})


def test_a_subclass_inherits_the_declaration_and_may_override_part_of_it() -> None:
    unsearched = define("Unsearched", ProjectJobs, routes=JOB_ROUTES)
    declared = declaration(unsearched)
    assert declared.model is Job
    assert declared.scope == declaration(ProjectJobs).scope
    assert declared.routes.search is None
    with pytest.raises(TypeError, match="Dropped declares lookup_args but no info or search"):
        define("Dropped", ProjectJobs, routes=Routes(list="list_jobs", list_key="jobs"))


def test_the_scope_binds_each_route_argument_to_its_parent() -> None:
    client = Client(host_url="http://127.0.0.1:1", access_key="k")
    jobs = ProjectJobs(client, "p-1", project_name="demo")
    assert jobs._list_args() == {"project_id": "p-1"}
    assert jobs._lookup_args() == {"project": "p-1"}
    assert jobs._inherited() == {"project_id": "p-1"}
    assert jobs._parents() == [("project", "demo")]
    checkpoints = Checkpoints(client, "p-1", "j-1")
    assert checkpoints._list_args() == {"project": "p-1", "job": "j-1"}
    assert checkpoints._lookup_args() == {}
    assert repr(checkpoints) == "Checkpoints(project='p-1', job='j-1')"
    assert repr(JobLogs(client, "p-1", "j-1")) == "JobLogs(project='p-1', job='j-1')"


def test_a_collection_is_made_with_the_ids_its_scope_names() -> None:
    client = Client(host_url="http://127.0.0.1:1", access_key="k")
    with pytest.raises(TypeError, match=r"takes the ids of its parents \('project', 'job'\)"):
        Checkpoints(client, "p-1")
    with pytest.raises(TypeError, match="unexpected argument 'job_title'"):
        Checkpoints(client, "p-1", "j-1", job_title="x")


def test_a_pager_repr_shows_no_fetch_function() -> None:
    pager = Pager.one_page(lambda: [1, 2], limit=3)
    assert repr(pager) == "Pager(limit=3)"
