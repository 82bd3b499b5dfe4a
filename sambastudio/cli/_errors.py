"""The one place that turns exceptions into exit codes and a message on stderr.

Exit codes: 0 success, 1 the operation failed (the server said no, the network, a job that
failed, a missing configuration), 2 the command line was wrong (click's usage errors, and
arguments the SDK refused before sending anything). A traceback is for bug reports, so it
is shown only with ``--debug``.

The message is the SDK's, with its advice rendered for a shell (the ``sambastudio`` command
to run, from :mod:`sambastudio._hints`, where the Python API shows the call to make). With
``--json`` (or ``--output json``) an error is one JSON object on stderr:
``{"error": {"type", "message", "hint", "exit_code"}}``. With ``--output snapi`` a failed
operation is also printed on stdout the way snapi prints it, for scripts that grep for it.
"""

from __future__ import annotations

import json
import traceback
from typing import IO, Any

import click

from sambastudio._redact import mask_text
from sambastudio.cli._context import CliContext, Group, global_options
from sambastudio.cli._lazy import LazyGroup
from sambastudio.errors import APIStatusError, InvalidArgumentError, SambaStudioError

OPERATION_FAILED = 1
USAGE_ERROR = 2


class Failure(click.ClickException):
    """An operation that failed: exit 1 with ``Error: <message>`` on stderr."""

    exit_code = OPERATION_FAILED


class JsonFailure(click.ClickException):
    """A failed operation of a ``--json`` run: exit 1, one JSON object on stderr."""

    exit_code = OPERATION_FAILED

    def __init__(self, message: str, kind: str, hint: str | None) -> None:
        super().__init__(message)
        self.document = {
            "error": {"type": kind, "message": message, "hint": hint, "exit_code": self.exit_code}
        }

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(json.dumps(self.document), err=True)


class JsonUsageFailure(JsonFailure):
    """A wrong command line in a ``--json`` run: exit 2."""

    exit_code = USAGE_ERROR


def _as_click_error(error: Exception) -> click.ClickException:
    if isinstance(error, InvalidArgumentError):
        return click.UsageError(error.message_for("shell"))
    if isinstance(error, SambaStudioError):
        return Failure(error.message_for("shell"))
    if isinstance(error, OSError):  # a file to read or a directory to write
        return Failure(str(error))
    return Failure(
        f"unexpected {type(error).__name__}: {mask_text(str(error))} "
        "(run again with --debug for the traceback, and please report it)"
    )


def _as_json(failure: click.ClickException, cause: BaseException | None) -> JsonFailure:
    """``failure`` as a JSON document with its exit code; the SDK's error, when there is
    one, gives its problem and its shell hint apart."""
    as_json = JsonUsageFailure if failure.exit_code == USAGE_ERROR else JsonFailure
    if isinstance(cause, SambaStudioError):
        hint = cause.hint.for_shell if cause.hint else None
        return as_json(cause.problem, type(cause).__name__, hint)
    return as_json(failure.format_message(), type(failure).__name__, None)


def _output_mode(ctx: click.Context) -> str | None:
    """The run's output mode (``OUTPUTS``), or ``None`` when it is wrong (a bad
    SAMBASTUDIO_OUTPUT is reported as it is)."""
    try:
        return ctx.ensure_object(CliContext).output_mode
    except click.ClickException:
        return None


def _echo_as_snapi(failure: click.ClickException) -> None:
    """A failure as snapi prints it on stdout, where scripts written for snapi look for
    "error occured", ``status_code`` and ``message: ...`` (api-evidence §4); stderr and the
    exit code stay as for every other output."""
    cause = failure.__cause__
    message = cause.problem if isinstance(cause, SambaStudioError) else failure.format_message()
    status = f" (status_code: {cause.status_code})" if isinstance(cause, APIStatusError) else ""
    click.echo(f"An error occured{status}\nmessage: {message}")


class MainGroup(LazyGroup, Group):
    """The ``sambastudio`` group: takes the global options, reports every failure, and
    imports a subcommand's module only when that subcommand is used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(global_options())

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return self._invoke(ctx)
        except click.ClickException as failure:
            mode = _output_mode(ctx)
            if mode == "snapi" and failure.exit_code == OPERATION_FAILED:
                _echo_as_snapi(failure)
            if mode != "json" or isinstance(failure, JsonFailure):
                raise
            raise _as_json(failure, failure.__cause__) from failure

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if ctx.ensure_object(CliContext).debug:
                click.echo(mask_text(traceback.format_exc()), err=True, nl=False)
            raise _as_click_error(error) from error
