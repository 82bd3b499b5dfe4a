"""``sambastudio notification``: what the platform said about jobs, endpoints, tenants."""

from __future__ import annotations

from typing import Any

import click

from sambastudio._client import Client
from sambastudio.cli._commands import add_commands, list_command
from sambastudio.cli._context import Group
from sambastudio.resources.notifications import LEVELS, NOTIFICATION_TYPES

COLUMNS = ("created_at", "level", "type", "message")


def find_all(client: Client, levels: tuple[int, ...], kind: Any, archived: bool) -> Any:
    return client.notifications.list(levels=levels or None, type=kind, all=archived)


@click.group(cls=Group)
def notification() -> None:
    """Notifications.

    \b
    Examples:
      sambastudio notification list --level 40 --level 50
      sambastudio notification list --type admin --all --json
    """


add_commands(
    notification,
    list_command(
        "notification",
        COLUMNS,
        find_all,
        click.option(
            "--level",
            "levels",
            type=click.Choice([str(n) for n in LEVELS]),
            multiple=True,
            callback=lambda c, p, v: tuple(int(n) for n in v),
            help="Only this level: 10 debug ... 50 critical (repeatable).",
        ),
        click.option("--type", "kind", type=click.Choice(NOTIFICATION_TYPES)),
        click.option("--all", "archived", is_flag=True, help="Include archived ones."),
    ),
)
