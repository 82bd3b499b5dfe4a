"""``SnSdk`` methods for endpoints, their API keys and NLP predictions."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from sambastudio.compat._base import Hyperparams, JSONDict, SnSdkBase, hyperparams_text
from sambastudio.errors import InvalidArgumentError


class EndpointMethods(SnSdkBase):
    """Endpoints, endpoint API keys and predictions."""

    def list_endpoints(self, project: str | None = None) -> JSONDict:
        """Returns all endpoints belonging to the user, or those of the project if given."""
        return self._call("list_endpoints", project=project)

    def create_endpoint(
        self,
        project: str,
        endpoint_name: str,
        description: str,
        model_checkpoint: str,
        instances: int,
        hyperparams: Hyperparams,
        rdu_arch: str,
        *,
        model_version: int | str | None = None,
        inference_api_openai_compatible: bool | None = None,
    ) -> JSONDict:
        """Creates a new endpoint."""
        return self._call(
            "create_endpoint",
            project=project,
            endpoint_name=endpoint_name,
            description=description,
            model_checkpoint=model_checkpoint,
            instances=instances,
            hyperparams=hyperparams_text(hyperparams),
            rdu_arch=rdu_arch,
            model_version=model_version,
            inference_api_openai_compatible=inference_api_openai_compatible,
        )

    def endpoint_info(self, project: str, endpoint: str) -> JSONDict:
        """Gets the endpoint details."""
        return self._call("endpoint_info", project=project, endpoint=endpoint)

    def endpoint_info_by_id(self, endpoint: str) -> JSONDict:
        """Gets the endpoint details."""
        return self._call("endpoint_info_by_id", endpoint=endpoint)

    def update_endpoint(
        self,
        project: str,
        endpoint: str,
        description: str | None = None,
        instances: int | None = None,
        rdu_arch: str | None = None,
    ) -> JSONDict:
        """Update the endpoint."""
        return self._call(
            "update_endpoint",
            project=project,
            endpoint=endpoint,
            description=description,
            instances=instances,
            rdu_arch=rdu_arch,
        )

    def stop_endpoint(self, project: str, endpoint: str) -> JSONDict:
        """Stops the endpoint from running without deleting it."""
        return self._call("stop_endpoint", project=project, endpoint=endpoint)

    def delete_endpoint(self, project: str, endpoint: str) -> JSONDict:
        """Removes the endpoint."""
        return self._call("delete_endpoint", project=project, endpoint=endpoint)

    def add_endpoint_api_key(
        self, project_id: str, endpoint_id: str, api_key: str, description: str
    ) -> JSONDict:
        """Adds an API key to an endpoint."""
        return self._call(
            "add_endpoint_api_key",
            project_id=project_id,
            endpoint_id=endpoint_id,
            api_key=api_key,
            description=description,
        )

    def edit_endpoint_api_key(
        self, project_id: str, api_key: str, status: str, description: str
    ) -> JSONDict:
        """Updates an API key status or description of the project."""
        return self._call(
            "edit_endpoint_api_key",
            project_id=project_id,
            api_key=api_key,
            status=status,
            description=description,
        )

    def nlp_predict(
        self,
        project: str,
        endpoint: str,
        key: str,
        input: Sequence[str] | str,
        params: str | Mapping[str, Any] | None = None,
        trace_id: str | None = None,
    ) -> JSONDict:
        """NLP predict using inline input string."""
        return self._call(
            "nlp_predict",
            project=project,
            endpoint=endpoint,
            key=key,
            input=[input] if isinstance(input, str) else list(input),
            params=_params_object(params),
            trace_id=trace_id,
        )

    def nlp_predict_file(self, project: str, endpoint: str, key: str, file_path: str) -> JSONDict:
        """NLP predict using file input."""
        with open(file_path, "rb") as handle:
            return self._call(
                "nlp_predict_file",
                project=project,
                endpoint=endpoint,
                key=key,
                file_path=(os.path.basename(file_path), handle),
            )


def _params_object(params: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Predict params as the JSON object the wire carries; SnSdk callers pass a JSON string."""
    if params is None or (isinstance(params, str) and not params.strip()):
        return None
    if not isinstance(params, str):
        return dict(params)
    try:
        value = json.loads(params)
    except ValueError as exc:
        raise InvalidArgumentError(
            "params", f"params must be a JSON object string: {exc}"
        ) from None
    if not isinstance(value, dict):
        raise InvalidArgumentError("params", "params must be a JSON object string")
    return value
