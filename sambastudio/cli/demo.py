"""``sambastudio demo``: the whole lifecycle, one line per step.

Without a configured host it runs on an emulator started in this process, sped up so that
it ends in seconds; with one (``--host``, the environment, the snapi config) it runs there,
after a confirmation, because it spends RDU time. Everything it creates is deleted at the
end, and after a failure too, unless ``--keep``.
"""

from __future__ import annotations

import contextlib
import functools
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs
import click

from sambastudio._client import Client
from sambastudio.cli._commands import label
from sambastudio.cli._context import CliContext, cli_context
from sambastudio.cli._errors import Failure
from sambastudio.cli.config import configured_host, write_secret
from sambastudio.errors import SambaStudioError
from sambastudio.resources import Checkpoint, Dataset, Job, Model, Project
from sambastudio.resources.endpoints import Endpoint

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
"""A small fine-tuning set shipped in the package: prompt/completion pairs in JSON Lines."""
DEFAULT_MODEL = "Meta-Llama-3.2-1B-Instruct"
DEFAULT_RDU_ARCH = "SN40L-8"
HYPERPARAMS = {"num_iterations": 10, "save_steps": 2}
PROMPT = "What is the capital of Portugal?"
PREDICT_PARAMS = {"max_tokens_to_generate": 32}

T = TypeVar("T")


@attrs.frozen
class Pace:
    """How often to poll and how long to wait: an emulator is quick, a cluster is not."""

    poll_interval: float
    max_poll_interval: float
    job_timeout: float
    endpoint_timeout: float


EMULATOR_PACE = Pace(0.05, 0.25, job_timeout=60, endpoint_timeout=60)
CLUSTER_PACE = Pace(10, 60, job_timeout=4 * 3600, endpoint_timeout=2 * 3600)


