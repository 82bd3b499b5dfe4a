"""Datasets: files that jobs train, evaluate or predict on, uploaded or imported from S3."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr

from sambastudio._arguments import check_choice, check_name
from sambastudio._base import Collection, Routes, UnknownStatus, Waitable
from sambastudio._checks import check_list, check_mapping, check_text
from sambastudio._response import APIResponse
from sambastudio._waiting import Acceptors
from sambastudio.errors import InvalidArgumentError, ResourceFailed
from sambastudio.resources.apps import App
from sambastudio.transfers.plan import Json
from sambastudio.transfers.progress import ProgressCallback
from sambastudio.transfers.upload import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    JOB_TYPES,
    UploadPlan,
    check_dataset_upload,
    resume_upload,
    upload_dataset,
)

DatasetStatus = Literal["Available", "AvailableToDownload", "Importing"] | UnknownStatus
"""``Importing`` while an S3 copy runs (assumed: the evidence shows only the other two)."""

DATASET_ACCEPTORS: Acceptors[Any] = Acceptors(
    success=frozenset({"Available", "AvailableToDownload"}),
    failure=frozenset({"Failed", "FAILED", "Error", "ERROR"}),
    error=ResourceFailed,
)


class S3Source(BaseModel):
    """An S3 folder to import a dataset from, with the AWS credentials to read it once.

    The keys are :class:`~pydantic.SecretStr`: masked in its repr, ``model_dump()`` and
    validation errors; only the request that starts the import carries them. The field
    names of snapi's aws source file (``accessKeyId``, ``secretAccessKey``) are accepted
    too, so ``S3Source.model_validate(json.load(file))`` reads one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    bucket: str = Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$")
    folder: str = ""
    """The path inside the bucket of the folder holding the dataset's files."""
    access_key_id: SecretStr = Field(
        min_length=1, validation_alias=AliasChoices("access_key_id", "accessKeyId")
    )
    secret_access_key: SecretStr = Field(
        min_length=1, validation_alias=AliasChoices("secret_access_key", "secretAccessKey")
    )
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
    """The bucket's AWS region, e.g. ``us-east-1``."""

    @property
    def uri(self) -> str:
        """``s3://bucket/folder``: where the data is, without the credentials."""
        return f"s3://{self.bucket}/{self.folder.strip('/')}".rstrip("/")

    def to_wire(self) -> dict[str, str]:
        """``add_dataset``'s ``source``: snapi's aws source file fields with
        ``source_type: aws`` (assumed, see docs/wire-protocol.md); the secrets in clear."""
        return {
            "source_type": "aws",
            "bucket": self.bucket,
            "folder": self.folder,
            "accessKeyId": self.access_key_id.get_secret_value(),
            "secretAccessKey": self.secret_access_key.get_secret_value(),
            "region": self.region,
        }


class Dataset(Waitable):
    """A dataset; ``wait()`` until it is Available (an S3 import is done), ``ResourceFailed``
    if the import fails."""

    kind: ClassVar[str] = "dataset"
    _acceptors: ClassVar[Acceptors[Any]] = DATASET_ACCEPTORS
    _bar_percent: ClassVar[bool] = False  # an import reports no progress

    id: str = Field(validation_alias=AliasChoices("id", "dataset_id"))
    name: str | None = Field(None, validation_alias=AliasChoices("dataset_name", "name"))
    status: DatasetStatus | None = None
    description: str | None = None
    job_types: builtins.list[str] = Field(
        default_factory=list, validation_alias=AliasChoices("job_types", "job_type", "jobTypes")
    )
    apps: Any = None
    """As sent: app ids, names, or app objects, depending on the server's generation."""
    path: str | None = Field(None, validation_alias=AliasChoices("dataset_path", "path"))
    file_type: str | None = None
    language: str | None = None
    url: str | None = None
    metadata: Any = Field(None, validation_alias=AliasChoices("dataset_metadata", "metadata"))
    user_id: str | None = None
    """Who added it (snapi's USER column)."""

    def _home(self) -> Datasets:
        return Datasets(self.client)

    def delete(self) -> None:
        """Mark the dataset for deletion."""
        self._home().delete(self)


def _app_refs(apps: Sequence[str | App]) -> list[str]:
    """``apps`` as the upload takes them: an App's id, a name or id as given."""
    return [app.id if isinstance(app, App) else app for app in check_list("apps", apps)]


