"""The resource contract is checked when a collection class is defined: its model, routes
and scope are data, and a declaration that could not work is refused with a clear error."""

from __future__ import annotations

import pytest

from sambastudio import Client
from sambastudio._base import Collection, Listing, Routes, Scope
from sambastudio._declaration import declaration
from sambastudio._pagination import Pager
from sambastudio.resources import Checkpoints, Job, Project, ProjectJobs
from sambastudio.resources.jobs import JobLogs, LogFile

JOB_ROUTES = Routes(list="list_jobs", list_key="jobs", info="job_info", id_arg="job")
IN_PROJECT = Scope(parents=("project",), lookup_args={"project": "project"})


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

        class Logs(Listing[LogFile], model=LogFile, routes=Routes(list="job_logs", list_key="l")):
            pass


def test_a_listing_declares_a_list_route_only() -> None:
    with pytest.raises(TypeError, match="Logs is a listing: it declares a list route only"):

        class Logs(Listing[Job], model=Job, routes=JOB_ROUTES, scope=IN_PROJECT):
            pass


def test_a_route_argument_nothing_supplies_is_refused() -> None:
    """job_info needs the project: a collection without a scope cannot send it."""
    with pytest.raises(TypeError, match="'job_info' needs 'project', which neither its scope"):

        class Jobs(Collection[Job], model=Job, routes=JOB_ROUTES):
            pass


def test_a_scope_argument_the_route_does_not_take_is_refused() -> None:
    scope = Scope(parents=("project",), list_args={"project_name": "project"})
    with pytest.raises(TypeError, match="'list_jobs' takes no argument 'project_name'"):

        class Jobs(Collection[Job], model=Job, routes=JOB_ROUTES, scope=scope):
            pass


def test_an_argument_bound_to_an_undeclared_parent_is_refused() -> None:
    scope = Scope(parents=("project",), lookup_args={"project": "projekt"})
    with pytest.raises(TypeError, match="binds an argument to 'projekt', which is not among"):

        class Jobs(Collection[Job], model=Job, routes=JOB_ROUTES, scope=scope):
            pass


def test_a_parent_the_resource_cannot_record_is_refused() -> None:
    """A project's resources record its id as project_id; Project has no such field."""
    with pytest.raises(TypeError, match="Project has no field project_id to record it"):

        class Nested(
            Collection[Project],
            model=Project,
            routes=Routes(info="job_info", id_arg="job"),
            scope=IN_PROJECT,
        ):
            pass


def test_scope_arguments_without_their_route_are_refused() -> None:
    scope = Scope(parents=("project",), list_args={"project_id": "project"})
    with pytest.raises(TypeError, match="declares list_args but no list route"):

        class Jobs(
            Collection[Job], model=Job, routes=Routes(info="job_info", id_arg="job"), scope=scope
        ):
            pass


def test_a_subclass_inherits_the_declaration_and_may_override_part_of_it() -> None:
    class Unsearched(ProjectJobs, routes=JOB_ROUTES):
        pass

    declared = declaration(Unsearched)
    assert declared.model is Job
    assert declared.scope == declaration(ProjectJobs).scope
    assert declared.routes.search is None
    with pytest.raises(TypeError, match="Dropped declares lookup_args but no info or search"):

        class Dropped(ProjectJobs, routes=Routes(list="list_jobs", list_key="jobs")):
            pass


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
    with pytest.raises(
        TypeError, match=r"Checkpoints takes the ids of its parents \('project', 'job'\), not 1"
    ):
        Checkpoints(client, "p-1")
    with pytest.raises(TypeError, match="unexpected argument 'job_title'"):
        Checkpoints(client, "p-1", "j-1", job_title="x")


def test_a_pager_repr_shows_no_fetch_function() -> None:
    pager = Pager.one_page(lambda: [1, 2], limit=3)
    assert repr(pager) == "Pager(limit=3)"
