"""Checkpoints a job wrote, their metrics, and promoting one to a model."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import AliasChoices, Field

from sambastudio._arguments import check_name
from sambastudio._base import Collection, Record, Resource, Routes, Scope
from sambastudio._resolve import looks_like_id, pick_one
from sambastudio._response import APIResponse
from sambastudio.errors import (
    InvalidArgumentError,
    NameNotFoundError,
    NotFoundError,
    SambaStudioError,
)
from sambastudio.resources.models import CheckpointType, Model

IN_JOB = Scope(parents=("project", "job"), list_args={"project": "project", "job": "job"})
"""What a job holds: listed by project and job (a checkpoint is then fetched by its name)."""


class CheckpointMetrics(Record):
    """``single_value`` holds the scalar metrics (``train_loss``, ``train_learning_rate``)."""

    single_value: dict[str, Any] = Field(default_factory=dict)
    multi_value: Any = None

    def get(self, name: str) -> float | None:
        """A scalar metric by name, as a float, or ``None`` when absent or not a number."""
        try:
            return float(self.single_value[name])
        except (KeyError, TypeError, ValueError):
            return None

    @property
    def train_loss(self) -> float | None:
        return self.get("train_loss")

    @property
    def train_learning_rate(self) -> float | None:
        return self.get("train_learning_rate")


class Checkpoint(Resource):
    """A checkpoint, named ``<job_id>-<step>``; the server looks checkpoints up by name."""

    kind: ClassVar[str] = "checkpoint"
    repr_fields: ClassVar[tuple[str, ...]] = ("name", "steps")

    id: str = Field(validation_alias=AliasChoices("checkpoint_id", "id", "name", "checkpoint_name"))
    name: str | None = Field(None, validation_alias=AliasChoices("name", "checkpoint_name"))
    job_id: str | None = None
    project_id: str | None = None
    steps: int | None = None
    metrics: CheckpointMetrics = Field(default_factory=CheckpointMetrics)
    path: str | None = None

    def _route_key(self) -> str:
        return self.name or self.id

    def _home(self) -> Checkpoints:
        return Checkpoints(self.client, self.project_id, self.job_id)

    def promote(
        self, *, name: str, description: str = "", checkpoint_type: CheckpointType = "finetuned"
    ) -> Model:
        """A new model made from this checkpoint (``add_model``)."""
        if not (self.project_id and self.job_id):
            raise SambaStudioError(f"{self!r} does not say which job made it")
        return self.client.models.from_checkpoint(
            project=self.project_id,
            job=self.job_id,
            checkpoint=self._route_key(),
            name=name,
            description=description,
            checkpoint_type=checkpoint_type,
        )

    def delete(self) -> None:
        self._home().delete(self)


class Checkpoints(
    Collection[Checkpoint],
    model=Checkpoint,
    routes=Routes(
        list="list_checkpoints",
        list_key="checkpoints",
        info="checkpoint_info",
        id_arg="checkpoint_name",
    ),
    scope=IN_JOB,
):
    """``job.checkpoints`` (``Checkpoints(client, project_id, job_id)``); ``get`` takes a
    checkpoint's name, its id or the object."""

    def _fetch(self, key: str) -> Checkpoint:
        # The server looks checkpoints up by name: its 404 is a name not found.
        try:
            return super()._fetch(key)
        except NotFoundError as error:
            if isinstance(error, NameNotFoundError):
                raise
            raise self._not_found(key) from error

    def _info(self, operation: str, /, **args: Any) -> APIResponse:
        return self._client._look_up(operation, **args)

    def _resolve(self, ref: str | Checkpoint) -> str:
        # Names are the server's key; an id is turned into the name by listing.
        if isinstance(ref, Checkpoint):
            return super()._resolve(ref)
        if looks_like_id(ref):
            found = [self._resolve(c) for c in self.list() if c.id == ref]
            if not found:
                raise self._not_found(ref)
            return pick_one("checkpoint", ref, found)
        return check_name("checkpoint", ref)

    def delete(self, checkpoint: str | Checkpoint) -> None:
        self._client._request("delete_checkpoint", checkpoint=self._resolve(checkpoint))

    def best(self, metric: str = "train_loss", *, highest: bool = False) -> Checkpoint:
        """The checkpoint with the lowest ``metric`` (the highest with ``highest=True``).

        Checkpoints that do not report the metric are passed over, so choosing one is a
        single typed call instead of a ``min`` over optional floats.
        """
        scored = [(value, c) for c in self.list() if (value := c.metrics.get(metric)) is not None]
        if not scored:
            job = self._names.get("job") or self._within["job"]
            raise InvalidArgumentError("metric", f"no checkpoint of job {job!r} reports {metric!r}")
        pick = max if highest else min
        return pick(scored, key=lambda pair: pair[0])[1]
