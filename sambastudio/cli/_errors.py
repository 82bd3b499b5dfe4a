"""The one place that turns exceptions into exit codes and a one-line message on stderr.

Exit codes: 0 success, 1 the operation failed (the server said no, the network, a job that
failed, a missing configuration), 2 the command line was wrong (click's usage errors, and
arguments the SDK refused before sending anything). A traceback is for bug reports, so it
is shown only with ``--debug``.
"""

from __future__ import annotations

import traceback
from typing import Any

import click

from sambastudio._redact import mask_text
from sambastudio.cli._context import CliContext, Group, global_options
from sambastudio.cli._lazy import LazyGroup
from sambastudio.errors import InvalidArgumentError, SambaStudioError

OPERATION_FAILED = 1


class Failure(click.ClickException):
    """An operation that failed: exit 1 with ``Error: <message>`` on stderr."""

    exit_code = OPERATION_FAILED


def _as_click_error(error: Exception) -> click.ClickException:
    if isinstance(error, InvalidArgumentError):
        return click.UsageError(error.message)
    if isinstance(error, SambaStudioError):
        return Failure(error.message)
    if isinstance(error, OSError):  # a file to read or a directory to write
        return Failure(str(error))
    return Failure(
        f"unexpected {type(error).__name__}: {mask_text(str(error))} "
        "(run again with --debug for the traceback, and please report it)"
    )


class MainGroup(LazyGroup, Group):
    """The ``sambastudio`` group: takes the global options, reports every failure, and
    imports a subcommand's module only when that subcommand is used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(global_options())

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if ctx.ensure_object(CliContext).debug:
                click.echo(mask_text(traceback.format_exc()), err=True, nl=False)
            raise _as_click_error(error) from error
