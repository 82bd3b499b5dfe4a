"""Imports and exports: progress through stages on the emulator's clock.

An imported model is a ``model`` document with ``import_started_at``: its status is
``Importing`` until it is ``Available``. Its import status goes as seen on a real host
(api-evidence §7, N5): status ``''``, stage ``Copy``, progress 0, ..., then ``Available``,
``convert``, 100 (the stage between them is assumed). An
export is a ``model_export`` document (tenant-scoped, parent its model)
``{id (the model_activity_id), model_id, storage_type, path, created_at}`` whose status
goes ``InProgress`` → ``Completed``. A dataset imported from S3 (``import_started_at``
set) is ``Importing`` for :data:`DATASET_IMPORT_SECONDS`, then ``Available``: the emulator
cannot reach S3, so the copy is only a delay (its length is assumed).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sambastudio.emulator._state import EmulatorState

IMPORT_SECONDS = 30.0
EXPORT_SECONDS = 20.0
DATASET_IMPORT_SECONDS = 10.0
STAGES = ("Copy", "validate", "convert")


class Transfer(NamedTuple):
    status: str
    progress: int
    stage: str


def import_progress(model: dict[str, Any], now: float) -> Transfer:
    started = model.get("import_started_at")
    if started is None:
        return Transfer(model["status"], 100, STAGES[-1])
    share = min(1.0, max(0.0, (now - started) / IMPORT_SECONDS))
    stage = STAGES[min(len(STAGES) - 1, int(share * len(STAGES)))]
    return Transfer("Available" if share >= 1 else "", int(share * 100), stage)


def export_progress(export: dict[str, Any], now: float) -> Transfer:
    share = min(1.0, max(0.0, (now - export["created_at"]) / EXPORT_SECONDS))
    return Transfer("Completed" if share >= 1 else "InProgress", int(share * 100), "export")


def observe_model(state: EmulatorState, model: dict[str, Any]) -> dict[str, Any]:
    """The model with its import status brought up to the clock (stored once Available)."""
    if model["status"] == "Available" or import_progress(model, state.now()).status != "Available":
        return model
    if state.store.get("model", model["id"]) is None:
        return {**model, "status": "Available"}
    return state.store.update("model", model["id"], {"status": "Available"})


def observe_dataset(state: EmulatorState, dataset: dict[str, Any]) -> dict[str, Any]:
    """The dataset with its S3 import brought up to the clock (stored once Available)."""
    started = dataset.get("import_started_at")
    if started is None or dataset["status"] != "Importing":
        return dataset
    if state.now() - started < DATASET_IMPORT_SECONDS:
        return dataset
    if state.store.get("dataset", dataset["id"]) is None:
        return {**dataset, "status": "Available"}
    return state.store.update("dataset", dataset["id"], {"status": "Available"})
