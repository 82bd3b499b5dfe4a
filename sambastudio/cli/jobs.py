"""``sambastudio job``: fine-tuning, evaluation and batch prediction jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sambastudio._bars import bars_enabled
from sambastudio._client import Client
from sambastudio._wait_progress import Reader
from sambastudio.cli._commands import (
    HYPERPARAMS,
    IN_PROJECT,
    JOB,
    PROJECT,
    WAIT_TIMEOUT,
    add_commands,
    delete_command,
    info_command,
    json_object,
    label,
    list_command,
    rdus_of,
    show_created,
    stop_command,
    wait_command,
)
from sambastudio.cli._complete import names_of
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._interrupt import resumable
from sambastudio.cli._output import show_done, show_list
from sambastudio.resources import Job
from sambastudio.resources.jobs import JOB_TYPES

COLUMNS = ("name", "id", "job_type", "status", "completion_percentage", "project_id", "created_at")


def find(client: Client, project: str, job: str) -> Job:
    return client.projects.get(project).jobs.get(job)


def find_all(client: Client, project: str | None) -> Any:
    return client.projects.get(project).jobs.list() if project else client.jobs.list()


def wait_for(job: Job, timeout: float | None) -> None:
    """Wait with a bar on a terminal, then say how it ended (failures raise ``JobFailed``);
    Ctrl-C stops watching only, the job runs on."""
    again = f"sambastudio job wait -p {job.project_id} -j {job.id}"
    resume = f"The job keeps running; wait for it again with: {again}"
    with resumable(f"waiting for job {label(job)}", resume):
        job.wait(timeout)
    show_done(f"Job {label(job)} ended {job.status}.", id=job.id, status=job.status)


@click.group(cls=Group)
def job() -> None:
    """Jobs (train, evaluation, batch_predict).

    \b
    Examples:
      sambastudio job create -p demo -j ft-1 -t train -m Meta-Llama-3-8B-Instruct \\
          -d squad -r 8 -a SN40L-8 -hp '{"num_iterations": 100}' --wait
      sambastudio job info -p demo -j ft-1 | grep "Status :"
      sambastudio job download -p demo -j ft-1 --kind results --dest out --extract
    """


@job.command("create")
@PROJECT
@click.option("-j", "--job", "name", required=True, help="Name of the new job.")
@click.option(
    "-t",
    "--type",
    "job_type",
    type=click.Choice(JOB_TYPES),
    default="train",
    show_default=True,
    help="What the job does.",
)
@click.option(
    "-m",
    "--model",
    required=True,
    help="Model to start from (name or id).",
    shell_complete=names_of("model"),
)
@click.option(
    "-d",
    "--dataset",
    required=True,
    help="Dataset (name or id).",
    shell_complete=names_of("dataset"),
)
@click.option("-a", "--rdu-arch", required=True, help="RDU architecture, e.g. SN40L-8.")
@click.option(
    "-r",
    "--rdu-required",
    "--rdu_required",
    type=click.IntRange(min=1),
    help="RDUs in all (snapi's -r): a multiple of the architecture's, one instance each.",
)
@HYPERPARAMS
@click.option(
    "-hf",
    "--hyperparams-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    callback=json_object,
    help="A JSON file of them.",
)
@click.option("-l", "--load-state", is_flag=True, help="Load the optimizer state too.")
@click.option(
    "--parallel-instances", type=click.IntRange(min=1), help="Instances (default: 1, or from -r)."
)
@click.option("--description", default="")
@click.option("--wait", is_flag=True, help="Wait until the job ends.")
@WAIT_TIMEOUT
def create(
    project: str,
    name: str,
    job_type: Any,
    model: str,
    dataset: str,
    rdu_arch: str,
    rdu_required: int | None,
    hyperparams: dict[str, Any] | None,
    hyperparams_file: dict[str, Any] | None,
    load_state: bool,
    parallel_instances: int | None,
    description: str,
    wait: bool,
    timeout: float | None,
) -> None:
    """Start a job (snapi: job create -p -j -t -m -d -r -a -hp)."""
    if hyperparams is not None and hyperparams_file is not None:
        raise click.UsageError("give -hp or -hf, not both")
    parallel_instances = _instances(rdu_arch, rdu_required, parallel_instances)
    created = (
        cli_context()
        .client.projects.get(project)
        .jobs.create(
            type=job_type,
            name=name,
            model=model,
            dataset=dataset,
            rdu_arch=rdu_arch,
            hyperparams=hyperparams if hyperparams_file is None else hyperparams_file,
            description=description,
            parallel_instances=parallel_instances,
            load_state=load_state,
        )
    )
    show_created("job", created, then=(lambda: wait_for(created, timeout)) if wait else None)


def _instances(rdu_arch: str, rdu_required: int | None, instances: int | None) -> int:
    """Parallel instances from ``-r`` (RDUs in all) and the architecture's RDUs each."""
    if rdu_required is None:
        return instances or 1
    each = rdus_of(rdu_arch, "-a/--rdu-arch")
    wanted, rest = divmod(rdu_required, each)
    if rest or (instances is not None and instances != wanted):
        raise click.BadParameter(
            f"{rdu_required} RDUs is not {instances or 'a whole number of'} instance(s) of "
            f"{rdu_arch} ({each} RDUs each)",
            param_hint="-r/--rdu-required",
        )
    return wanted