@attrs.define
class Demo:
    """The steps, the objects they create, and how to delete each one again.

    Each step returns the one line that reports it; ``created`` is the undo stack.
    """

    client: Client
    pace: Pace
    base_model: str
    rdu_arch: str
    logs_dir: Path | None
    """Where the logs go; ``None``: a temporary directory, deleted with the rest."""
    name: str = attrs.field(factory=lambda: f"sambastudio-demo-{secrets.token_hex(3)}")
    created: list[tuple[str, Callable[[], None]]] = attrs.field(factory=list)
    project: Project | None = None
    dataset: Dataset | None = None
    job: Job | None = None
    checkpoint: Checkpoint | None = None
    model: Model | None = None
    endpoint: Endpoint | None = None

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("create a project", self.create_project),
            ("upload the dataset", self.upload_dataset),
            ("fine-tune", self.fine_tune),
            ("pick the best checkpoint", self.pick_checkpoint),
            ("promote it to a model", self.promote),
            ("deploy an endpoint", self.deploy),
            ("create an API key", self.create_api_key),
            ("predict", self.predict),
            ("stream a prediction", self.stream),
            ("download the job's logs", self.download_logs),
        ]

    def _remember(self, kind: str, delete: Callable[[], None]) -> None:
        self.created.append((kind, delete))

    def _watch(self, wait: Callable[..., T], timeout: float) -> T:
        """``wait`` (a job's or an endpoint's) at this demo's pace, with its bar on a terminal."""
        return wait(
            timeout,
            poll_interval=self.pace.poll_interval,
            max_poll_interval=self.pace.max_poll_interval,
        )

    def create_project(self) -> str:
        self.project = self.client.projects.create(name=self.name, description="sambastudio demo")
        self._remember("project", self.project.delete)
        return f"created project {self.name}"

    def upload_dataset(self) -> str:
        app = self.client.models.get(self.base_model).app_id
        files = sorted(DEMO_DATA.glob("*.jsonl"))
        self.dataset = self.client.datasets.create(
            name=self.name,
            path=DEMO_DATA,
            apps=[app] if app else [],
            job_types=["train", "evaluation"],
            description="sambastudio demo: capitals of the world",
        )
        self._remember("dataset", self.dataset.delete)
        size = sum(file.stat().st_size for file in files) / 1024
        return f"uploaded dataset {self.name} ({len(files)} files, {size:.1f} KiB)"

    def fine_tune(self) -> str:
        assert self.project is not None
        assert self.dataset is not None
        job = self.project.jobs.create(
            type="train",
            name=self.name,
            model=self.base_model,
            dataset=self.dataset,
            rdu_arch=self.rdu_arch,
            hyperparams=HYPERPARAMS,
        )
        self._remember("job", job.delete)
        self.job = self._watch(job.wait, self.pace.job_timeout)
        return f"fine-tuned {self.base_model}: job {self.name} ended {self.job.status}"

    def pick_checkpoint(self) -> str:
        assert self.job is not None
        found = [c for c in self.job.checkpoints.list() if c.metrics.train_loss is not None]
        if not found:
            raise SambaStudioError(f"job {self.name} wrote no checkpoint with a train_loss")
        self.checkpoint = min(found, key=lambda c: c.metrics.train_loss or 0.0)
        loss = self.checkpoint.metrics.train_loss
        return (
            f"picked checkpoint {label(self.checkpoint)}: "
            f"train_loss {loss:.4f}, the lowest of {len(found)}"
        )

    def promote(self) -> str:
        assert self.checkpoint is not None
        self.model = self.checkpoint.promote(name=self.name, description="sambastudio demo")
        self._remember("model", self.model.delete)
        return f"promoted it to model {label(self.model)}"

    def deploy(self) -> str:
        assert self.project is not None
        assert self.model is not None
        endpoint = self.project.endpoints.create(
            name=self.name, model=self.model, rdu_arch=self.rdu_arch, instances=1
        )
        self._remember("endpoint", endpoint.delete)
        self.endpoint = self._watch(endpoint.wait, self.pace.endpoint_timeout)
        return f"deployed endpoint {self.name}: {self.endpoint.status}"

    def create_api_key(self) -> str:
        assert self.endpoint is not None
        key = self.endpoint.api_keys.create(description="sambastudio demo")
        return f"created API key {key.id} (the key itself is never printed)"

    def predict(self) -> str:
        assert self.endpoint is not None
        prediction = self.endpoint.predict(PROMPT, PREDICT_PARAMS)
        return f"predicted {PROMPT!r} -> {_short(prediction.text)!r}"

    def stream(self) -> str:
        assert self.endpoint is not None
        tokens = list(self.endpoint.stream(PROMPT, PREDICT_PARAMS))
        return f"streamed {len(tokens)} tokens: {_short(''.join(tokens))!r}"

    def download_logs(self) -> str:
        assert self.job is not None
        if self.logs_dir is None:
            self.logs_dir = Path(tempfile.mkdtemp(prefix="sambastudio-demo-logs-"))
            self._remember("logs", functools.partial(shutil.rmtree, self.logs_dir))
        saved = self.job.download_logs(self.logs_dir)
        return f"downloaded the job's logs ({saved.stat().st_size / 1024:.1f} KiB) to {saved}"

    def clean_up(self) -> str:
        """Delete what was created, newest first; a failure here is reported, not raised."""
        deleted, failed = [], []
        for kind, delete in reversed(self.created):
            try:
                delete()
            except (SambaStudioError, OSError) as error:
                failed.append(f"{kind} ({error})")
            else:
                deleted.append(kind)
        self.created.clear()
        line = f"deleted {', '.join(deleted) or 'nothing'}"
        return line + (f"; could not delete {'; '.join(failed)}" if failed else "")


