"""Models: SambaNova-provided, promoted from checkpoints, imported, exported or composed."""

from __future__ import annotations

import builtins
import os
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, Field

from sambastudio._answers import parse_answer
from sambastudio._arguments import check_choice, check_count, check_name
from sambastudio._base import Collection, Record, Resource, Routes, UnknownStatus, Waitable
from sambastudio._envelopes import object_of
from sambastudio._pagination import Pager
from sambastudio._resolve import looks_like_id
from sambastudio._waiting import Acceptors
from sambastudio.errors import (
    InvalidArgumentError,
    ResourceFailed,
)
from sambastudio.resources.apps import App
from sambastudio.transfers.checkpoint import uploaded_checkpoint
from sambastudio.transfers.plan import DEFAULT_CHUNK_SIZE, plan_upload
from sambastudio.transfers.progress import ProgressCallback
from sambastudio.transfers.upload import DEFAULT_CONCURRENCY

ModelStatus = Literal["Available", "AvailableToDownload"] | UnknownStatus
TransferStatus = (
    Literal["Available", "Exported", "Completed", "Failed", "FAILED", "Error", "ERROR"]
    | UnknownStatus
)
ModelJobType = Literal["train", "evaluation", "batch_predict", "deploy"]
CheckpointType = Literal["finetuned", "pretrained"]
MODEL_JOB_TYPES: tuple[ModelJobType, ...] = ("train", "evaluation", "batch_predict", "deploy")

_FAILED = frozenset({"Failed", "FAILED", "Error", "ERROR"})
IMPORT_ACCEPTORS: Acceptors[Any] = Acceptors(
    success=frozenset({"Available"}), failure=_FAILED, error=ResourceFailed
)
EXPORT_ACCEPTORS: Acceptors[Any] = Acceptors(
    success=frozenset({"Available", "Exported", "Completed"}), failure=_FAILED, error=ResourceFailed
)


class HyperparamSpec(Record):
    """One tunable of a model for a job type and RDU arch, decoded from ``model_info``."""

    name: str
    description: str = ""
    datatype: str | None = None
    default: str | None = None
    user_modifiable: bool = True
    constraints: dict[str, Any] | None = None


class SpecDecodingCheck(Record):
    """Whether a draft model can speculate for a target model, and why not."""

    valid: bool = False
    validations: builtins.list[dict[str, Any]] = Field(default_factory=list)


class BundleCheck(SpecDecodingCheck):
    """Whether models can be bundled into a composite model, and why not."""


class _Transfer(Waitable):
    """An import or export in progress; ``wait()`` until it is done (``ResourceFailed``)."""

    status: TransferStatus | None = None
    progress: float | None = None


class ModelImport(_Transfer):
    """A model import (``import_model``); its id is the new model's id."""

    kind: ClassVar[str] = "model import"
    _acceptors = IMPORT_ACCEPTORS
    repr_fields: ClassVar[tuple[str, ...]] = ("id", "status", "progress")

    id: str = Field(validation_alias=AliasChoices("model_id", "id"))
    stage: str | None = None

    def _home(self) -> ModelImports:
        return ModelImports(self.client)

    def model(self) -> Model:
        """The imported model."""
        return self.client.models.get(self.id)


class ModelExport(_Transfer):
    """A model export; ``id`` is its activity id."""

    kind: ClassVar[str] = "model export"
    _acceptors = EXPORT_ACCEPTORS
    repr_fields: ClassVar[tuple[str, ...]] = ("id", "model_id", "status", "progress")

    id: str = Field(validation_alias=AliasChoices("model_activity_id", "id", "model_id"))
    model_id: str | None = None
    storage_type: str | None = None
    path: str | None = None

    def _home(self) -> ModelExports:
        return ModelExports(self.client)

    def delete(self) -> None:
        self._send("delete_exported_model", model_id=self.model_id, model_activity_id=self.id)


