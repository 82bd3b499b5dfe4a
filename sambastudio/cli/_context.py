"""What every command shares: the global options and the client they describe.

The options are accepted before the command (``sambastudio --json project list``) and after
it (``sambastudio project list --json``), as people type both. The access key is never an
option value, which every user of the machine could read in ``ps``: it comes from
``SAMBASTUDIO_ACCESS_KEY``, the snapi ``secret.txt``, or ``--access-key-file``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import click

from sambastudio._client import Client
from sambastudio._redact import LOGGER, RedactingFilter


@attrs.define
class CliContext:
    """The global options of one invocation, and the client built from them on first use."""

    host: str | None = None
    access_key_file: Path | None = None
    tenant: str | None = None
    json: bool = False
    debug: bool = False
    _client: Client | None = None

    @property
    def client(self) -> Client:
        """The client for these options; built once, so a command that needs none sends nothing."""
        if self._client is None:
            self._client = Client(
                host_url=self.host, access_key=self.access_key(), tenant=self.tenant
            )
            click.get_current_context().call_on_close(self._client.close)
        return self._client

    def access_key(self) -> str | None:
        """The key in ``--access-key-file``, else ``None`` (the environment or snapi decides)."""
        if self.access_key_file is None:
            return None
        return self.access_key_file.read_text(encoding="utf-8").strip() or None


def cli_context() -> CliContext:
    """The :class:`CliContext` of the running command."""
    return click.get_current_context().ensure_object(CliContext)


def _setter(attribute: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """An option callback that records a given value; the same option at another level may
    have set it already, so an absent one (``None``, ``False``) changes nothing."""

    def record(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value not in (None, False):
            setattr(ctx.ensure_object(CliContext), attribute, value)

    return record


def _enable_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """Show the SDK's request log (secrets masked) on stderr while this command runs."""
    cli = ctx.ensure_object(CliContext)
    if not value or cli.debug:
        return
    cli.debug = True
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())  # also masks records of child loggers
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level = LOGGER.level
    LOGGER.setLevel(logging.DEBUG)
    LOGGER.addHandler(handler)

    def restore() -> None:
        LOGGER.removeHandler(handler)
        LOGGER.setLevel(level)

    ctx.call_on_close(restore)


def global_options() -> list[click.Parameter]:
    """Fresh copies of the global options (a parameter object belongs to one command)."""
    common: dict[str, Any] = {"expose_value": False, "is_eager": True}
    return [
        click.Option(
            ["--host"],
            metavar="URL",
            callback=_setter("host"),
            help="SambaStudio URL (default: SAMBASTUDIO_HOST_URL, else the snapi config).",
            **common,
        ),
        click.Option(
            ["--access-key-file"],
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            callback=_setter("access_key_file"),
            help="File holding the access key (default: SAMBASTUDIO_ACCESS_KEY, else the "
            "snapi secret.txt).",
            **common,
        ),
        click.Option(
            ["--tenant"],
            callback=_setter("tenant"),
            help="Tenant name (default: SAMBASTUDIO_TENANT, else the snapi config).",
            **common,
        ),
        click.Option(
            ["--json"],
            is_flag=True,
            callback=_setter("json"),
            help="Print JSON for scripts instead of tables.",
            **common,
        ),
        click.Option(
            ["--debug"],
            is_flag=True,
            callback=_enable_debug,
            help="Log requests and show tracebacks.",
            **common,
        ),
    ]


class Command(click.Command):
    """A command that also takes the global options after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(global_options())


class Group(click.Group):
    """A command group whose commands and subgroups take the global options too."""

    command_class = Command
    group_class = type  # subgroups are of this class as well
