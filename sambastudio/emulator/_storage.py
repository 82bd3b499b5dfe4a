"""Where dataset bytes live: paths inside the emulator's ``files_dir``, never outside it.

Layout under ``files_dir``::

    uploads/<upload_id>/<part number>   the parts of a multipart upload, until it is assembled
    datasets/<dataset_id>/<file path>   the files of an uploaded dataset
    checkpoints/<upload id>/<file path> the files of a checkpoint uploaded for a model import

A path a client names is relative and checked (no ``..``, not absolute, no empty or ``.``
segment, ``/`` as the separator) before it is joined to ``files_dir``, and the join is
checked again once symbolic links are resolved: no request reaches outside the storage.
"""

from __future__ import annotations

from pathlib import Path

from sambastudio.emulator import _validate
from sambastudio.emulator._errors import ApiError
from sambastudio.emulator._state import EmulatorState


def file_path(what: str, value: str) -> str:
    """A client's name for a file inside a dataset, refused unless it is plainly relative."""
    _validate.relative_path(what, value)
    if "\\" in value:
        raise ApiError(400, f"{what} {value!r} must use '/' as the separator")
    if any(part in ("", ".") for part in value.split("/")):
        raise ApiError(400, f"{what} {value!r} must name a file: no empty or '.' segments")
    return value


def inside(state: EmulatorState, relative: str) -> Path:
    """``files_dir / relative``, refused when it resolves outside ``files_dir``."""
    root = state.files_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise ApiError(400, f"{relative!r} leads outside the emulator's storage")
    return path


def dataset_dir(dataset_id: str) -> str:
    """The storage path (relative to ``files_dir``) of an uploaded dataset's files."""
    return f"datasets/{dataset_id}"


def upload_target_dir(target: str, upload_id: str) -> str:
    """Where the files of an upload reserved for ``target`` (dataset or model) are kept."""
    return dataset_dir(upload_id) if target == "dataset" else f"checkpoints/{upload_id}"


def upload_dir(state: EmulatorState, upload_id: str) -> Path:
    """Where the parts of one multipart upload wait to be assembled."""
    return state.files_dir / "uploads" / upload_id


def files_under(root: Path) -> dict[str, Path]:
    """The files of a folder (recursively) by POSIX path relative to it; a file is itself."""
    if root.is_file():
        return {root.name: root}
    found = sorted(path for path in root.rglob("*") if path.is_file())
    return {path.relative_to(root).as_posix(): path for path in found}


def dataset_files(state: EmulatorState, dataset_id: str) -> dict[str, Path]:
    """The files a dataset holds in the emulator's storage, by path inside the dataset.

    No route serves dataset bytes back, so tests use this to compare what they uploaded
    with what arrived. A dataset on S3 holds nothing here. ``KeyError`` for no such dataset.
    """
    doc = state.store.get("dataset", dataset_id)
    if doc is None:
        raise KeyError(f"no dataset {dataset_id}")
    if doc["source_type"] == "aws":
        return {}
    return files_under(inside(state, doc["path"]))


def model_files(state: EmulatorState, model_id: str) -> dict[str, Path]:
    """The files of a model imported from an upload (``import_from_local``), by path inside
    the checkpoint; empty for any other model. For tests, as :func:`dataset_files`."""
    doc = state.store.get("model", model_id)
    if doc is None:
        raise KeyError(f"no model {model_id}")
    path = doc.get("checkpoint_path")
    return files_under(inside(state, path)) if path else {}
