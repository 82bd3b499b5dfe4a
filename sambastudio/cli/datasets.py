"""``sambastudio dataset``: upload (with a progress bar) or import from S3, list, inspect,
wait, delete.

No public text says what snapi's ``--file`` and ``-t/--test`` do. So that snapi scripts run,
both are accepted with an *assumed* meaning chosen so that a wrong guess cannot do harm
(docs/cli.md): ``--file`` names the local data to upload, and must agree with any other way
the data is named; ``--test`` is a dry run that checks everything and creates nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

import click
from pydantic import ValidationError

from sambastudio._client import Client
from sambastudio.cli._commands import (
    DATASET,
    WAIT_TIMEOUT,
    add_commands,
    delete_command,
    hidden_alias,
    info_command,
    label,
    list_command,
    show_created,
    wait_command,
)
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._interrupt import resumable
from sambastudio.cli._output import show_done, show_one
from sambastudio.errors import InvalidArgumentError, NameNotFoundError
from sambastudio.resources import Dataset, S3Source

COLUMNS = ("name", "id", "path", "apps", "user_id", "status", "job_types", "created_at")
SNAPI_HEADERS = {"user_id": "USER", "created_at": "TIME CREATED"}
"""snapi's dataset list prints PATH, APPS, USER, STATUS, TIME CREATED (api-evidence §4)."""
SNAPI_LABELS = {"id": "Dataset ID", "time_created": "Created Time", "job_types": "Job Type"}
"""snapi's dataset info labels, where they differ from the field's name (api-evidence §2)."""

DRY_RUN = "--test: dry run, nothing was created (assumed meaning of snapi's --test; see docs)"


def find(client: Client, dataset: str) -> Dataset:
    return client.datasets.get(dataset)


def wait_for(dataset: Dataset, timeout: float | None) -> None:
    """Wait with a bar on a terminal until the dataset is Available; Ctrl-C stops watching
    only, an S3 import runs on."""
    again = f"sambastudio dataset wait --dataset {dataset.id}"
    resume = f"The import goes on; wait for it again with: {again}"
    with resumable(f"waiting for dataset {label(dataset)}", resume):
        dataset.wait(timeout)
    status = dataset.status
    show_done(f"Dataset {label(dataset)} is {status}.", id=dataset.id, status=status)


@click.group(cls=Group)
def dataset() -> None:
    """Datasets.

    \b
    Examples:
      echo yes | sambastudio dataset add --dataset-name squad --apps "Generative Tuning" \\
          --job_type train --job_type evaluation --source_type local --source_file src.json
      sambastudio dataset add -n squad -apps "Generative Tuning" -j train --file ./squad --test
      sambastudio dataset add -n squad -apps "Generative Tuning" -j train -st aws -sf s3.json --wait
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
    help="snapi's source type: local and localMachine upload --source_file's source_path, "
    "aws imports the S3 folder it names.",
)
@click.option(
    "-sf",
    "--source_file",
    "--source-file",
    "source_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON or YAML naming the data: {"source_path": "./squad"}, or for aws {"bucket", '
    '"folder", "accessKeyId", "secretAccessKey", "region"}.',
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
@click.option("--wait", is_flag=True, help="With -st aws: wait until the S3 import is done.")
@WAIT_TIMEOUT
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, path_type=Path),
    help="snapi's --file, with an assumed meaning: the local file or folder to upload (as "
    "--path, or source_path in --source_file; when both are given they must agree). Not "
    "with -st aws.",
)
@click.option(
    "-t",
    "--test",
    "dry_run",
    is_flag=True,
    help="snapi's --test, with an assumed meaning: a dry run. Check the arguments, the "
    "source file and the files as a real add would, print what would be created, create "
    "nothing.",
)
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
    wait: bool,
    timeout: float | None,
    file: Path | None,
    dry_run: bool,
) -> None:
    """Upload a file or folder as a dataset (resumes an interrupted upload of the same name),
    or import one from S3 (-st aws).

    Asks "Are you sure you want to proceed? (yes/no)" as snapi does (pipe `echo yes`, or
    pass --yes); a dry run (-t/--test) asks nothing.
    """
    aws = (source_type or "").lower() == "aws"
    if aws and file is not None:
        raise click.UsageError(
            "--file names local data to upload; -st aws imports from S3 (leave --file out)"
        )
    data: S3Source | Path = (
        _s3_source(path, source_file) if aws else _source(path, source_file, file)
    )
    metadata = _metadata(metadata_file)
    if application_field:
        metadata = {**(metadata or {}), "application_field": application_field}
    if not yes and not dry_run:
        _confirm("imported" if isinstance(data, S3Source) else "uploaded")
    details: dict[str, Any] = {
        "name": name,
        "apps": list(apps),
        "job_types": list(job_types),
        "description": description,
        "file_type": file_type,
        "url": url,
        "language": language,
        "metadata": metadata,
    }
    if dry_run:
        show_one(check_only(cli_context().client, data, details))
        click.echo(DRY_RUN, err=True)
        return
    if isinstance(data, S3Source):
        imported = cli_context().client.datasets.import_from_s3(source=data, **details)
        then = (lambda: wait_for(imported, timeout)) if wait else None
        show_created("dataset", imported, message="Dataset added successfully.", then=then)
        return
    again = "Run the same command again to resume the upload where it stopped."
    with resumable(f"the upload of dataset {name}", again):
        added = cli_context().client.datasets.create(path=data, **details)
    show_created("dataset", added, message="Dataset added successfully.")


def _confirm(done: str) -> None:
    """snapi's question; anything but yes leaves without sending a request."""
    answer = click.prompt(
        "Are you sure you want to proceed? (yes/no)", default="", show_default=False, err=True
    )
    if answer.strip().lower() not in ("yes", "y"):
        raise click.UsageError(f"not confirmed: nothing was {done} (answer yes, or pass --yes)")


