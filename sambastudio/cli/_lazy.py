"""``LazyGroup``: a click group that imports a subcommand's module only when it is needed.

``sambastudio --help`` and every command would otherwise import all seventeen command
modules, and through them the SDK's resources, the emulator's launcher and the demo: three
times the start-up of ``import requests`` to print a page of text. A lazy subcommand is
declared by its module, its attribute and its one-line summary (what ``--help`` lists);
its module is imported when the command is run, completed, or asked for its own help.
tests/cli/test_lazy.py checks that each summary is the one the command itself gives.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import attrs
import click


@attrs.frozen
class LazyCommand:
    """Where a subcommand lives, and the summary the group's ``--help`` lists for it."""

    module: str
    attribute: str
    summary: str

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(self.module), self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}.{self.attribute} is not a click command")
        return command


class LazyGroup(click.Group):
    """A group whose ``lazy_commands`` are imported on first use (see the module's docstring)."""

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy_commands:
            command = self.lazy_commands[cmd_name].load()
            self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of subcommands, from the summaries: no module is imported for it."""
        limit = formatter.width - 6 - max(map(len, self.list_commands(ctx)), default=0)
        rows = []
        for name in self.list_commands(ctx):
            lazy = self.lazy_commands.get(name)
            if lazy is not None and name not in self.commands:
                stand_in = click.Command(name, help=lazy.summary)  # shortened as click does
                rows.append((name, stand_in.get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def to_info_dict(self, ctx: click.Context) -> dict[str, Any]:
        for name in self.lazy_commands:  # the full description loads every command
            self.get_command(ctx, name)
        return super().to_info_dict(ctx)
