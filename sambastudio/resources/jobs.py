"""Jobs (train, evaluation, batch_predict) and what they produce: logs, metrics, results."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from pydantic import AliasChoices, Field, PrivateAttr
from typing_extensions import Self

from sambastudio import _display, _frames, _plot
from sambastudio._answers import parse_answer
from sambastudio._arguments import check_choice, check_count, check_name, hyperparams_json
from sambastudio._base import (
    Collection,
    Listing,
    Record,
    Routes,
    Scope,
    Timestamped,
    UnknownStatus,
    Waitable,
)
from sambastudio._checks import check_bool, check_text
from sambastudio._envelopes import object_of
from sambastudio._wait_progress import LossOf
from sambastudio._waiting import Acceptors
from sambastudio.errors import JobFailed, SambaStudioError
from sambastudio.resources.checkpoints import IN_JOB, Checkpoint, Checkpoints
from sambastudio.resources.datasets import Dataset
from sambastudio.resources.models import Model
from sambastudio.transfers.progress import ProgressCallback as TransferCallback

JobType = Literal["train", "evaluation", "batch_predict"]
JOB_TYPES: tuple[JobType, ...] = ("train", "evaluation", "batch_predict")
JobStatus = (
    Literal[
        "CREATED",
        "PENDING_RDU",
        "TRAINING",
        "PREDICTING",
        "EXIT_WITH_0",
        "EXIT_WITH_1",
        "FAILED",
        "STOPPED",
    ]
    | UnknownStatus
)
ArtifactKind = Literal["results", "logs"]

JOB_ACCEPTORS: Acceptors[Any] = Acceptors(
    success=frozenset({"EXIT_WITH_0"}),
    failure=frozenset({"EXIT_WITH_1", "FAILED", "STOPPED"}),
    error=JobFailed,
    capacity=frozenset({"PENDING_RDU"}),
)
"""A stopped job will not finish either, so waiting on it fails at once."""

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure


_R = TypeVar("_R", bound=Record)


class LogFile(Record):
    """One of a job's log files."""

    name: str = Field(validation_alias=AliasChoices("name", "log_file", "file_name"))
    size: int | None = None


class MetricPoint(Record):
    step: int | None = None
    value: float | None = None


class JobMetrics(Record):
    """A job's metric series by name (``train_loss``, ``train_learning_rate``, ...).

    A notebook shows a summary of it; ``plot()`` draws it (the ``plot`` extra) and
    ``to_pandas()`` makes a frame of it (the ``pandas`` extra).
    """

    series: dict[str, builtins.list[MetricPoint]] = Field(default_factory=dict)

    _job: Job | None = PrivateAttr(default=None)

    @classmethod
    def from_answer(cls, data: Mapping[str, Any]) -> JobMetrics:
        return cls(series={k: v for k, v in data.items() if isinstance(v, builtins.list)})

    def of_job(self, job: Job) -> Self:
        """Remember the job these come from, so ``plot()`` can mark its checkpoints."""
        self._job = job
        return self

    def __getitem__(self, name: str) -> builtins.list[MetricPoint]:
        return self.series[name]

    @property
    def train_loss(self) -> builtins.list[MetricPoint]:
        return self.series.get("train_loss", [])

    def latest(self, name: str) -> float | None:
        """The value of series ``name`` at its last step (``None`` when it has no point)."""
        known = [p for p in self.series.get(name, []) if p.step is not None and p.value is not None]
        return max(known, key=lambda p: p.step or 0).value if known else None

    def plot(self, *, checkpoints: Iterable[Checkpoint] | None = None) -> Figure:
        """Loss (and learning rate) against steps, with the checkpoints marked and the best
        starred; a notebook shows the figure, a script saves it with ``.savefig(path)``.

        ``checkpoints`` default to the job's own (one more request).
        """
        if checkpoints is None:
            checkpoints = self._job.checkpoints.list() if self._job is not None else []
        return _plot.plot_metrics(self.series, builtins.list(checkpoints))

    def to_pandas(self) -> pandas.DataFrame:
        """One row per step, one column per series."""
        return _frames.metrics_frame(self.series)

    def _repr_html_(self) -> str:
        return _display.metrics_html(self.series)


class ResultsExport(Timestamped):
    """A copy of a batch_predict job's results to external storage."""

    id: str = Field(validation_alias=AliasChoices("export_id", "id"))
    status: str | None = None
    storage_type: str | None = None
    bucket: str | None = None
    folder: str | None = None
    region_name: str | None = None