class Datasets(
    Collection[Dataset],
    model=Dataset,
    routes=Routes(
        list="list_datasets",
        list_key="datasets",
        info="dataset_info",
        id_arg="dataset",
        search="search_dataset",
        search_arg="dataset_name",
        search_key="dataset_id",
    ),
):
    """``client.datasets``; ``create`` uploads the files itself."""

    def create(
        self,
        *,
        name: str,
        path: str | os.PathLike[str],
        apps: Sequence[str | App],
        job_types: Sequence[str],
        description: str = "",
        file_type: str = "",
        url: str = "",
        language: str = "",
        metadata: Mapping[str, Any] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
    ) -> Dataset:
        """Upload a file or folder as a new dataset.

        ``apps`` take names, ids or objects; ``job_types`` are ``train``/``evaluation`` or
        ``batch_predict``. Everything is checked before the first byte moves; an interrupted
        upload is resumed by calling again (or ``resume_upload``).
        """
        return self._uploaded(
            upload_dataset,
            name=name,
            path=path,
            apps=_app_refs(apps),
            job_types=check_list("job_types", job_types),
            description=check_text("description", description),
            file_type=check_text("file_type", file_type),
            url=check_text("url", url),
            language=check_text("language", language),
            metadata=check_mapping("metadata", metadata),
            chunk_size=chunk_size,
            concurrency=concurrency,
            on_progress=on_progress,
            progress_bar=progress_bar,
        )

    def check_upload(
        self,
        *,
        name: str,
        path: str | os.PathLike[str],
        apps: Sequence[str | App],
        job_types: Sequence[str],
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> UploadPlan:
        """Check what :meth:`create` would check, creating nothing (a dry run): the files,
        the job types, the apps and that ``name`` is free, with read-only requests. The plan
        of the files ``create`` would send (their paths inside the dataset and sizes)."""
        plan, _ = check_dataset_upload(
            self._client._pipeline,
            name=name,
            path=path,
            apps=_app_refs(apps),
            job_types=check_list("job_types", job_types),
            chunk_size=chunk_size,
        )
        return plan

    def import_from_s3(
        self,
        *,
        name: str,
        source: S3Source,
        apps: Sequence[str | App],
        job_types: Sequence[str],
        description: str = "",
        file_type: str = "",
        url: str = "",
        language: str = "",
        metadata: Mapping[str, Any] | None = None,
    ) -> Dataset:
        """Register a dataset that SambaStudio copies from an S3 folder, once.

        The answer comes back while the copy runs (status ``Importing``); ``wait()`` on it
        until it is Available. The credentials go to the server in this one request and are
        not stored there (S8). Everything is checked first, as for :meth:`create`; a lost
        answer is reconciled like every create (the dataset of that name and description).
        """
        check_name("name", name)
        for job_type in check_list("job_types", job_types):
            check_choice("job_types", job_type, JOB_TYPES)
        app_ids = [self._client.apps.id_of(app) for app in check_list("apps", apps)]
        if self._find_ids(name):
            raise InvalidArgumentError("name", f"a dataset named {name!r} already exists")
        description = check_text("description", description)
        return self._create(  # a lost answer is reconciled by name and description
            "add_dataset",
            called=name,
            expected={"description": description},
            answer=lambda answer: self._from_answer(answer, key=name),
            dataset_name=name,
            apps={"ids": list(dict.fromkeys(app_ids))},
            dataset_metadata=dict(check_mapping("metadata", metadata) or {}),
            description=description,
            file_type=check_text("file_type", file_type),
            url=check_text("url", url),
            language=check_text("language", language),
            job_type=list(job_types),
            source=source.to_wire(),
        )

    def resume_upload(
        self,
        *,
        name: str,
        path: str | os.PathLike[str],
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
    ) -> Dataset:
        """Finish an interrupted ``create`` of ``path`` as ``name``."""
        return self._uploaded(
            resume_upload,
            name=name,
            path=path,
            concurrency=concurrency,
            on_progress=on_progress,
            progress_bar=progress_bar,
        )

    def _uploaded(self, upload: Callable[..., Json], /, **args: Any) -> Dataset:
        """The dataset ``upload`` (a function of ``transfers.upload``) adds, with the answer
        it came in as its ``last_response``."""
        answers: builtins.list[APIResponse] = []
        pipeline = self._client._pipeline
        body = upload(pipeline, answered=answers.append, **args)
        return self._from_body(body, answers[-1])

    def delete(self, dataset: str | Dataset) -> None:
        self._client._request("delete_dataset", dataset=self._resolve(dataset))
