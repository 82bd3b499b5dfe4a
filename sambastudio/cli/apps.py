"""``sambastudio app``: the families models and datasets belong to."""

from __future__ import annotations

import click

from sambastudio._client import Client
from sambastudio.cli._commands import add_commands, info_command, list_command
from sambastudio.cli._context import Group
from sambastudio.resources import App

COLUMNS = ("name", "id", "playground", "prediction_input")


def find(client: Client, app: str) -> App:
    return client.apps.get(app)


@click.group(cls=Group)
def app() -> None:
    """ML apps.

    \b
    Examples:
      sambastudio app list --output snapi
      sambastudio app info --app "Generative Tuning"
    """


add_commands(
    app,
    list_command("app", COLUMNS, lambda client: client.apps.list()),
    info_command("app", find, click.option("--app", required=True, help="App name or id.")),
)