class Model(Resource):
    """A model; ``info(job_type)`` adds the hyperparameters of one job type."""

    kind: ClassVar[str] = "model"

    id: str = Field(validation_alias=AliasChoices("model_id", "id"))
    name: str | None = Field(
        None, validation_alias=AliasChoices("model_checkpoint_name", "name", "model_name")
    )
    status: ModelStatus | None = None
    description: str | None = None
    model_type: str | None = None
    composition: Literal["Basic", "Composite"] | str | None = Field(
        None, validation_alias=AliasChoices("type", "composition")
    )
    """``Basic`` or ``Composite`` (the wire's ``type``)."""
    job_types: builtins.list[str] = Field(
        default_factory=list, validation_alias=AliasChoices("jobTypes", "job_types")
    )
    app_id: str | None = None
    version: int | str | None = None
    checkpoint_type: str | None = None
    sambanova_provided: bool | None = None
    hyperparams: dict[str, Any] = Field(default_factory=dict)
    dependencies: builtins.list[dict[str, Any]] = Field(default_factory=list)
    config: dict[str, Any] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)

    def _home(self) -> Models:
        return Models(self.client)

    def info(self, job_type: ModelJobType = "train") -> Model:
        """This model with the hyperparameters of ``job_type``, fetched fresh."""
        check_choice("job_type", job_type, MODEL_JOB_TYPES)
        answer = self._send("model_info", model=self.id, job_type=job_type)
        return Model._from_data(object_of(answer.json()), self.client, answer)

    def hyperparam_specs(
        self, job_type: ModelJobType, rdu_arch: str
    ) -> builtins.list[HyperparamSpec]:
        """The tunables of ``job_type`` on ``rdu_arch`` (empty when this model lacks them).

        Reads what ``info(job_type)`` fetched: ``hyperparams[job_type][rdu_arch].user_params``.
        """
        node = self.hyperparams.get(job_type, {}).get(rdu_arch, {})
        return [_spec(job_type, raw) for raw in node.get("user_params", [])]

    def default_hyperparams(self, job_type: ModelJobType, rdu_arch: str) -> dict[str, str]:
        """``{name: default}`` for ``job_type`` on ``rdu_arch``, ready to edit and pass on."""
        return {
            spec.name: spec.default
            for spec in self.hyperparam_specs(job_type, rdu_arch)
            if spec.default is not None
        }

    def delete(self) -> None:
        self._home().delete(self)

    def export(self, *, storage_type: str = "local") -> ModelExport:
        """Start exporting this model; ``.wait()`` on the result (owned models only)."""
        answer = self._send("export_model", model_id=self.id, storage_type=storage_type)
        data = {"model_id": self.id, **object_of(answer.json())}
        return ModelExport._from_data(data, self.client, answer)

    def import_status(self) -> ModelImport:
        """The progress of this model's import."""
        answer = self._send("import_status", model_id=self.id)
        return ModelImport._from_data(object_of(answer.json()), self.client, answer)


def _spec(job_type: str, raw: dict[str, Any]) -> HyperparamSpec:
    settings = (raw.get("TYPE_SPECIFIC_SETTINGS") or {}).get(job_type) or {}
    return HyperparamSpec(
        name=raw.get("FIELD_NAME", ""),
        description=raw.get("DESCRIPTION") or "",
        datatype=raw.get("DATATYPE"),
        default=settings.get("DEFAULT"),
        user_modifiable=bool(settings.get("USER_MODIFIABLE", True)),
        constraints=raw.get("CONSTRAINTS"),
    )


