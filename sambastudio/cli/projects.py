"""``sambastudio project``: the folders that hold jobs and endpoints."""

from __future__ import annotations

import click

from sambastudio._client import Client
from sambastudio.cli._commands import (
    PROJECT,
    add_commands,
    delete_command,
    info_command,
    label,
    list_command,
    show_created,
)
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._output import show_done
from sambastudio.resources import Project

COLUMNS = ("name", "id", "status", "owner", "created_at")


def find(client: Client, project: str) -> Project:
    return client.projects.get(project)


@click.group(cls=Group)
def project() -> None:
    """Projects: the folders that hold jobs and endpoints.

    \b
    Examples:
      sambastudio project create -p demo --description "fine-tuning trials"
      sambastudio project list
      sambastudio project info -p demo --output snapi
    """


@project.command("create")
@click.option("-p", "--project", "name", required=True, help="Name of the new project.")
@click.option("--description", default="", help="What the project is for.")
def create(name: str, description: str) -> None:
    """Create a project."""
    created = cli_context().client.projects.create(name=name, description=description)
    show_created("project", created)


@project.command("update")
@PROJECT
@click.option("--name", help="New name.")
@click.option("--description", help="New description.")
def update(project: str, name: str | None, description: str | None) -> None:
    """Rename a project or change its description."""
    updated = find(cli_context().client, project).update(name=name, description=description)
    show_done(f"Updated project {label(updated)}.", updated="project", id=updated.id)


add_commands(
    project,
    list_command("project", COLUMNS, lambda client: client.projects.list()),
    info_command("project", find, PROJECT),
    delete_command("project", find, PROJECT),
)
