"""Uploading a model checkpoint from this machine for an import (an assumed protocol).

snapi's ``import model create --source-type LOCAL`` uploads a local checkpoint, but how
SambaStudio receives it is not public. This follows the dataset upload
(:mod:`sambastudio.transfers.upload`) step for step, with one assumed route of its own:
``generate_model_upload_id`` reserves the id that the folder, file and status routes take as
their ``datasetId``. The import then names the uploaded folder by the path
``create_folder_upload`` answered. Resume works as for a dataset: the journal is keyed by the
model's name and the local path, and is dropped only once the import has started.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from sambastudio._pipeline import Pipeline
from sambastudio.transfers.plan import UploadPlan
from sambastudio.transfers.progress import ProgressCallback
from sambastudio.transfers.upload import (
    FolderUpload,
    check_concurrency,
    journal_for,
    resumable,
    send_folder,
)

RESERVE = "generate_model_upload_id"


@contextlib.contextmanager
def uploaded_checkpoint(
    pipeline: Pipeline,
    *,
    name: str,
    path: str | os.PathLike[str],
    plan: UploadPlan,
    concurrency: int,
    on_progress: ProgressCallback | None,
    progress_bar: bool | None,
) -> Iterator[str]:
    """Upload ``plan`` (the files under ``path``) for the model ``name``, resuming an
    interrupted upload of the same files; yields the uploaded folder's path on the server.

    The journal is discarded when the block ends without an error (the import started), so
    a failed import is retried without uploading the files again.
    """
    check_concurrency(concurrency)
    journal = journal_for(f"models/{name}", path)  # '/' keeps it apart from dataset names
    upload = FolderUpload(
        plan=plan,
        journal=journal,
        resume=resumable(journal, plan),
        reserve=RESERVE,
        details={"model_name": name},
        desc=f"Uploading {name}",
        concurrency=concurrency,
        on_progress=on_progress,
        progress_bar=progress_bar,
    )
    yield str(send_folder(pipeline, upload)["dataset_path"])
    journal.discard()