class Models(
    Collection[Model],
    model=Model,
    routes=Routes(
        list="list_models",
        list_key="models",
        info="model_info",
        id_arg="model",
        search="search_model",
        search_arg="model_name",
        search_key="model_id",
    ),
):
    """``client.models``."""

    def from_checkpoint(
        self,
        *,
        project: str,
        job: str,
        checkpoint: str,
        name: str,
        description: str = "",
        checkpoint_type: CheckpointType = "finetuned",
    ) -> Model:
        """A new model made from the checkpoint named ``checkpoint`` of a job (``add_model``);
        ``checkpoint.promote(name=...)`` says the same from the checkpoint."""
        return self._create(  # a lost answer is reconciled by the model's name
            "add_model",
            called=check_name("name", name),
            expected={"description": description},
            project=project,
            job=job,
            model_checkpoint=checkpoint,
            model_checkpoint_name=name,
            description=description,
            checkpoint_type=check_choice(
                "checkpoint_type", checkpoint_type, ("finetuned", "pretrained")
            ),
        )

    def delete(self, model: str | Model) -> None:
        self._client._request("delete_model", model=self._resolve(model))

    def import_model(
        self,
        *,
        model: str | Model,
        path: str,
        name: str,
        storage_type: str = "local",
        steps: int = 0,
    ) -> ModelImport:
        """Import a checkpoint from storage as a new model named ``name``; ``.wait()`` on it.

        ``model`` is the model whose architecture the checkpoint has.
        """
        check_name("path", path)
        check_name("name", name)
        return self._created(  # a lost answer is reconciled by the new model's name
            "import_model",
            build=lambda answer: ModelImport._from_data(
                object_of(answer.json()), self._client, answer
            ),
            find=lambda: self._import_of(name),
            model_id=self._resolve(model),
            import_path=path,
            import_model_name=name,
            storage_type=storage_type,
            steps=steps,
        )

    def _import_of(self, name: str) -> ModelImport | None:
        """The import of the one model called ``name`` (an import's id is its model's)."""
        model = self._named(name)
        return None if model is None else model.import_status()

    def import_from_local(
        self,
        *,
        model: str | Model,
        path: str | os.PathLike[str],
        name: str,
        steps: int = 0,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        progress_bar: bool | None = None,
    ) -> ModelImport:
        """Upload a checkpoint file or folder from this machine and import it as a new model
        named ``name`` (snapi's ``import model create --source-type LOCAL``); ``.wait()`` on it.

        ``model`` is the model whose architecture the checkpoint has. The upload's protocol
        is assumed (modelled on the dataset upload, see docs/wire-protocol.md). The path, the
        name and the base model are checked before the first byte moves; an interrupted
        upload resumes when called again with the same name and path.
        """
        check_name("name", name)
        plan = plan_upload(path, chunk_size)
        base = self._resolve(model)
        if self._find_ids(name):
            raise InvalidArgumentError("name", f"a model named {name!r} already exists")
        with uploaded_checkpoint(
            self._client._pipeline,
            name=name,
            path=path,
            plan=plan,
            concurrency=concurrency,
            on_progress=on_progress,
            progress_bar=progress_bar,
        ) as uploaded:
            return self.import_model(
                model=base, path=uploaded, name=name, storage_type="localMachine", steps=steps
            )

    def exports(self, *, limit: int | None = None) -> Pager[ModelExport]:
        """The exported models and their progress."""
        return ModelExports(self._client).list(limit=limit)

    def create_composite(
        self,
        *,
        name: str,
        dependencies: Sequence[str | Model],
        rdu_required: int,
        description: str = "",
        config_params: dict[str, Any] | None = None,
        app: str | App | None = None,
    ) -> Model:
        """A composite model (a bundle) made of ``dependencies``."""
        check_name("name", name)
        check_count("rdu_required", rdu_required)
        if not dependencies or isinstance(dependencies, str):
            raise InvalidArgumentError("dependencies", "dependencies must be a list of models")
        return self._create(
            "add_composite_model",
            called=name,
            expected={"description": description},
            name=name,
            description=description,
            dependencies=[{"name": self._name_of(model)} for model in dependencies],
            rdu_required=rdu_required,
            config_params=config_params or {},
            app=self._client.apps.id_of(app) if app is not None else "",
        )

    def validate_spec_decoding(
        self, *, target: str | Model, draft: str | Model, rdu_required: int = 8
    ) -> SpecDecodingCheck:
        """Whether ``draft`` can speculate for ``target`` (speculative decoding)."""
        check_count("rdu_required", rdu_required)
        target_name, draft_name = self._name_of(target), self._name_of(draft)
        answer = self._client._request(
            "validate_spec_decoding",
            target=target_name,
            draft=draft_name,
            rdu_required=rdu_required,
            dependencies=[{"name": target_name}, {"name": draft_name}],
        )
        return parse_answer(SpecDecodingCheck, object_of(answer.json()), "check")

    def validate_bundle(
        self, *, dependencies: Sequence[str | Model], rdu_required: int
    ) -> BundleCheck:
        """Whether ``dependencies`` can be bundled by ``create_composite`` on these RDUs."""
        check_count("rdu_required", rdu_required)
        if not dependencies or isinstance(dependencies, str):
            raise InvalidArgumentError("dependencies", "dependencies must be a list of models")
        answer = self._client._request(
            "validate_model_bundle",
            dependencies=[{"name": self._name_of(model)} for model in dependencies],
            rdu_required=rdu_required,
        )
        return parse_answer(BundleCheck, object_of(answer.json()), "check")

    def _name_of(self, model: str | Model) -> str:
        """Composites and speculative-decoding pairs name their members."""
        if isinstance(model, str) and not looks_like_id(model):
            return model
        named = model if isinstance(model, Model) else self.get(model)
        return named.name or named.id


class ModelExports(
    Collection[ModelExport],
    model=ModelExport,
    routes=Routes(list="exported_model_list", list_key="models"),
):
    """Exported models (``client.models.exports()``)."""


class ModelImports(
    Collection[ModelImport],
    model=ModelImport,
    routes=Routes(info="import_status", id_arg="model_id"),
):
    """Where an import's progress is read (``import_status``), by the id or name of the
    model it makes; started by ``client.models.import_model``. The server lists none."""

    def _resolve(self, ref: str | ModelImport) -> str:
        # An import is known by the model it makes: its name or id resolves as the model's.
        return ref.id if isinstance(ref, ModelImport) else self._client.models.id_of(ref)
