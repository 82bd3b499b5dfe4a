"""Projects against the emulator, in both response generations."""

from __future__ import annotations

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import ConflictError, InvalidArgumentError, NameNotFoundError
from sambastudio.resources import Project
from tests.objects.conftest import emulated_now, unique


def test_create_returns_the_whole_project(client: Client, emulator: Emulator) -> None:
    name = unique("p")
    project = client.projects.create(name=name, description="demo")
    assert isinstance(project, Project)
    assert (project.name, project.description, project.status) == (name, "demo", "Available")
    assert project.owner == "admin"
    assert project.created_at == emulated_now(emulator)


def test_get_by_name_id_or_object(client: Client, project: Project) -> None:
    assert project.name.startswith("project-")  # the fixture's unique("project")
    for ref in (project.name, project.id, project):
        assert client.projects.get(ref) == project


def test_list_holds_the_new_project(client: Client, project: Project) -> None:
    assert project in client.projects.list().to_list()


def test_update_renames_in_place(client: Client, project: Project) -> None:
    new_name = unique("renamed")
    assert project.update(name=new_name, description="changed") is project
    assert (project.name, project.description) == (new_name, "changed")
    assert client.projects.get(new_name).description == "changed"


def test_refresh_sees_changes_made_elsewhere(client: Client, project: Project) -> None:
    client.projects.get(project.id).update(description="from elsewhere")
    assert project.refresh().description == "from elsewhere"


def test_delete_by_object_and_by_name(client: Client) -> None:
    first = client.projects.create(name=unique("p"))
    first.delete()
    second_name = unique("p")
    second = client.projects.create(name=second_name)
    assert second.name == second_name
    client.projects.delete(second_name)
    names = {p.name for p in client.projects.list()}
    assert first.name not in names
    assert second.name not in names


def test_a_missing_name_raises_not_found_naming_the_kind(client: Client) -> None:
    with pytest.raises(NameNotFoundError) as caught:
        client.projects.get("no-such-project")
    assert (caught.value.kind, caught.value.name) == ("project", "no-such-project")


def test_a_taken_name_is_a_conflict(client: Client, project: Project) -> None:
    assert project.name.startswith("project-")  # the fixture's unique("project")
    with pytest.raises(ConflictError) as caught:
        client.projects.create(name=project.name)
    assert caught.value.status_code == 409


@pytest.mark.parametrize("name", ["", "   "])
def test_a_blank_name_is_refused_before_sending(client: Client, name: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        client.projects.create(name=name)
    assert caught.value.argument == "name"
