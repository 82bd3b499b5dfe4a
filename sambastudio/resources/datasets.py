"""Datasets: uploaded files that jobs train, evaluate or predict on."""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, Field

from sambastudio._base import Collection, Resource
from sambastudio._checks import check_list, check_mapping, check_text
from sambastudio._progress import ProgressCallback
from sambastudio._upload import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    resume_upload,
    upload_dataset,
)
from sambastudio.resources.apps import App

DatasetStatus = Literal["Available", "AvailableToDownload"] | str


class Dataset(Resource):
    kind: ClassVar[str] = "dataset"

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

    def _home(self) -> Datasets:
        return Datasets(self.client)

    def delete(self) -> None:
        """Mark the dataset for deletion."""
        self._home().delete(self)


class Datasets(Collection[Dataset]):
    """``client.datasets``; ``create`` uploads the files itself."""

    model = Dataset
    list_route, list_key = "list_datasets", "datasets"
    info_route, id_arg = "dataset_info", "dataset"
    search_route, search_arg, search_key = "search_dataset", "dataset_name", "dataset_id"

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
        body = upload_dataset(
            self._client._transport,
            name=name,
            path=path,
            apps=[app.id if isinstance(app, App) else app for app in check_list("apps", apps)],
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
            routes=self._client._routes,
        )
        return self._from_answer(body)

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
        body = resume_upload(
            self._client._transport,
            name=name,
            path=path,
            concurrency=concurrency,
            on_progress=on_progress,
            progress_bar=progress_bar,
            routes=self._client._routes,
        )
        return self._from_answer(body)

    def delete(self, dataset: str | Dataset) -> None:
        self._client._request("delete_dataset", dataset=self._resolve(dataset))
