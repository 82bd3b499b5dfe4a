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
from sambastudio.resources import Dataset

COLUMNS = ("name", "id", "status", "job_types", "path", "created_at")


def find(client: Client, dataset: str) -> Dataset:
    return client.datasets.get(dataset)


@click.group(cls=Group)
def dataset() -> None:
    """Datasets."""


@dataset.command("add")
@click.option("-n", "--dataset-name", "name", required=True, help="Name of the new dataset.")
@click.option(
    "--path",
    "--dataset-path",
    "-sp",
    "--source-path",
    "path",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="File or folder to upload.",
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
@click.option("--description", default="")
@click.option("-ft", "--file-type", default="")
@click.option("-u", "--url", default="", help="Where the data comes from.")
@click.option("-l", "--language", default="")
@click.option("-mf", "--metadata-file", type=click.File(), help="Metadata as a JSON file.")
def add(
    name: str,
    path: Path,
    apps: tuple[str, ...],
    job_types: tuple[str, ...],
    description: str,
    file_type: str,
    url: str,
    language: str,
    metadata_file: TextIO | None,
) -> None:
    """Upload a file or folder as a dataset (resumes an interrupted upload of the same name)."""
    metadata = _metadata(metadata_file)
    added = cli_context().client.datasets.create(
        name=name,
        path=path,
        apps=list(apps),
        job_types=list(job_types),
        description=description,
        file_type=file_type,
        url=url,
        language=language,
        metadata=metadata,
    )
    show_created("dataset", added)


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
