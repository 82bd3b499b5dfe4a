"""``sambastudio dataset``: upload (with a progress bar), list, inspect, delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

import click

from sambastudio._client import Client
from sambastudio.cli._commands import (
    DATASET,
    add_commands,
    delete_command,
    hidden_alias,
    info_command,
    list_command,
    show_created,
)
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._interrupt import resumable
from sambastudio.resources import Dataset

COLUMNS = ("name", "id", "status", "job_types", "path", "created_at")


def find(client: Client, dataset: str) -> Dataset:
    return client.datasets.get(dataset)


@click.group(cls=Group)
def dataset() -> None:
    """Datasets.

    \b
    Examples:
      echo yes | sambastudio dataset add --dataset-name squad --apps "Generative Tuning" \\
          --job_type train --job_type evaluation --source_type local --source_file src.json
      sambastudio dataset add -n squad -apps "Generative Tuning" -j train --path ./squad --yes
      sambastudio dataset info --dataset squad
    """


@dataset.command("add")
@click.option(
    "-n", "--dataset-name", "--dataset_name", "name", required=True, help="Name of the new dataset."
)
@click.option(
    "--path",
    "--dataset-path",
    "-sp",
    "--source-path",
    "path",
    type=click.Path(exists=True, path_type=Path),
    help="File or folder to upload (or give snapi's --source_type and --source_file).",
)
@click.option(
    "-st",
    "--source_type",
    "--source-type",
    "source_type",
    type=click.Choice(["local", "localMachine", "aws"], case_sensitive=False),
    help="snapi's source type; local and localMachine upload --source_file's source_path.",
)
@click.option(
    "-sf",
    "--source_file",
    "--source-file",
    "source_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON or YAML file naming the data: {"source_path": "./squad"}.',
)
@click.option(
    "-apps", "--apps", "apps", multiple=True, required=True, help="App name or id (repeatable)."
)
@click.option(
    "-j",
    "--job-type",
    "--job_type",
    "job_types",
    multiple=True,
    required=True,
    type=click.Choice(["train", "evaluation", "batch_predict"]),
    help="train and evaluation, or batch_predict (repeatable).",
)
@click.option("-d", "--description", default="")
@click.option("-ft", "--file-type", "--file_type", "file_type", default="")
@click.option("-u", "--url", default="", help="Where the data comes from.")
@click.option("-l", "--language", default="")
@click.option(
    "-af",
    "--application_field",
    "--application-field",
    "application_field",
    help="Field of application (kept in the dataset's metadata).",
)
@click.option(
    "-mf",
    "--metadata-file",
    "--metadata_file",
    "metadata_file",
    type=click.File(),
    help="Metadata as a JSON file.",
)
@click.option("-y", "--yes", is_flag=True, help="Do not ask before uploading.")
@click.option("--file", "unknown_file", hidden=True, help="snapi flag of unknown meaning.")
@click.option("-t", "--test", "unknown_test", is_flag=True, hidden=True)
def add(
    name: str,
    path: Path | None,
    source_type: str | None,
    source_file: Path | None,
    apps: tuple[str, ...],
    job_types: tuple[str, ...],
    description: str,
    file_type: str,
    url: str,
    language: str,
    application_field: str | None,
    metadata_file: TextIO | None,
    yes: bool,
    unknown_file: str | None,
    unknown_test: bool,
) -> None:
    """Upload a file or folder as a dataset (resumes an interrupted upload of the same name).

    Asks "Are you sure you want to proceed? (yes/no)" as snapi does (pipe `echo yes`, or
    pass --yes).
    """
    if unknown_file is not None or unknown_test:
        raise click.UsageError(
            "snapi's --file and --test/-t are not documented anywhere public, so this command "
            "cannot give them the same meaning; leave them out"
        )
    source = _source(path, source_type, source_file)
    metadata = _metadata(metadata_file)
    if application_field:
        metadata = {**(metadata or {}), "application_field": application_field}
    if not yes:
        _confirm()
    again = "Run the same command again to resume the upload where it stopped."
    with resumable(f"the upload of dataset {name}", again):
        added = cli_context().client.datasets.create(
            name=name,
            path=source,
            apps=list(apps),
            job_types=list(job_types),
            description=description,
            file_type=file_type,
            url=url,
            language=language,
            metadata=metadata,
        )
    show_created("dataset", added, message="Dataset added successfully.")


def _confirm() -> None:
    """snapi's question; anything but yes leaves without sending a request."""
    answer = click.prompt(
        "Are you sure you want to proceed? (yes/no)", default="", show_default=False, err=True
    )
    if answer.strip().lower() not in ("yes", "y"):
        raise click.UsageError("not confirmed: nothing was uploaded (answer yes, or pass --yes)")


def _source(path: Path | None, source_type: str | None, source_file: Path | None) -> Path:
    """The local data to upload: ``--path``, or the ``source_path`` of snapi's source file."""
    if source_type is not None and source_type.lower() == "aws":
        raise click.BadParameter(
            "copying a dataset from AWS S3 is not supported yet; download it and use local",
            param_hint="--source_type",
        )
    if source_file is None:
        if path is None:
            raise click.UsageError("give --path, or --source_type local --source_file FILE")
        return path
    if path is not None:
        raise click.UsageError("give --path or --source_file, not both")
    fields = source_fields(source_file.read_text(encoding="utf-8"))
    found = fields.get("source_path")
    if not found:
        raise click.BadParameter(f"{source_file} has no source_path", param_hint="--source_file")
    local = Path(found).expanduser()  # a relative path is from here, as for snapi
    if not local.exists():
        raise click.BadParameter(
            f"the source_path {found!r} of {source_file} does not exist",
            param_hint="--source_file",
        )
    return local


def source_fields(text: str) -> dict[str, str]:
    """snapi's source file: a JSON object, or YAML's flat ``key: value`` lines (snapi accepts
    both; nested YAML is not needed by any source type this command reads)."""
    try:
        data = json.loads(text)
    except ValueError:
        data = {}
        for line in text.splitlines():
            key, colon, value = line.partition(":")
            if colon and key.strip() and not key.lstrip().startswith("#"):
                data[key.strip()] = value.strip().strip("'\"")
    if not isinstance(data, dict):
        raise click.BadParameter("must hold an object", param_hint="--source_file")
    return {str(key): str(value) for key, value in data.items()}


def _metadata(file: TextIO | None) -> dict[str, Any] | None:
    if file is None:
        return None
    try:
        data = json.load(file)
    except ValueError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--metadata-file") from None
    if not isinstance(data, dict):
        raise click.BadParameter("must hold a JSON object", param_hint="--metadata-file")
    return data


_delete = delete_command("dataset", find, DATASET)
add_commands(
    dataset,
    list_command("dataset", COLUMNS, lambda client: client.datasets.list()),
    info_command("dataset", find, DATASET),
    _delete,
    hidden_alias(_delete, "remove"),
)
