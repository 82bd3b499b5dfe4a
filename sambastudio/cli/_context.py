"""What every command shares: the global options and the client they describe.

The options are accepted before the command (``sambastudio --json project list``) and after
it (``sambastudio project list --json``), as people type both. The access key is never an
option value, which every user of the machine could read in ``ps``: it comes from
``SAMBASTUDIO_ACCESS_KEY``, a profile, the snapi ``secret.txt``, or ``--access-key-file``.

``--output`` picks how results look: ``table`` (people), ``json`` (scripts; ``--json`` is
short for it) or ``snapi`` (snapi's ``Key : Value`` blocks everywhere, for scripts written
against snapi). Its default comes from ``SAMBASTUDIO_OUTPUT``, else the profile.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import click

from sambastudio._client import Client
from sambastudio._hints import KeySource
from sambastudio._profiles import Profile, selected_profile
from sambastudio._redact import LOGGER, RedactingFilter

OUTPUTS = ("table", "json", "snapi")
ENV_OUTPUT = "SAMBASTUDIO_OUTPUT"


@attrs.define
class CliContext:
    """The global options of one invocation, and the client built from them on first use."""

    host: str | None = None
    access_key_file: Path | None = None
    tenant: str | None = None
    profile: str | None = None
    output: str | None = None
    debug: bool = False
    _client: Client | None = None

    @property
    def json(self) -> bool:
        return self.output_mode == "json"

    @property
    def snapi(self) -> bool:
        """Whether results keep snapi's shapes (``--output snapi``)."""
        return self.output_mode == "snapi"

    @property
    def output_mode(self) -> str:
        """``--output``, else ``$SAMBASTUDIO_OUTPUT``, else the profile's, else ``table``."""
        chosen = self.output or os.environ.get(ENV_OUTPUT) or self._profile_output()
        if chosen not in OUTPUTS:
            raise click.BadParameter(
                f"{chosen!r} is not one of {', '.join(OUTPUTS)}", param_hint=ENV_OUTPUT
            )
        return chosen

    def _profile_output(self) -> str:
        try:
            found = self.selected_profile()
        except Exception:  # a broken profile file is reported by the command that reads it
            return "table"
        return (found.output if found else None) or "table"

    def selected_profile(self) -> Profile | None:
        """``--profile``, else ``$SAMBASTUDIO_PROFILE``, else the active profile, else none."""
        return selected_profile(os.environ, self.profile)

    @property
    def client(self) -> Client:
        """The client for these options; built once, so a command that needs none sends nothing."""
        if self._client is None:
            self._client = self.new_client()
            click.get_current_context().call_on_close(self._client.close)
        return self._client

    def new_client(self, **options: Any) -> Client:
        """A client for these options (``options`` go to :class:`Client`).

        ``--profile`` fills what ``--host``, ``--access-key-file`` and ``--tenant`` leave
        out; without it the SDK reads ``$SAMBASTUDIO_PROFILE`` or the active profile itself.
        """
        chosen = selected_profile(os.environ, self.profile) if self.profile else None
        client = Client(
            host_url=self.host or (chosen.host_url if chosen else None),
            access_key=self.access_key() or (chosen.access_key if chosen else None),
            tenant=self.tenant or (chosen.tenant if chosen else None),
            **options,
        )
        source = self._key_source(chosen)
        if source is not None:  # the key was an argument of Client: say which option gave it
            settings = attrs.evolve(client.settings, access_key_source=source)
            client._pipeline.settings = settings
        return client

    def _key_source(self, chosen: Profile | None) -> KeySource | None:
        if self.access_key_file is not None and self.access_key() is not None:
            return KeySource(f"--access-key-file {self.access_key_file}")
        if chosen is not None and chosen.access_key:
            return KeySource(f"profile {chosen.name!r}", profile=chosen.name)
        return None

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


def _json(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(CliContext).output = "json"


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
            ["--profile"],
            metavar="NAME",
            callback=_setter("profile"),
            help="Use this named profile (default: SAMBASTUDIO_PROFILE, else the active one).",
            **common,
        ),
        click.Option(
            ["--output"],
            type=click.Choice(OUTPUTS),
            callback=_setter("output"),
            help="table (default), json, or snapi's Key : Value blocks.",
            **common,
        ),
        click.Option(
            ["--json"],
            is_flag=True,
            callback=_json,
            help="Print JSON for scripts (same as --output json).",
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