class Job(Waitable):
    """A train, evaluation or batch_predict job in a project.

    ``wait()`` lasts until the job exits with 0; ``JobFailed`` if it fails or is stopped.
    """

    kind: ClassVar[str] = "job"
    _acceptors: ClassVar[Acceptors[Any]] = JOB_ACCEPTORS

    id: str = Field(validation_alias=AliasChoices("job_id", "id"))
    name: str | None = Field(None, validation_alias=AliasChoices("job_name", "name"))
    job_type: JobType | str | None = Field(None, validation_alias=AliasChoices("job_type", "type"))
    project_id: str | None = None
    status: JobStatus | None = None
    description: str | None = None
    model_checkpoint: str | None = None
    dataset_id: str | None = None
    rdu_arch: str | None = None
    parallel_instances: int | None = None
    load_state: bool | None = None
    hyperparams: Any = None
    """As the server sent them: a dict, a list of parameter records, or a string."""
    completion_percentage: float | None = None
    """How far the job is, 0 to 100, while it runs."""
    steps: int | None = None
    """The training steps done so far."""
    total_steps: int | None = None
    status_message: str | None = None
    """What the server says about the status (why a job failed, typically)."""

    def _home(self) -> ProjectJobs:
        return ProjectJobs(self.client, self._project())

    def _project(self) -> str:
        if not self.project_id:
            raise SambaStudioError(f"{self!r} does not say which project holds it")
        return self.project_id

    def _at(self) -> dict[str, str]:
        """The path arguments naming this job."""
        return {"project": self._project(), "job": self.id}

    # ---------------------------------------------------------------- lifecycle

    def stop(self) -> Self:
        return self._absorb_answer(self._send("stop_job", **self._at()))

    def resume(
        self, *, hyperparams: Mapping[str, Any] | str | None = None, load_state: bool = False
    ) -> Self:
        """Resume a stopped train job from its last checkpoint."""
        answer = self._send(
            "resume_job",
            project=self._project(),
            job_name=self.name or self.id,
            job_type=self.job_type,
            hyperparams=hyperparams_json(hyperparams),
            load_state=check_bool("load_state", load_state),
        )
        return self._absorb_answer(answer)

    def update(self, *, name: str | None = None, description: str | None = None) -> Self:
        if name is not None:
            check_name("name", name)
        answer = self._send("update_job", **self._at(), name=name, description=description)
        return self._absorb_answer(answer)

    def delete(self) -> None:
        self._home().delete(self)

    # ------------------------------------------------------------------ outputs
    @property
    def checkpoints(self) -> Checkpoints:
        return Checkpoints(self.client, self._project(), self.id, job_name=self.name)

    @property
    def logs(self) -> JobLogs:
        return JobLogs(self.client, self._project(), self.id)

    @property
    def exports(self) -> JobExports:
        return JobExports(self.client, self._project(), self.id)

    def metrics(self, *, random_sample_limit: int | None = None) -> JobMetrics:
        """The training metrics by step; ``.plot()``, ``.to_pandas()`` or show it in a notebook."""
        answer = self._send("get_metrics", **self._at(), random_sample_limit=random_sample_limit)
        return JobMetrics.from_answer(object_of(answer.json())).of_job(self)

    def latest_loss(self) -> float | None:
        """The training loss at the last step reported so far (``None`` before the first)."""
        if self.job_type not in (None, "train"):
            return None
        return self.metrics().latest("train_loss")

    _bar_loss: ClassVar[LossOf[Any] | None] = latest_loss  # shown beside a wait's steps

    def export_to_s3(
        self,
        *,
        bucket: str,
        folder: str,
        access_key_id: str,
        secret_access_key: str,
        region_name: str,
        session_token: str | None = None,
    ) -> ResultsExport:
        """Copy a batch_predict job's results to an S3 bucket."""
        answer = self._send(
            "upload_results_to_aws",
            **self._at(),
            bucket=check_name("bucket", bucket),
            folder=folder,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            region_name=region_name,
        )
        return parse_answer(ResultsExport, object_of(answer.json()), "export")

    def download_results(
        self,
        dest: str | PathLike[str] = ".",
        *,
        extract: bool = False,
        on_progress: TransferCallback | None = None,
        progress_bar: bool | None = None,
    ) -> Path:
        """A batch_predict job's results archive, saved in ``dest`` (unpacked if ``extract``)."""
        return self._download("download_results", dest, extract, on_progress, progress_bar)

    def download_logs(
        self,
        dest: str | PathLike[str] = ".",
        *,
        extract: bool = False,
        on_progress: TransferCallback | None = None,
        progress_bar: bool | None = None,
    ) -> Path:
        """The job's logs archive, saved in ``dest`` (unpacked if ``extract``)."""
        return self._download("download_logs", dest, extract, on_progress, progress_bar)

    def download_artifacts(
        self,
        dest: str | PathLike[str] = ".",
        *,
        kind: ArtifactKind = "results",
        extract: bool = False,
        on_progress: TransferCallback | None = None,
        progress_bar: bool | None = None,
    ) -> Path:
        """The ``results`` or ``logs`` archive, saved in ``dest``."""
        check_choice("kind", kind, ("results", "logs"))
        return self._download(
            "download_job_artifacts", dest, extract, on_progress, progress_bar, artifact_type=kind
        )

    def _download(
        self,
        name: str,
        dest: str | PathLike[str],
        extract: bool,
        on_progress: TransferCallback | None,
        progress_bar: bool | None,
        **args: str,
    ) -> Path:
        from sambastudio.transfers.download import download_to_dir  # tarfile, zipfile

        return download_to_dir(
            self.client._pipeline,
            self.client._route(name).bind(**self._at(), **args),
            dest,
            extract=extract,
            on_progress=on_progress,
            progress_bar=progress_bar,
        )