def check_only(client: Client, data: S3Source | Path, details: dict[str, Any]) -> dict[str, Any]:
    """What ``dataset add`` would create, after every check it makes before creating
    anything (read-only requests only); nothing is created."""
    would: dict[str, Any] = {"dry_run": True, "created": False, **details}
    if isinstance(data, S3Source):
        for app in details["apps"]:
            client.apps.id_of(app)
        try:
            client.datasets.get(details["name"])
        except NameNotFoundError:
            return {**would, "source_type": "aws", "source": data.uri}
        raise InvalidArgumentError("name", f"a dataset named {details['name']!r} already exists")
    plan = client.datasets.check_upload(
        name=details["name"], path=data, apps=details["apps"], job_types=details["job_types"]
    )
    files = [{"path": file.relpath, "size": file.size} for file in plan.files]
    return {
        **would,
        "source_type": "localMachine",
        "source": str(data.expanduser().absolute()),
        "files": files,
        "total_bytes": plan.total_bytes,
    }


def _source(path: Path | None, source_file: Path | None, file: Path | None) -> Path:
    """The local data to upload: ``--path``, ``--file`` (snapi's, assumed) or the
    ``source_path`` of snapi's source file; where several are given they must agree."""
    given = [(flag, value) for flag, value in (("--path", path), ("--file", file)) if value]
    if source_file is not None:
        given.append((f"the source_path of --source_file {source_file}", _source_path(source_file)))
    if not given:
        raise click.UsageError("give --path or --file, or --source_type local --source_file FILE")
    (first_flag, first), *others = given
    for flag, other in others:
        if other.resolve() != first.resolve():
            raise click.UsageError(
                f"{first_flag} ({first}) and {flag} ({other}) name different data; give one"
            )
    return first


def _source_path(source_file: Path) -> Path:
    """The local path snapi's local source file names, which must exist."""
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


def _s3_source(path: Path | None, source_file: Path | None) -> S3Source:
    """snapi's aws source file as an :class:`S3Source`; an error names the fields at fault,
    never a value (the file holds the AWS secret)."""
    if source_file is None or path is not None:
        raise click.UsageError("-st aws takes --source_file FILE (bucket, folder, keys, region)")
    try:
        return S3Source.model_validate(source_fields(source_file.read_text(encoding="utf-8")))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'the file'}: {e['msg']}" for e in error.errors()
        )
        raise click.BadParameter(f"{source_file}: {problems}", param_hint="--source_file") from None


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
    list_command("dataset", COLUMNS, lambda client: client.datasets.list(), headers=SNAPI_HEADERS),
    info_command("dataset", find, DATASET, labels=SNAPI_LABELS),
    wait_command(find, wait_for, DATASET, help="Wait until a dataset (an S3 import) is Available."),
    _delete,
    hidden_alias(_delete, "remove"),
)
