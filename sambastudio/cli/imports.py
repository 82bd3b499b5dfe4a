"""``sambastudio import model create``: snapi's way to bring a checkpoint in as a model.

As snapi does, ``--source-type LOCAL`` uploads a checkpoint file or folder from this machine
(``client.models.import_from_local``); how SambaStudio receives it is not public, so the
upload follows the dataset upload's protocol with an assumed route of its own. ``STORAGE``
names a path already on SambaStudio's storage and ``AWS`` an S3 path (``import_model``,
whose route is assumed too). ``--model-arch`` names the base model whose architecture the
checkpoint has (name or id); ``--parameter-count``, ``--sequence-length`` and
``--vocab-size`` are checked against it, and a LOCAL path must exist, before anything is
sent. Flags the request has no field for are accepted so snapi's command lines run, and
each given one is named in a warning on stderr (snapi callers treat such lines as benign).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sambastudio.cli._commands import WAIT_TIMEOUT, label, show_created
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._interrupt import resumable
from sambastudio.cli._output import show_done
from sambastudio.resources import Model

_CHECKED = {
    "parameter_count": ("model_parameter_count", "--parameter-count"),
    "sequence_length": ("max_seq_length", "--sequence-length"),
    "vocab_size": ("vocab_size", "--vocab-size"),
}
"""Our option -> (the base model's ``params.invalidates_checkpoint`` key, snapi's flag)."""
STORAGE_TYPES = {"STORAGE": "local", "AWS": "aws"}
"""``--source-type`` -> ``import_model``'s ``storage_type``, for a checkpoint the server
reads itself; LOCAL is uploaded from here first."""


@click.group("import", cls=Group)
def import_group() -> None:
    """Bring checkpoints in as models (snapi: import model create).

    \b
    Examples:
      sambastudio import model create --model-name my-llama --source-type LOCAL \\
          --source-path ./my-llama --model-arch Meta-Llama-3-8B-Instruct -ni --wait
      sambastudio import model create --model-name m2 --source-type STORAGE \\
          --source-path imports/m2 --model-arch Meta-Llama-3-8B-Instruct --parameter-count 8b
    """


@import_group.group("model", cls=Group)
def model_import() -> None:
    """Import a model checkpoint."""


@model_import.command("create")
@click.option("--model-name", "--model_name", "name", required=True, help="The new model's name.")
@click.option(
    "--source-type",
    "--source_type",
    type=click.Choice(["LOCAL", "STORAGE", "AWS"], case_sensitive=False),
    default="LOCAL",
    show_default=True,
    help="LOCAL: a file or folder on this machine, uploaded first (as snapi does; the upload "
    "protocol is assumed, see docs/cli.md). STORAGE: a path on SambaStudio's storage. AWS: "
    "an S3 path.",
)
@click.option(
    "--source-path",
    "--source_path",
    required=True,
    help="The checkpoint: a local file or folder (LOCAL), else a path the server reads.",
)
@click.option(
    "--model-arch",
    "--model_arch",
    required=True,
    help="The base model (name or id) whose architecture the checkpoint has.",
)
@click.option("--parameter-count", "--parameter_count", help="e.g. 8b; checked.")
@click.option("--sequence-length", "--sequence_length", help="Checked against the base model.")
@click.option("--vocab-size", "--vocab_size", help="Checked against the base model.")
@click.option("--steps", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("-ni", "--non-interactive", is_flag=True, help="Never ask (this command never does).")
@click.option("--app", help="Accepted for snapi; not sent.")
@click.option("--publisher", help="Accepted for snapi; not sent.")
@click.option("--description", help="Accepted for snapi; not sent.")
@click.option("--ignore-transformers-version", is_flag=True, help="Accepted for snapi; not sent.")
@click.option("--wait", is_flag=True, help="Wait until the import is done.")
@WAIT_TIMEOUT
def create(
    name: str,
    source_type: str,
    source_path: str,
    model_arch: str,
    steps: int,
    non_interactive: bool,
    wait: bool,
    timeout: float | None,
    **described: Any,
) -> None:
    """Import a checkpoint as model NAME; `model info` shows the import's progress.

    With LOCAL, the upload shows a bar on a terminal; Ctrl-C stops it, and the same command
    run again resumes it where it stopped.
    """
    local = source_type.upper() == "LOCAL"
    if local and not Path(source_path).expanduser().exists():
        raise click.BadParameter(
            f"{source_path!r} does not exist on this machine (LOCAL uploads a local file or "
            "folder; --source-type STORAGE names a path on SambaStudio's storage)",
            param_hint="--source-path",
        )
    client = cli_context().client
    base = client.models.get(model_arch)
    _check_against(base, described)
    unsent = ("app", "publisher", "description", "ignore_transformers_version")
    for option in (o for o in unsent if described.get(o)):
        flag = "--" + option.replace("_", "-")
        click.echo(f"warning: {flag} is accepted for snapi but not sent", err=True)
    if local:
        again = "Run the same command again to resume the upload where it stopped."
        with resumable(f"the upload of model {name}", again):
            started = client.models.import_from_local(
                model=base, path=source_path, name=name, steps=steps
            )
    else:
        storage_type = STORAGE_TYPES[source_type.upper()]
        started = client.models.import_model(
            model=base, path=source_path, name=name, storage_type=storage_type, steps=steps
        )

    def wait_done() -> None:
        resume = f"The import goes on; `sambastudio model info -m {started.id}` shows it."
        with resumable(f"waiting for the import of {name}", resume):
            started.wait(timeout)
        show_done(f"Model {name} is {started.status}.", id=started.id, status=started.status)

    message = f"Importing model {name} ({started.id}) from {label(base)}."
    show_created("model import", started, message=message, then=wait_done if wait else None)


def _check_against(base: Model, described: dict[str, Any]) -> None:
    """snapi's description of the checkpoint must match the base model it is imported as."""
    known = base.params.get("invalidates_checkpoint") or {}
    for option, (key, flag) in _CHECKED.items():
        given = described.get(option)
        if given is None or key not in known:
            continue
        if str(given).strip().lower() != str(known[key]).strip().lower():
            raise click.BadParameter(
                f"{given} does not match the base model {label(base)} ({known[key]})",
                param_hint=flag,
            )
