"""``SnSdk`` methods for checkpoints, models (imports, exports, bundles) and ML apps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sambastudio.compat._base import JSONDict, SnSdkBase


class ModelMethods(SnSdkBase):
    """Checkpoints, models and apps."""

    def list_checkpoints(self, project: str, job: str) -> JSONDict:
        """Returns the list of checkpoints for associated project and job."""
        return self._call("list_checkpoints", project=project, job=job)

    def checkpoint_info(self, checkpoint_name: str) -> JSONDict:
        """Returns the checkpoint information."""
        return self._call("checkpoint_info", checkpoint_name=checkpoint_name)

    def delete_checkpoint(self, checkpoint: str) -> JSONDict:
        """Deletes a checkpoint."""
        return self._call("delete_checkpoint", checkpoint=checkpoint)

    def add_model(
        self,
        project: str,
        model_checkpoint: str,
        model_checkpoint_name: str,
        job: str,
        description: str,
        checkpoint_type: str,
    ) -> JSONDict:
        """Add a model from an existing checkpoint."""
        return self._call(
            "add_model",
            project=project,
            model_checkpoint=model_checkpoint,
            model_checkpoint_name=model_checkpoint_name,
            job=job,
            description=description,
            checkpoint_type=checkpoint_type,
        )

    def list_models(self, verbose: bool = False) -> JSONDict:
        """Returns the list of available models."""
        return self._call("list_models", verbose=verbose)

    def search_model(self, model_name: str) -> JSONDict:
        """Search by model name and return its model_id if it exits."""
        return self._call("search_model", model_name=model_name)

    def model_info(self, model: str, job_type: str) -> JSONDict:
        """Returns the details of the model."""
        return self._call("model_info", model=model, job_type=job_type)

    def delete_model(self, model: str) -> JSONDict:
        """Delete a model."""
        return self._call("delete_model", model=model)

    def import_model(
        self,
        model_id: str,
        import_path: str,
        import_model_name: str,
        storage_type: str,
        steps: int,
    ) -> JSONDict:
        """import a model."""
        return self._call(
            "import_model",
            model_id=model_id,
            import_path=import_path,
            import_model_name=import_model_name,
            storage_type=storage_type,
            steps=steps,
        )

    def import_status(self, model_id: str) -> JSONDict:
        """Returns the progress of a model import (newer SnSdk releases)."""
        return self._call("import_status", model_id=model_id)

    def export_model(self, model_id: str, storage_type: str) -> JSONDict:
        """Export a model. SambaNova owned models cannot be exported."""
        return self._call("export_model", model_id=model_id, storage_type=storage_type)

    def exported_model_list(self) -> JSONDict:
        """Returns the list of the exported models."""
        return self._call("exported_model_list")

    def delete_exported_model(self, model_id: str, model_activity_id: str) -> JSONDict:
        """Delete an exported model."""
        return self._call(
            "delete_exported_model", model_id=model_id, model_activity_id=model_activity_id
        )

    def add_composite_model(
        self,
        name: str,
        description: str,
        dependencies: Sequence[Mapping[str, Any]],
        rdu_required: int,
        config_params: Mapping[str, Any] | None = None,
        app: str | None = None,
    ) -> JSONDict:
        """Bundle models into a composite model (newer SnSdk releases)."""
        return self._call(
            "add_composite_model",
            name=name,
            description=description,
            dependencies=list(dependencies),
            rdu_required=rdu_required,
            config_params=config_params,
            app=app,
        )

    def validate_spec_decoding(
        self,
        target: str,
        draft: str,
        rdu_required: int,
        dependencies: Sequence[Mapping[str, Any]],
    ) -> JSONDict:
        """Checks that a draft model can speculate for a target model (newer SnSdk releases)."""
        return self._call(
            "validate_spec_decoding",
            target=target,
            draft=draft,
            rdu_required=rdu_required,
            dependencies=list(dependencies),
        )

    def validate_model_bundle(
        self, dependencies: Sequence[Mapping[str, Any]], rdu_required: int
    ) -> JSONDict:
        """Checks that models can be bundled into a composite model (newer SnSdk releases)."""
        return self._call(
            "validate_model_bundle", dependencies=list(dependencies), rdu_required=rdu_required
        )

    def list_apps(self) -> JSONDict:
        """Returns the list of supported ML Apps."""
        return self._call("list_apps")

    def app_info(self, app: str) -> JSONDict:
        """Returns the app details for the ML App."""
        return self._call("app_info", app=app)
