"""``sambastudio checkpoint``: what a train job saved (``model add`` promotes one)."""

from __future__ import annotations

import click

from sambastudio._client import Client
from sambastudio.cli._commands import (
    JOB,
    PROJECT,
    add_commands,
    delete_command,
    info_command,
    list_command,
)
from sambastudio.cli._context import Group
from sambastudio.resources import Checkpoint
from sambastudio.resources.checkpoints import Checkpoints

COLUMNS = ("name", "steps", "metrics.train_loss", "created_at")
CHECKPOINT = click.option("-c", "--checkpoint", required=True, help="Checkpoint name.")


def checkpoints(client: Client, project: str, job: str) -> Checkpoints:
    return client.projects.get(project).jobs.get(job).checkpoints


def find(client: Client, project: str, job: str, checkpoint: str) -> Checkpoint:
    return checkpoints(client, project, job).get(checkpoint)


@click.group(cls=Group)
def checkpoint() -> None:
    """Checkpoints of train jobs (`model add` promotes one).

    \b
    Examples:
      sambastudio checkpoint list -p demo -j ft-1
      sambastudio checkpoint info -p demo -j ft-1 -c <checkpoint>
    """


add_commands(
    checkpoint,
    list_command(
        "checkpoint", COLUMNS, lambda client, **at: checkpoints(client, **at).list(), PROJECT, JOB
    ),
    info_command("checkpoint", find, PROJECT, JOB, CHECKPOINT),
    delete_command("checkpoint", find, PROJECT, JOB, CHECKPOINT),
)
