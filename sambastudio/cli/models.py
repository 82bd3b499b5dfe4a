"""``sambastudio model``: base models and the ones promoted from checkpoints."""

from __future__ import annotations

from typing import Any

import click

from sambastudio._client import Client
from sambastudio.cli._commands import (
    JOB,
    MODEL,
    PROJECT,
    add_commands,
    delete_command,
    hidden_alias,
    info_command,
    list_command,
    show_created,
)
from sambastudio.cli._context import Group, cli_context
from sambastudio.resources import Model

COLUMNS = ("name", "id", "status", "model_type", "job_types", "version")


def find(client: Client, model: str) -> Model:
    return client.models.get(model)


@click.group(cls=Group)
def model() -> None:
    """Models."""


@model.command("add")
@PROJECT
@JOB
@click.option(
    "-m",
    "--model-checkpoint",
    "checkpoint",
    required=True,
    help="The checkpoint to promote (its name, as `checkpoint list` shows).",
)
@click.option("-n", "--name", required=True, help="Name of the new model.")
@click.option(
    "-t",
    "--checkpoint-type",
    type=click.Choice(["finetuned", "pretrained"]),
    default="finetuned",
    show_default=True,
)
@click.option("--description", default="")
def add(
    project: str, job: str, checkpoint: str, name: str, checkpoint_type: Any, description: str
) -> None:
    """Promote a checkpoint to a model (snapi: model add -m -n -p -j -t)."""
    client = cli_context().client
    found = client.projects.get(project).jobs.get(job).checkpoints.get(checkpoint)
    added = found.promote(name=name, description=description, checkpoint_type=checkpoint_type)
    show_created("model", added)


_delete = delete_command("model", find, MODEL)
add_commands(
    model,
    list_command("model", COLUMNS, lambda client: client.models.list()),
    info_command("model", find, MODEL),
    _delete,
    hidden_alias(_delete, "remove"),
)