class JobLogs(
    Listing[LogFile],
    model=LogFile,
    routes=Routes(list="job_log_list", list_key="logs"),
    scope=IN_JOB,
):
    """``job.logs``: the names of a job's log files and a preview of each."""

    def preview(self, log: str | LogFile) -> str:
        """The last lines of one log file."""
        name = log.name if isinstance(log, LogFile) else check_name("log", log)
        answer = self._client._request("job_log_preview", **self._list_args(), log_file=name)
        return str(object_of(answer.json()).get("preview", ""))


class JobExports(
    Listing[ResultsExport],
    model=ResultsExport,
    routes=Routes(list="list_exports", list_key="exports"),
    scope=IN_JOB,
):
    """``job.exports``: copies of a batch_predict job's results (``job.export_to_s3``)."""


class Jobs(Collection[Job], model=Job, routes=Routes(list="list_jobs", list_key="jobs")):
    """``client.jobs``: the user's jobs across projects (create them in ``project.jobs``)."""

    def _fetch(self, key: str) -> Job:
        # The list only has summaries; the whole job comes from its project.
        return super()._fetch(key).refresh()


class ProjectJobs(
    Collection[Job],
    model=Job,
    routes=Routes(
        list="list_jobs",
        list_key="jobs",
        info="job_info",
        id_arg="job",
        search="search_job",
        search_arg="job_name",
        search_key="job_id",
    ),
    scope=Scope(
        parents=("project",),
        list_args={"project_id": "project"},
        lookup_args={"project": "project"},
    ),
):
    """``project.jobs``: the jobs of one project (``ProjectJobs(client, project_id)``)."""

    def create(
        self,
        *,
        type: JobType,
        name: str,
        model: str | Model,
        dataset: str | Dataset,
        rdu_arch: str,
        hyperparams: Mapping[str, Any] | str | None = None,
        description: str = "",
        parallel_instances: int = 1,
        load_state: bool = False,
        sub_path: str = "",
        model_version: int | str | None = None,
    ) -> Job:
        """Start a job; every argument is checked before the first request.

        ``model`` and ``dataset`` take a name, an id or the object; ``hyperparams`` a dict
        (sent as the wire's JSON string) or a JSON string.
        """
        args: dict[str, Any] = {
            "job_type": check_choice("type", type, JOB_TYPES),
            "job_name": check_name("name", name),
            "hyperparams": hyperparams_json(hyperparams),
            "parallel_instances": check_count("parallel_instances", parallel_instances),
            "rdu_arch": check_name("rdu_arch", rdu_arch),
            "description": check_text("description", description),
            "load_state": check_bool("load_state", load_state),
            "sub_path": check_text("sub_path", sub_path),
        }
        return self._create(
            "create_job",
            called=name,
            expected={"description": description},
            project=self._within["project"],
            **args,
            model_checkpoint=self._client.models.id_of(model),
            dataset=self._client.datasets.id_of(dataset),
            model_version=model_version,
        )

    def delete(self, job: str | Job) -> None:
        self._client._request("delete_job", project=self._within["project"], job=self._resolve(job))