@job.command("resume")
@PROJECT
@JOB
@HYPERPARAMS
@click.option("-l", "--load-state", is_flag=True, help="Load the optimizer state too.")
def resume(project: str, job: str, hyperparams: dict[str, Any] | None, load_state: bool) -> None:
    """Resume a stopped train job from its last checkpoint."""
    resumed = find(cli_context().client, project, job).resume(
        hyperparams=hyperparams, load_state=load_state
    )
    show_done(f"Resumed job {label(resumed)}.", id=resumed.id, status=resumed.status)


@job.command("logs")
@PROJECT
@JOB
@click.option("--preview", "log_file", metavar="FILE", help="Print the end of this log file.")
def logs(project: str, job: str, log_file: str | None) -> None:
    """List a job's log files, or preview one."""
    found = find(cli_context().client, project, job)
    if log_file is None:
        show_list(found.logs.list(), ("name", "size"), kind="log file")
    else:
        text = found.logs.preview(log_file)
        show_done(text, file=log_file, preview=text)


@job.command("download")
@PROJECT
@JOB
@click.option("--kind", type=click.Choice(["logs", "results"]), default="logs", show_default=True)
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory to save into.",
)
@click.option("--extract", is_flag=True, help="Unpack the archive.")
def download(project: str, job: str, kind: str, dest: Path, extract: bool) -> None:
    """Download a job's logs or (batch_predict) results archive."""
    found = find(cli_context().client, project, job)
    fetch = found.download_logs if kind == "logs" else found.download_results
    again = f"sambastudio job download -p {project} -j {job} --kind {kind} --dest {dest}"
    with resumable(f"the download of the {kind}", f"Continue it with: {again}"):
        saved = fetch(dest, extract=extract)
    show_done(f"Saved the {kind} of job {label(found)} to {saved}.", path=str(saved))


@job.command("watch")
@PROJECT
@JOB
@WAIT_TIMEOUT
@click.option(
    "--interval",
    type=click.FloatRange(min=0.01),
    default=5.0,
    show_default=True,
    help="Seconds between two looks at the job.",
)
def watch(project: str, job: str, timeout: float | None, interval: float) -> None:
    """Follow a job's progress and latest training loss until it ends; exit 1 if it failed
    or was stopped. A bar on a terminal, a line per change elsewhere."""
    found = find(cli_context().client, project, job)
    reader: Reader[Job] = Reader(loss=Job.latest_loss)
    seen: list[str] = []

    def print_changes(polled: Job) -> None:
        line = reader.read(polled).line()
        if not seen or seen[-1] != line:
            seen.append(line)
            click.echo(f"{label(polled)}: {line}", err=cli_context().json)

    bar = bars_enabled()
    found.wait(
        timeout,
        poll_interval=interval,
        max_poll_interval=max(interval, 30.0),
        on_progress=None if bar else print_changes,
        progress_bar=bar,
    )
    show_done(f"Job {label(found)} ended {found.status}.", id=found.id, status=found.status)


add_commands(
    job,
    list_command("job", COLUMNS, find_all, IN_PROJECT),
    info_command("job", find, PROJECT, JOB),
    wait_command(
        find,
        wait_for,
        PROJECT,
        JOB,
        help="Wait until a job ends; exit 1 if it failed or was stopped.",
    ),
    stop_command("job", find, PROJECT, JOB, help="Stop a running job."),
    delete_command("job", find, PROJECT, JOB),
)