def _short(text: str, width: int = 60) -> str:
    """The start of a completion, so that its step still fits on one line."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def run(demo: Demo, *, keep: bool) -> None:
    """Run the steps, a line each; clean up (unless ``keep``), after a failure too."""
    steps = demo.steps()
    total = len(steps) + 1
    for number, (title, step) in enumerate(steps, 1):
        started = time.monotonic()
        try:
            outcome = step()
        except BaseException:
            _report(number, total, f"FAILED: {title}")
            if not keep:
                _report(total, total, demo.clean_up())
            raise
        _report(number, total, f"{outcome} ({time.monotonic() - started:.1f} s)")
    if keep:
        kept = ", ".join(kind for kind, _ in reversed(demo.created))
        _report(total, total, f"kept {kept}, all named {demo.name} (--keep)")
    else:
        _report(total, total, demo.clean_up())


def _report(number: int, total: int, text: str) -> None:
    click.echo(f"[{number:>2}/{total}] {text}")


@contextlib.contextmanager
def _emulator_client(speed: float, keep: bool) -> Iterator[Client]:
    """A client bound to an emulator served from this process for the duration.

    With ``keep`` on a terminal, the emulator serves on until a key is pressed, so that what
    the demo kept can be explored; its state is in memory and goes when it stops.
    """
    try:
        from sambastudio.emulator import Emulator
    except ImportError as error:
        raise Failure(
            f"the local emulator needs the 'emulator' extra ({error.name} is missing): "
            "pip install 'sambastudio[emulator]', or give --host to run on a SambaStudio"
        ) from None
    with Emulator(port=0, speed=speed) as emu, Client(emu.url, emu.access_key, "default") as client:
        click.echo(f"Running on a local SambaStudio emulator at {emu.url} ({speed:g}x real time).")
        yield client
        if keep and sys.stdin.isatty():
            _serve_until_enter(emu.url, emu.access_key)
        elif keep:
            click.echo("The emulator stops now, and what it held goes with it.")


def _serve_until_enter(url: str, access_key: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        key_file = Path(folder, "access-key")
        write_secret(key_file, access_key)
        click.echo(
            "The emulator serves on until you press a key. Explore it with:\n"
            f"  sambastudio --host {url} --access-key-file {key_file} project list"
        )
        click.pause("")


@contextlib.contextmanager
def _cluster_client(cli: CliContext, confirmed: bool) -> Iterator[Client]:
    client = cli.client
    where = f"{client.settings.host_url} (tenant {client.settings.tenant or 'default'})"
    if not confirmed:
        click.confirm(
            f"The demo creates a project, a dataset, a fine-tuning job, a model and an "
            f"endpoint on {where}, using RDU time, and deletes them at the end. Go on?",
            abort=True,
        )
    click.echo(f"Running on {where}.")
    yield client


@click.command("demo")
@click.option("--yes", "-y", is_flag=True, help="Run on a configured host without asking.")
@click.option("--keep", is_flag=True, help="Leave everything the demo created in place.")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Base model to fine-tune.")
@click.option("--rdu-arch", default=DEFAULT_RDU_ARCH, show_default=True)
@click.option(
    "--speed",
    type=click.FloatRange(min=1),
    default=200,
    show_default=True,
    help="How much faster than real time the local emulator runs.",
)
@click.option(
    "--logs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to save the job's logs (default: a temporary directory).",
)
def demo(
    yes: bool, keep: bool, model: str, rdu_arch: str, speed: float, logs_dir: Path | None
) -> None:
    """Run the whole lifecycle: project, dataset upload, fine-tuning, best checkpoint,
    model, endpoint, API key, predictions, logs, cleanup.

    Without a configured host (--host, SAMBASTUDIO_HOST_URL or the snapi config) it runs
    on a local emulator; with one it runs there after asking (--yes skips the question).
    """
    cli = cli_context()
    host = configured_host(cli.host)
    connect = _emulator_client(speed, keep) if host is None else _cluster_client(cli, yes)
    pace = EMULATOR_PACE if host is None else CLUSTER_PACE
    with connect as client:
        started = time.monotonic()
        run(Demo(client, pace, model, rdu_arch, logs_dir), keep=keep)
        click.echo(f"Done in {time.monotonic() - started:.1f} s.")
