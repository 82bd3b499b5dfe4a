"""The ``list``, ``info`` and ``delete`` commands every group has, built from data, and the
``wait`` and ``stop`` commands of the resources that run (jobs, endpoints).

A group says how to find its resources (a function of the client and the group's options,
such as ``-p/--project``) and which columns its table shows; these factories do the rest,
so every group answers the same flags the same way.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from sambastudio.cli._complete import names_of
from sambastudio.cli._context import Command, cli_context
from sambastudio.cli._output import show_done, show_list, show_one

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
FindAll = Callable[..., Iterable[Any]]
"""``(client, **options) -> resources``."""
FindOne = Callable[..., Any]
"""``(client, **options) -> resource``."""

# The options that name resources, spelled as snapi spells them; Tab completes their names.
PROJECT = click.option(
    "-p", "--project", required=True, help="Project name or id.", shell_complete=names_of("project")
)
JOB = click.option(
    "-j", "--job", required=True, help="Job name or id.", shell_complete=names_of("job")
)
ENDPOINT = click.option(
    "-e",
    "--endpoint",
    required=True,
    help="Endpoint name or id.",
    shell_complete=names_of("endpoint"),
)
MODEL = click.option(
    "-m", "--model", required=True, help="Model name or id.", shell_complete=names_of("model")
)
DATASET = click.option(
    "-d", "--dataset", required=True, help="Dataset name or id.", shell_complete=names_of("dataset")
)
IN_PROJECT = click.option(
    "-p", "--project", help="Only this project.", shell_complete=names_of("project")
)
"""``list``'s optional scope: one project's resources, else every project's."""
WAIT_TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    help="Give up waiting after this many seconds (default: no limit).",
)


def json_object(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """An option callback: the JSON object given inline (``-hp '{"num_iterations": 10}'``),
    or held by the file given (``-hf``), checked before any request is sent."""
    if value is None:
        return None
    text = value.read_text(encoding="utf-8") if isinstance(value, Path) else value
    try:
        data = json.loads(text)
    except ValueError as error:
        raise click.BadParameter(f"not valid JSON ({error})", ctx, param) from None
    if not isinstance(data, dict):
        raise click.BadParameter(
            'must be a JSON object, such as {"num_iterations": 10}', ctx, param
        )
    return data


HYPERPARAMS = click.option(
    "-hp", "--hyperparams", metavar="JSON", callback=json_object, help="Hyperparameters (JSON)."
)


def rdus_of(rdu_arch: str, param_hint: str) -> int:
    """The RDU count an architecture's name ends with (``SN40L-16`` -> 16); assumed, as
    snapi's ``-r``/``--rdu-arch`` pairing is only seen in use, never documented."""
    found = re.fullmatch(r".*?-(\d+)", rdu_arch.strip())
    if found is None or int(found.group(1)) == 0:
        raise click.BadParameter(
            f"{rdu_arch!r} does not end in an RDU count, such as SN40L-8", param_hint=param_hint
        )
    return int(found.group(1))


def label(resource: Any) -> str:
    """How messages name a resource: its name, else its id."""
    return str(getattr(resource, "name", None) or resource.id)


def show_created(
    kind: str,
    resource: Any,
    *,
    then: Callable[[], None] | None = None,
    message: str | None = None,
) -> None:
    """Report a new resource; with ``then`` (a wait), only how that ends goes out as JSON, so
    that a script reads one document. ``--output snapi`` adds the resource's block."""
    message = message or f"Created {kind} {label(resource)} ({resource.id})."
    if then is None:
        show_done(message, created=kind, id=resource.id)
    elif not cli_context().json:
        click.echo(message)
    if cli_context().snapi:
        show_one(resource)
    if then is not None:
        then()


def _a(kind: str) -> str:
    return f"{'an' if kind[0].lower() in 'aeiou' else 'a'} {kind}"


def _decorated(run: Callable[..., Any], options: Sequence[Decorator]) -> Callable[..., Any]:
    for option in reversed(options):  # the first option is listed first in --help
        run = option(run)
    return run


def list_command(
    kind: str,
    columns: Sequence[str],
    find: FindAll,
    *options: Decorator,
    headers: Mapping[str, str] | None = None,
) -> Command:
    """``list``: a table of ``columns`` (``headers`` as :func:`show_list`); ``--limit N``
    stops after N."""

    def run(limit: int | None, **scope: Any) -> None:
        items = find(cli_context().client, **scope)
        show_list(itertools.islice(items, limit), columns, kind=kind, headers=headers)

    limit = click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
    callback = _decorated(run, [*options, limit])
    return click.command("list", cls=Command, help=f"List {kind}s.")(callback)


def info_command(
    kind: str, find: FindOne, *options: Decorator, labels: Mapping[str, str] | None = None
) -> Command:
    """``info``: every field of one resource (``labels`` as :func:`show_one`)."""

    def run(**scope: Any) -> None:
        show_one(find(cli_context().client, **scope), labels=labels)

    callback = _decorated(run, options)
    return click.command("info", cls=Command, help=f"Show {_a(kind)}.")(callback)


def delete_command(kind: str, find: FindOne, *options: Decorator) -> Command:
    """``delete``: find the resource (a wrong name fails before anything is deleted), delete it."""

    def run(**scope: Any) -> None:
        resource = find(cli_context().client, **scope)
        resource.delete()
        show_done(f"Deleted {kind} {label(resource)}.", deleted=kind, id=resource.id)

    callback = _decorated(run, options)
    return click.command("delete", cls=Command, help=f"Delete {_a(kind)}.")(callback)


def wait_command(
    find: FindOne, wait: Callable[[Any, float | None], None], *options: Decorator, help: str
) -> Command:
    """``wait [--timeout S]``: find the resource, then ``wait(resource, timeout)``, which
    shows a bar and reports how the wait ended."""

    def run(timeout: float | None, **scope: Any) -> None:
        wait(find(cli_context().client, **scope), timeout)

    callback = _decorated(run, [*options, WAIT_TIMEOUT])
    return click.command("wait", cls=Command, help=help)(callback)


def stop_command(kind: str, find: FindOne, *options: Decorator, help: str) -> Command:
    """``stop``: find the resource, stop it, report its status."""

    def run(**scope: Any) -> None:
        stopped = find(cli_context().client, **scope).stop()
        show_done(f"Stopped {kind} {label(stopped)}.", id=stopped.id, status=stopped.status)

    callback = _decorated(run, options)
    return click.command("stop", cls=Command, help=help)(callback)


def hidden_alias(command: click.Command, name: str) -> click.Command:
    """``command`` under snapi's other name for it (``remove``), left out of ``--help``."""
    alias = copy.copy(command)
    alias.name, alias.hidden = name, True
    return alias


def add_commands(group: click.Group, *commands: click.Command) -> None:
    for command in commands:
        group.add_command(command)
