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
from sambastudio._base import (
    Collection,
    Record,
    Resource,
    Timestamped,
    check_choice,
    check_count,
    check_name,
    hyperparams_json,
    list_of,
    object_of,
)
from sambastudio._checks import CheckedArguments, check_bool, check_text
from sambastudio._download import download_to_dir
from sambastudio._hints import Parent
from sambastudio._pagination import Pager
from sambastudio._progress import ProgressCallback as TransferCallback
from sambastudio._wait_progress import WaitBar
from sambastudio._waiting import Acceptors, ProgressCallback
from sambastudio.errors import JobFailed, SambaStudioError
from sambastudio.resources.checkpoints import Checkpoint, Checkpoints
from sambastudio.resources.datasets import Dataset, Datasets
from sambastudio.resources.models import Model, Models

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
    | str
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

    from sambastudio._client import Client

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


class Job(Resource):
    """A train, evaluation or batch_predict job in a project."""

    kind: ClassVar[str] = "job"

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
    steps: int | None = None
    total_steps: int | None = None
    status_message: str | None = None

    def _home(self) -> ProjectJobs:
        if not self.project_id:
            raise SambaStudioError(f"{self!r} does not say which project holds it")
        return ProjectJobs(self.client, self.project_id)

    def _at(self) -> dict[str, str]:
        """The path arguments naming this job."""
        return {"project": self._home().project_id, "job": self.id}

    # ---------------------------------------------------------------- lifecycle
    def wait(
        self,
        timeout: float | None = None,
        *,
        poll_interval: float = 5.0,
        max_poll_interval: float = 60.0,
        on_progress: ProgressCallback[Job] | None = None,
        progress_bar: bool | None = None,
    ) -> Self:
        """Until the job exits with 0; ``JobFailed`` if it fails or is stopped.

        ``timeout`` is in seconds (``None``: no limit); ``WaitTimeout`` when it runs out.
        A bar follows the steps and the latest training loss on a terminal or in a
        notebook; ``progress_bar`` forces it on or off.
        """
        desc = f"job {self.name or self.id}"
        with WaitBar[Job](desc, enabled=progress_bar, percent=True, loss=Job.latest_loss) as bar:
            return self._wait(
                JOB_ACCEPTORS,
                timeout=timeout,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
                on_progress=bar.follow(on_progress),
            )

    def stop(self) -> Self:
        return self._absorb_answer(self._request("stop_job", **self._at()))

    def resume(
        self, *, hyperparams: Mapping[str, Any] | str | None = None, load_state: bool = False
    ) -> Self:
        """Resume a stopped train job from its last checkpoint."""
        body = self._request(
            "resume_job",
            project=self._home().project_id,
            job_name=self.name or self.id,
            job_type=self.job_type,
            hyperparams=hyperparams_json(hyperparams),
            load_state=check_bool("load_state", load_state),
        )
        return self._absorb_answer(body)

    def update(self, *, name: str | None = None, description: str | None = None) -> Self:
        if name is not None:
            check_name("name", name)
        body = self._request("update_job", **self._at(), name=name, description=description)
        return self._absorb_answer(body)

    def delete(self) -> None:
        self._home().delete(self)

    # ------------------------------------------------------------------ outputs
    @property
    def checkpoints(self) -> Checkpoints:
        return Checkpoints(self.client, self._home().project_id, self.id, job_name=self.name)

    @property
    def logs(self) -> JobLogs:
        return JobLogs(self)

    @property
    def exports(self) -> JobExports:
        return JobExports(self)

    def metrics(self, *, random_sample_limit: int | None = None) -> JobMetrics:
        """The training metrics by step; ``.plot()``, ``.to_pandas()`` or show it in a notebook."""
        body = self._request("get_metrics", **self._at(), random_sample_limit=random_sample_limit)
        return JobMetrics.from_answer(object_of(body)).of_job(self)

    def latest_loss(self) -> float | None:
        """The training loss at the last step reported so far (``None`` before the first)."""
        if self.job_type not in (None, "train"):
            return None
        return self.metrics().latest("train_loss")

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
        body = self._request(
            "upload_results_to_aws",
            **self._at(),
            bucket=check_name("bucket", bucket),
            folder=folder,
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            session_token=session_token,
            region_name=region_name,
        )
        return parse_answer(ResultsExport, object_of(body), "export")

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
        return download_to_dir(
            self.client._transport,
            self.client._route(name).bind(**self._at(), **args),
            dest,
            extract=extract,
            on_progress=on_progress,
            progress_bar=progress_bar,
        )

    def _records(self, route_name: str, key: str, model: type[_R], **args: Any) -> list[_R]:
        body = self._request(route_name, **self._at(), **args)
        return [parse_answer(model, item, key) for item in list_of(body, key)]


class JobLogs(CheckedArguments):
    """``job.logs``: the names of a job's log files and a preview of each."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def list(self, *, limit: int | None = None) -> Pager[LogFile]:
        return Pager.one_page(
            lambda: self._job._records("job_log_list", "logs", LogFile), limit=limit
        )

    def preview(self, log: str | LogFile) -> str:
        """The last lines of one log file."""
        name = log.name if isinstance(log, LogFile) else check_name("log", log)
        body = self._job._request("job_log_preview", **self._job._at(), log_file=name)
        return str(object_of(body).get("preview", ""))


class JobExports(CheckedArguments):
    """``job.exports``: copies of a batch_predict job's results (``job.export_to_s3``)."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def list(self, *, limit: int | None = None) -> Pager[ResultsExport]:
        return Pager.one_page(
            lambda: self._job._records("list_exports", "exports", ResultsExport), limit=limit
        )


class Jobs(Collection[Job]):
    """``client.jobs``: the user's jobs across projects (create them in ``project.jobs``)."""

    model = Job
    list_route, list_key = "list_jobs", "jobs"

    def _fetch(self, key: str) -> Job:
        # The list only has summaries; the whole job comes from its project.
        return super()._fetch(key).refresh()


class ProjectJobs(Collection[Job]):
    """``project.jobs``: the jobs of one project."""

    model = Job
    list_route, list_key = "list_jobs", "jobs"
    info_route, id_arg = "job_info", "job"
    search_route, search_arg, search_key = "search_job", "job_name", "job_id"

    def __init__(self, client: Client, project_id: str, *, project_name: str | None = None) -> None:
        super().__init__(client)
        self.project_id = project_id
        self.project_name = project_name

    def _scope(self) -> dict[str, Any]:
        return {"project": self.project_id}

    def _parents(self) -> list[Parent]:
        return [("project", self.project_name or self.project_id)]

    def _list_args(self) -> dict[str, Any]:
        return {"project_id": self.project_id}

    def _inherited(self) -> dict[str, Any]:
        return {"project_id": self.project_id}

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
            project=self.project_id,
            **args,
            model_checkpoint=Models(self._client)._resolve(model),
            dataset=Datasets(self._client)._resolve(dataset),
            model_version=model_version,
        )

    def delete(self, job: str | Job) -> None:
        self._client._request("delete_job", project=self.project_id, job=self._resolve(job))
