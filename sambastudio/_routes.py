"""The wire contract: one declarative entry per SambaStudio operation.

The object model, the ``SnSdk`` shim and the emulator all read this table, so a path that
turns out to be wrong on a real SambaStudio is corrected here, in one place. Every entry
says how sure we are of it (``evidence``) and where that knowledge comes from (``source``,
the ids explained in ``docs/evidence.md``). ``docs/wire-protocol.md`` is generated
from this table by :mod:`sambastudio._routes_doc`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, Literal
from urllib.parse import quote

import attrs

from sambastudio._path_args import check_path_argument

Where = Literal["path", "query", "body", "header", "raw", "multipart", "local"]
"""Where an argument travels: a path segment, the query string, a JSON body field, a header,
the raw request body, a multipart file field, or nowhere (``local``: used by the caller only,
such as a destination directory)."""

Evidence = Literal["confirmed", "inferred", "assumed"]
Auth = Literal["platform", "endpoint", "bearer", "none"]
"""``platform``: the access key in the ``key`` header; ``endpoint``: an endpoint API key in
the ``key`` header; ``bearer``: an endpoint API key as ``Authorization: Bearer``; ``none``."""

Body = bytes | IO[bytes] | Iterable[bytes]


@attrs.frozen
class Arg:
    """One argument of an operation and where it goes on the wire."""

    name: str
    where: Where
    wire: str = ""
    required: bool = True
    nested: bool = False
    """A path argument that may hold ``/`` between segments (a file inside a folder)."""

    @property
    def wire_name(self) -> str:
        return self.wire or self.name


@attrs.frozen
class WireRequest:
    """A route bound to arguments: everything the transport needs to send one request.

    Headers may hold an endpoint API key and bodies an AWS secret or a password, so they
    stay out of the repr.
    """

    route: Route
    path: str
    query: Mapping[str, str | list[str]] = attrs.field(factory=dict)
    json: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    content: Body | None = attrs.field(default=None, repr=False)
    files: Mapping[str, tuple[str, IO[bytes]]] | None = attrs.field(default=None, repr=False)
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    @property
    def method(self) -> str:
        return self.route.method

    @property
    def idempotent(self) -> bool:
        return self.route.idempotent

    @property
    def auth(self) -> Auth:
        return self.route.auth


def _query_value(value: Any) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [str(_query_value(item)) for item in value]
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


@attrs.frozen(kw_only=True)
class Route:
    """One operation: its HTTP method, path template, arguments, and what is known of it.

    Keyword-only: with nine descriptive fields, an entry names each one."""

    name: str
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str
    args: tuple[Arg, ...]
    evidence: Evidence
    source: str
    summary: str
    response: str
    legacy_response: str = ""
    auth: Auth = "platform"
    admin: bool = False
    safe_to_retry: bool = False
    streams: bool = False
    seed: bool = True
    answer: str = ""
    """The key the answer sits under on this host (``a.b`` for a nested one); empty: the
    whole body. Only a route override sets it (see :mod:`sambastudio._overrides`)."""
    # Read by every bind(), so computed once from ``args`` (evolve() computes them again).
    _arg_names: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _has_body: bool = attrs.field(init=False, eq=False, repr=False)

    @_arg_names.default
    def _names_of_args(self) -> frozenset[str]:
        return frozenset(arg.name for arg in self.args)

    @_has_body.default
    def _sends_a_body(self) -> bool:
        return any(arg.where == "body" for arg in self.args)

    @property
    def idempotent(self) -> bool:
        """GET, PUT and DELETE may be repeated; a POST or PATCH only when marked safe."""
        return self.method in ("GET", "PUT", "DELETE") or self.safe_to_retry

    def arg(self, name: str) -> Arg:
        for arg in self.args:
            if arg.name == name:
                return arg
        raise KeyError(f"route {self.name!r} has no argument {name!r}")

    def bind(self, **values: Any) -> WireRequest:
        """Place each argument where the wire wants it.

        ``None`` means "not given": it is left out of the query and the body. A required
        argument that is missing raises ``TypeError`` naming it, and a path argument that
        would address another resource (empty, ``.``, ``..``, a ``/``) a
        :class:`~sambastudio.errors.PathArgumentError`, before anything is sent.
        """
        path_values: dict[str, str] = {}
        query: dict[str, str | list[str]] = {}
        body: dict[str, Any] = {}
        headers: dict[str, str] = {}
        content: Body | None = None
        files: dict[str, tuple[str, IO[bytes]]] = {}
        if not values.keys() <= self._arg_names:
            unknown = values.keys() - self._arg_names
            raise TypeError(f"{self.name}() got unexpected arguments: {sorted(unknown)}")
        for arg in self.args:
            value = values.get(arg.name)
            if value is None:
                if arg.required and arg.where in ("path", "raw", "multipart", "header"):
                    raise TypeError(f"{self.name}() is missing the argument {arg.name!r}")
                continue
            if arg.where == "path":
                text = check_path_argument(self.name, arg.name, value, nested=arg.nested)
                path_values[arg.wire_name] = quote(text, safe="")
            elif arg.where == "query":
                query[arg.wire_name] = _query_value(value)
            elif arg.where == "body":
                body[arg.wire_name] = value
            elif arg.where == "header":
                bearer = self.auth == "bearer" and arg.wire_name == "Authorization"
                headers[arg.wire_name] = f"Bearer {value}" if bearer else str(value)
            elif arg.where == "raw":
                content = value
            elif arg.where == "multipart":
                files[arg.wire_name] = value
        return WireRequest(
            route=self,
            path=self.path.format(**path_values),
            query=query,
            json=body if self._has_body else None,
            content=content,
            files=files or None,
            headers=headers,
        )

    def path_params(self) -> list[str]:
        return [arg.wire_name for arg in self.args if arg.where == "path"]


def _path(*names: str) -> tuple[Arg, ...]:
    return tuple(Arg(name, "path") for name in names)


def _body(*names: str, required: bool = True) -> tuple[Arg, ...]:
    return tuple(Arg(name, "body", required=required) for name in names)


def _query(*names: str, required: bool = False) -> tuple[Arg, ...]:
    return tuple(Arg(name, "query", required=required) for name in names)


_PROJECT = "/api/projects/{project}"
_JOB = _PROJECT + "/jobs/{job}"
_ENDPOINT = _PROJECT + "/endpoints/{endpoint}"
_UPLOAD = "/api/v1beta/upload"

_PROJECT_CURRENT = "project object: {id, name, description, status, metadata{owner, ...}, ...}"
_JOB_OBJECT = (
    "flat job object: {job_id, job_name, job_type, project_id, status, model_checkpoint, "
    "dataset_id, rdu_arch, hyperparams, time_created, ...}"
)
_ENDPOINT_OBJECT = (
    "flat endpoint object: {id, name, description, project_id, status, url, api_key, "
    "api_keys[{api_key, description, status}], targets[{model, instances, rdu_arch}], ...}"
)
_ACK = "{} (an empty object) or {detail: <message>}"

_ROUTE_LIST: tuple[Route, ...] = (
    # ----------------------------------------------------------------- projects
    Route(
        name="list_projects",
        method="GET",
        path="/api/projects",
        args=(),
        evidence="inferred",
        source="S4",
        summary="List the projects of the current tenant.",
        response="{projects: [project object]}",
        legacy_response=(
            "{count, items, page, limit: -1, data: {projects: [{project_name, project_id, ...}]}}"
        ),
    ),
    Route(
        name="create_project",
        method="POST",
        path="/api/projects",
        args=_body("project_name", "description"),
        evidence="confirmed",
        source="S4",
        summary="Create a project.",
        response=_PROJECT_CURRENT,
        legacy_response="{data: {project_id}}",
    ),
    Route(
        name="search_project",
        method="GET",
        path="/api/projects/search",
        args=_query("project_name", required=True),
        evidence="assumed",
        source="S3",
        summary="Find a project's id by its name.",
        response="{data: {project_id}}",
    ),
    Route(
        name="project_info",
        method="GET",
        path=_PROJECT,
        args=_path("project"),
        evidence="confirmed",
        source="S4",
        summary="The details of a project (name or id in the path).",
        response=_PROJECT_CURRENT,
        legacy_response="{data: {project_id, project_name, description, status, ...}}",
    ),
    Route(
        name="update_project",
        method="PATCH",
        path=_PROJECT,
        args=(*_path("project"), *_body("name", "description", required=False)),
        evidence="assumed",
        source="",
        summary="Rename a project or change its description.",
        response=_PROJECT_CURRENT,
        legacy_response="{data: {project_id, project_name, description, ...}}",
        safe_to_retry=True,
    ),
    Route(
        name="delete_project",
        method="DELETE",
        path=_PROJECT,
        args=_path("project"),
        evidence="assumed",
        source="S1",
        summary="Delete a project (its jobs and endpoints must be deleted first).",
        response=_ACK,
    ),
    # --------------------------------------------------------------------- jobs
    Route(
        name="list_jobs",
        method="GET",
        path="/api/jobs",
        args=_query("project_id"),
        evidence="assumed",
        source="S1",
        summary="List the user's jobs, in one project or in all.",
        response="{jobs: [flat job object], count}",
    ),
    Route(
        name="create_job",
        method="POST",
        path=_PROJECT + "/jobs",
        args=(
            Arg("job_type", "body"),
            Arg("project", "path"),
            *_body(
                "model_checkpoint",
                "job_name",
                "description",
                "dataset",
                "hyperparams",
                "load_state",
                "sub_path",
                "parallel_instances",
                "rdu_arch",
            ),
            Arg("model_version", "body", required=False),
        ),
        evidence="confirmed",
        source="S4",
        summary=(
            "Create a train, evaluation or batch_predict job; hyperparams travel as a JSON string."
        ),
        response=_JOB_OBJECT + " with status CREATED",
        legacy_response="{data: {job_id, job_name, ...}}",
    ),
    Route(
        name="search_job",
        method="GET",
        path=_PROJECT + "/jobs/search",
        args=(*_path("project"), *_query("job_name", required=True)),
        evidence="assumed",
        source="S1",
        summary="Find a job's id by its name within a project.",
        response="{data: {job_id}}",
    ),
    Route(
        name="job_info",
        method="GET",
        path=_JOB,
        args=(*_path("project", "job"), *_query("verbose")),
        evidence="confirmed",
        source="S4",
        summary="The details and status of a job.",
        response="{data: flat job object}",
    ),
    Route(
        name="update_job",
        method="PATCH",
        path=_JOB,
        args=(*_path("project", "job"), *_body("name", "description", required=False)),
        evidence="assumed",
        source="",
        summary="Rename a job or change its description.",
        response="{data: flat job object}",
        safe_to_retry=True,
    ),
    Route(
        name="delete_job",
        method="DELETE",
        path=_JOB,
        args=_path("project", "job"),
        evidence="confirmed",
        source="S4",
        summary="Delete a job.",
        response=_ACK,
    ),
    Route(
        name="stop_job",
        method="POST",
        path=_JOB + "/stop",
        args=_path("project", "job"),
        evidence="assumed",
        source="",
        summary="Stop a running job (status STOPPED); stopping twice is harmless.",
        response="{data: flat job object}",
        safe_to_retry=True,
    ),
    Route(
        name="resume_job",
        method="POST",
        path=_PROJECT + "/jobs/{job_name}/resume",
        args=(
            Arg("job_type", "body"),
            *_path("project", "job_name"),
            *_body("hyperparams", "load_state"),
        ),
        evidence="assumed",
        source="",
        summary="Resume a stopped train job from its last checkpoint.",
        response="{data: flat job object}",
    ),
    Route(
        name="get_metrics",
        method="GET",
        path=_JOB + "/metrics",
        args=(*_path("project", "job"), *_query("random_sample_limit")),
        evidence="assumed",
        source="",
        summary="Training metrics of a job.",
        response="{data: {train_loss: [{step, value}], train_learning_rate: [...], ...}}",
    ),
    Route(
        name="job_log_list",
        method="GET",
        path=_JOB + "/logs",
        args=_path("project", "job"),
        evidence="assumed",
        source="",
        summary="The names of a job's log files.",
        response="{logs: [{name, size}]}",
    ),
    Route(
        name="job_log_preview",
        method="GET",
        path=_JOB + "/logs/preview",
        args=(*_path("project", "job"), *_query("log_file", required=True)),
        evidence="assumed",
        source="",
        summary="The last lines of one log file.",
        response="{name, preview: <text>}",
    ),
    Route(
        name="download_job_artifacts",
        method="GET",
        path=_JOB + "/artifacts/{artifact_type}/download",
        args=(
            *_path("project", "job"),
            Arg("dest_dir", "local", required=False),
            Arg("artifact_type", "path"),
        ),
        evidence="assumed",
        source="",
        summary="A job's results or logs as a tar.gz archive (artifact_type 'results' or 'logs'); "
        "no source shows this operation's request, so its path is assumed, one of its own "
        "beside download_results (S4) and download_logs.",
        response="application/gzip bytes",
        streams=True,
    ),
    Route(
        name="download_logs",
        method="GET",
        path=_JOB + "/logs/download",
        args=(*_path("project", "job"), Arg("dest_dir", "local", required=False)),
        evidence="assumed",
        source="",
        summary="A job's logs as a tar.gz archive.",
        response="application/gzip bytes",
        streams=True,
    ),
    Route(
        name="download_results",
        method="GET",
        path=_JOB + "/results/download",
        args=(*_path("project", "job"), Arg("dest_dir", "local", required=False)),
        evidence="confirmed",
        source="S4",
        summary="A batch_predict job's results as a tar.gz archive; {detail: 'No results exists'} "
        "before there are any.",
        response="application/gzip bytes",
        streams=True,
    ),
    Route(
        name="list_exports",
        method="GET",
        path=_JOB + "/exports",
        args=_path("project", "job"),
        evidence="assumed",
        source="",
        summary="Exports of a batch_predict job's results.",
        response="{exports: [{export_id, status, storage_type, bucket, folder, time_created}]}",
    ),
    Route(
        name="upload_results_to_aws",
        method="POST",
        path=_JOB + "/exports/aws",
        args=(
            *_path("project", "job"),
            *_body(
                "bucket",
                "folder",
                "access_key_id",
                "secret_access_key",
                "session_token",
                "region_name",
            ),
        ),
        evidence="assumed",
        source="",
        summary="Copy a batch_predict job's results to an S3 bucket.",
        response="{export_id, status}",
    ),
    Route(
        name="admin_job_list",
        method="GET",
        path="/api/admin/jobs",
        args=(),
        evidence="assumed",
        source="",
        summary="Running jobs of all users (admin).",
        response="{jobs: [flat job object]}",
        admin=True,
    ),
    Route(
        name="admin_resource_usage",
        method="GET",
        path="/api/admin/resource-usage",
        args=(),
        evidence="assumed",
        source="",
        summary="Total and available RDUs (admin).",
        response="{total_rdus, available_rdus, ...}",
        admin=True,
    ),
    # -------------------------------------------------------------- checkpoints
    Route(
        name="list_checkpoints",
        method="GET",
        path=_JOB + "/checkpoints",
        args=_path("project", "job"),
        evidence="assumed",
        source="S2",
        summary="The checkpoints a job wrote.",
        response="{checkpoints: [{name, checkpoint_id, job_id, steps, "
        "metrics{single_value{train_loss, train_learning_rate}}, ...}]}",
        legacy_response="{data: {checkpoints: [{checkpoint_name, checkpoint_id, ...}]}}",
    ),
    Route(
        name="checkpoint_info",
        method="GET",
        path="/api/checkpoints/{checkpoint_name}",
        args=_path("checkpoint_name"),
        evidence="assumed",
        source="",
        summary="The details of a checkpoint, by its name '<job_id>-<step>'.",
        response="checkpoint object",
    ),
    Route(
        name="delete_checkpoint",
        method="DELETE",
        path="/api/checkpoints/{checkpoint}",
        args=_path("checkpoint"),
        evidence="assumed",
        source="S7",
        summary="Delete a checkpoint by its name.",
        response=_ACK,
    ),
    Route(
        name="add_model",
        method="POST",
        path="/api/models",
        args=_body(
            "project",
            "model_checkpoint",
            "model_checkpoint_name",
            "job",
            "description",
            "checkpoint_type",
        ),
        evidence="assumed",
        source="S1",
        summary="Promote a checkpoint to a model.",
        response="{data: {model_id}}",
    ),
    # ------------------------------------------------------------------- models
    Route(
        name="list_models",
        method="GET",
        path="/api/models",
        args=_query("verbose"),
        evidence="assumed",
        source="S3",
        summary="The models the user can see.",
        response="{models: [{model_id, model_checkpoint_name, status, jobTypes, app_id, ...}]}",
    ),
    Route(
        name="search_model",
        method="GET",
        path="/api/models/search",
        args=_query("model_name", required=True),
        evidence="assumed",
        source="S1",
        summary="Find a model's id by its name.",
        response="{data: {model_id}}",
    ),
    Route(
        name="model_info",
        method="GET",
        path="/api/models/{model}",
        args=(*_path("model"), *_query("job_type")),
        evidence="assumed",
        source="S1",
        summary="The details of a model, with the hyperparameters of one job type.",
        response="{model_id, model_checkpoint_name, type, status, "
        "hyperparams{<job_type>{<rdu_arch>{user_params, supports_speculative_decoding}}}, "
        "dependencies, config, params}",
    ),
    Route(
        name="delete_model",
        method="DELETE",
        path="/api/models/{model}",
        args=_path("model"),
        evidence="assumed",
        source="S6",
        summary="Delete a model.",
        response="{}",
    ),
    Route(
        name="import_model",
        method="POST",
        path="/api/models/import",
        args=_body("model_id", "import_path", "import_model_name", "storage_type", "steps"),
        evidence="assumed",
        source="",
        summary="Import a model checkpoint; progress via import_status. storage_type local: "
        "import_path is a path on SambaStudio's storage; localMachine (assumed): the folder a "
        "model upload (generate_model_upload_id) completed; aws: an S3 path.",
        response="{model_id, status, progress, stage}",
    ),
    Route(
        name="import_status",
        method="GET",
        path="/api/models/{model_id}/import/status",
        args=_path("model_id"),
        evidence="assumed",
        source="S6",
        summary="Progress of a model import.",
        response="{model_id, status, progress, stage}",
        seed=False,
    ),
    Route(
        name="export_model",
        method="POST",
        path="/api/models/{model_id}/export",
        args=(*_path("model_id"), *_body("storage_type")),
        evidence="assumed",
        source="",
        summary="Export a model (SambaNova-owned models cannot be exported).",
        response="{model_id, model_activity_id, status, progress}",
    ),
    Route(
        name="exported_model_list",
        method="GET",
        path="/api/exports/models",
        args=(),
        evidence="assumed",
        source="",
        summary="Exported models and their progress.",
        response="{models: [{model_id, model_activity_id, status, progress, storage_type, path}]}",
    ),
    Route(
        name="delete_exported_model",
        method="DELETE",
        path="/api/exports/models/{model_id}",
        args=(*_path("model_id"), *_query("model_activity_id")),
        evidence="assumed",
        source="",
        summary="Delete an exported model.",
        response=_ACK,
    ),
    Route(
        name="add_composite_model",
        method="POST",
        path="/api/models/composite",
        args=_body("name", "description", "dependencies", "rdu_required", "config_params", "app"),
        evidence="assumed",
        source="S1",
        summary="Bundle models into a composite model.",
        response="{model_id, status}",
        seed=False,
    ),
    Route(
        name="validate_spec_decoding",
        method="POST",
        path="/api/models/validate-spec-decoding",
        args=_body("target", "draft", "rdu_required", "dependencies"),
        evidence="assumed",
        source="S6",
        summary="Check that a draft model can speculate for a target model.",
        response="{valid, validations: [{level, message, reason}]}",
        safe_to_retry=True,
        seed=False,
    ),
    Route(
        name="validate_model_bundle",
        method="POST",
        path="/api/models/validate-model-bundle",
        args=_body("dependencies", "rdu_required"),
        evidence="assumed",
        source="S1",
        summary="Check that models can be bundled into a composite model on rdu_required RDUs.",
        response="{valid, validations: [{level, message, reason}]}",
        safe_to_retry=True,
        seed=False,
    ),
    # --------------------------------------------------------------------- apps
    Route(
        name="list_apps",
        method="GET",
        path="/api/apps",
        args=(),
        evidence="assumed",
        source="S3",
        summary="The ML apps.",
        response="{apps: [{id, name, ...}]}",
    ),
    Route(
        name="app_info",
        method="GET",
        path="/api/apps/{app}",
        args=_path("app"),
        evidence="assumed",
        source="S1",
        summary="One ML app, by name or id.",
        response="{apps: {id, name, ...}} (apps holds one object)",
    ),
    # ---------------------------------------------------------------- endpoints
    Route(
        name="list_endpoints",
        method="GET",
        path="/api/endpoints",
        args=_query("project"),
        evidence="assumed",
        source="S1",
        summary="The user's endpoints, in one project or in all.",
        response="{endpoints: [" + _ENDPOINT_OBJECT + "]}",
    ),
    Route(
        name="create_endpoint",
        method="POST",
        path=_PROJECT + "/endpoints",
        args=(
            Arg("project", "path"),
            *_body(
                "endpoint_name",
                "description",
                "model_checkpoint",
                "instances",
                "hyperparams",
                "rdu_arch",
            ),
            *_body("model_version", "inference_api_openai_compatible", required=False),
        ),
        evidence="assumed",
        source="S3",
        summary="Deploy a model to a new endpoint.",
        response=_ENDPOINT_OBJECT + " with status Deploying",
    ),
    Route(
        name="endpoint_info",
        method="GET",
        path=_ENDPOINT,
        args=_path("project", "endpoint"),
        evidence="assumed",
        source="S1",
        summary="The details and status of an endpoint; 404 when it does not exist.",
        response=_ENDPOINT_OBJECT,
    ),
    Route(
        name="endpoint_info_by_id",
        method="GET",
        path="/api/endpoints/{endpoint}",
        args=_path("endpoint"),
        evidence="assumed",
        source="S6",
        summary="An endpoint by id alone.",
        response=_ENDPOINT_OBJECT,
    ),
    Route(
        name="update_endpoint",
        method="PATCH",
        path=_ENDPOINT,
        args=(
            *_path("project", "endpoint"),
            *_body("description", "instances", "rdu_arch", required=False),
        ),
        evidence="assumed",
        source="S16",
        summary="Change an endpoint's description, instances or rdu_arch; instances > 0 restarts a "
        "stopped endpoint.",
        response=_ENDPOINT_OBJECT,
        safe_to_retry=True,
    ),
    Route(
        name="stop_endpoint",
        method="POST",
        path=_ENDPOINT + "/stop",
        args=_path("project", "endpoint"),
        evidence="assumed",
        source="S16",
        summary="Stop an endpoint without deleting it; stopping twice is harmless.",
        response=_ENDPOINT_OBJECT + " with status Stopped",
        safe_to_retry=True,
    ),
    Route(
        name="delete_endpoint",
        method="DELETE",
        path=_ENDPOINT,
        args=_path("project", "endpoint"),
        evidence="assumed",
        source="S1",
        summary="Delete an endpoint.",
        response=_ACK,
    ),
    Route(
        name="add_endpoint_api_key",
        method="POST",
        path="/api/projects/{project_id}/endpoints/{endpoint_id}/api-keys",
        args=(*_path("project_id", "endpoint_id"), *_body("api_key", "description")),
        evidence="assumed",
        source="S6",
        summary="Add an API key (chosen by the caller) to an endpoint.",
        response="{api_keys: [{api_key, description, status, time_created}]}",
    ),
    Route(
        name="edit_endpoint_api_key",
        method="PATCH",
        path="/api/projects/{project_id}/api-keys",
        args=(*_path("project_id"), *_body("api_key", "status", "description")),
        evidence="assumed",
        source="S6",
        summary="Change an endpoint API key's status (Active or Revoked) or description; the key "
        "travels in the body, never in the URL.",
        response="{api_key, description, status}",
        safe_to_retry=True,
    ),
    # ----------------------------------------------------------------- datasets
    Route(
        name="list_datasets",
        method="GET",
        path="/api/datasets",
        args=(),
        evidence="inferred",
        source="S4",
        summary="The datasets the user can see.",
        response="{datasets: [{id, dataset_name, status, job_types, apps, ...}]}",
    ),
    Route(
        name="search_dataset",
        method="GET",
        path="/api/datasets/search",
        args=_query("dataset_name", required=True),
        evidence="confirmed",
        source="S4",
        summary="Find a dataset's id by its name.",
        response="{data: {dataset_id}}",
    ),
    Route(
        name="dataset_info",
        method="GET",
        path="/api/datasets/{dataset}",
        args=_path("dataset"),
        evidence="confirmed",
        source="S4",
        summary="The details of a dataset, by name or id.",
        response="{data: {dataset_id, dataset_name, status, job_types, apps, ...}}",
    ),
    Route(
        name="delete_dataset",
        method="DELETE",
        path="/api/datasets/{dataset}",
        args=_path("dataset"),
        evidence="confirmed",
        source="S4",
        summary="Mark a dataset for deletion.",
        response=(
            "{detail: 'The Dataset: <id> was successfully marked for deletion from the Dataset "
            "Hub.'}"
        ),
    ),
    Route(
        name="add_dataset",
        method="POST",
        path="/api/datasets",
        args=_body(
            "dataset_name",
            "apps",
            "dataset_metadata",
            "description",
            "file_type",
            "url",
            "language",
            "job_type",
            "source",
        ),
        evidence="inferred",
        source="S3 S4 S14",
        summary="Register a dataset; apps is an object {ids: [...]} or {names: [...]}; source says "
        "where the bytes are: {source_type: localMachine, dataset_id, dataset_path} (an upload), "
        "{source_type: local, source_path} (a storage path) or {source_type: aws, bucket, "
        "folder, accessKeyId, secretAccessKey, region} (an S3 copy, status Importing until "
        "done). The source shapes are assumed: the aws fields are snapi's source file's (S8).",
        response="{id, dataset_name, status, ...}",
        legacy_response="{data: {dataset_id}}",
    ),
    # ------------------------------------------------------------------ uploads
    Route(
        name="generate_dataset_id",
        method="POST",
        path=_UPLOAD + "/dataset-id",
        args=(),
        evidence="assumed",
        source="S5",
        summary="Reserve a dataset id for an upload; a repeated call only reserves another.",
        response="{datasetId}",
        safe_to_retry=True,
    ),
    Route(
        name="generate_model_upload_id",
        method="POST",
        path=_UPLOAD + "/model-id",
        args=(),
        evidence="assumed",
        source="S5",
        summary="Reserve an id for the upload of a model checkpoint from the user's machine "
        "(snapi's import model create --source-type LOCAL). Modelled on generate_dataset_id, "
        "as SambaStudio's own checkpoint upload is not public: the rest of the upload flow "
        "takes this id as its datasetId, and import_model then names the uploaded folder "
        "(storage_type localMachine, import_path the datasetPath of create_folder_upload).",
        response="{datasetId}",
        safe_to_retry=True,
        seed=False,
    ),
    Route(
        name="create_folder_upload",
        method="POST",
        path=_UPLOAD + "/folder",
        args=(Arg("dataset_id", "body", "datasetId"), Arg("file_list", "body", "fileList")),
        evidence="assumed",
        source="S5",
        summary="Start the upload of a folder of files.",
        response="{folderId, datasetPath}",
    ),
    Route(
        name="create_multipart_file_upload",
        method="POST",
        path=_UPLOAD + "/multipart",
        args=(
            Arg("folder_id", "body", "folderId"),
            Arg("file_path", "body", "filePath"),
            Arg("chunk_size", "body", "chunkSize"),
            Arg("hash_algo", "body", "hashAlgo", required=False),
            Arg("hash_digest", "body", "hashDigest", required=False),
        ),
        evidence="assumed",
        source="S5",
        summary="Start the multipart upload of one file, with the crc32 digest of the whole file.",
        response="{uploadId, path}",
    ),
    Route(
        name="upload_part_file",
        method="PUT",
        path=_UPLOAD + "/file/{file_path}",
        args=(
            Arg("folder_id", "query", "folderId", required=True),
            Arg("file_path", "path", nested=True),
            Arg("part_number", "query", "partNumber", required=True),
            Arg("upload_id", "query", "uploadId", required=True),
            Arg("chunk_size", "local", required=False),
            Arg("file", "raw"),
        ),
        evidence="confirmed",
        source="S5",
        summary="Send one part as raw bytes; sending a part again replaces it.",
        response="{partNumber, size, crc32}",
    ),
    Route(
        name="get_file_upload_status",
        method="GET",
        path=_UPLOAD + "/status",
        args=(
            Arg("dataset_id", "query", "datasetId", required=True),
            Arg("upload_id", "query", "uploadId", required=True),
        ),
        evidence="assumed",
        source="S5",
        summary="Which parts of a file upload the server holds.",
        response="{uploadId, filePath, status, parts: [{partNumber, size, crc32}]}",
    ),
    Route(
        name="complete_multipart_file_upload",
        method="POST",
        path=_UPLOAD + "/multipart/complete",
        args=(
            Arg("folder_id", "body", "folderId"),
            Arg("file_path", "body", "filePath"),
            Arg("chunk_size", "body", "chunkSize"),
            Arg("upload_id", "body", "uploadId"),
            Arg("part_list", "body", "partList"),
        ),
        evidence="assumed",
        source="S5",
        summary="Assemble a file from its parts and check its digest; missing parts are refused.",
        response="{filePath, size, crc32, status: 'Completed'}",
        safe_to_retry=True,
    ),
    Route(
        name="complete_folder_upload",
        method="POST",
        path=_UPLOAD + "/folder/complete",
        args=(
            Arg("dataset_id", "body", "datasetId"),
            Arg("folder_id", "body", "folderId"),
            Arg("file_list", "body", "fileList"),
        ),
        evidence="assumed",
        source="S5",
        summary="Close a folder upload once every file is complete.",
        response="{datasetId, folderId, status: 'Completed'}",
        safe_to_retry=True,
    ),
    # -------------------------------------------------------- tenants and users
    Route(
        name="list_tenants",
        method="GET",
        path="/api/tenants",
        args=(),
        evidence="assumed",
        source="S1 S3",
        summary="The tenants the user belongs to.",
        response="{data: [{tenant_id, tenant_name, display_name, rdu_node_count, arch, ...}]}",
    ),
    Route(
        name="create_tenant",
        method="POST",
        path="/api/tenants",
        args=_body("tenant_name", "display_name", required=False),
        evidence="assumed",
        source="",
        summary="Create a tenant (admin).",
        response="{data: {tenant_id, tenant_name, ...}}",
        admin=True,
    ),
    Route(
        name="tenant_info",
        method="GET",
        path="/api/tenants/{tenant}",
        args=_path("tenant"),
        evidence="assumed",
        source="S1",
        summary="One tenant, by name or id.",
        response="{data: {tenant_id, tenant_name, time_created, time_updated, ...}}",
    ),
    Route(
        name="update_tenant",
        method="PATCH",
        path="/api/tenants/{tenant_name}",
        args=(
            *_path("tenant_name"),
            *_body("display_name", "rdu_node_count", "arch", required=False),
        ),
        evidence="assumed",
        source="",
        summary="Change a tenant's display name or RDU allocation (admin).",
        response="{data: {tenant_id, tenant_name, ...}}",
        admin=True,
        safe_to_retry=True,
    ),
    Route(
        name="delete_tenant",
        method="DELETE",
        path="/api/tenants/{tenant_name}",
        args=_path("tenant_name"),
        evidence="assumed",
        source="",
        summary="Delete a tenant (admin).",
        response="{data: {tenant_id, tenant_name, ...}}",
        admin=True,
    ),
    Route(
        name="tenant_default_tenant",
        method="GET",
        path="/api/v2/tenants:defaultTenant",
        args=(),
        evidence="inferred",
        source="N1",
        summary="The current user's default tenant (modern SnSdk calls it from its constructor).",
        response="{data: {tenant_id, tenant_name, ...}}",
    ),
    Route(
        name="list_users",
        method="GET",
        path="/api/users",
        args=(),
        evidence="assumed",
        source="",
        summary="The users of the tenants and organisation (admin).",
        response="{users: [{user_id, email, role, tenants, ...}]}",
        admin=True,
    ),
    Route(
        name="add_users",
        method="POST",
        path="/api/users",
        args=_body("users"),
        evidence="assumed",
        source="",
        summary="Add users: each entry {user_id, email?, role?, tenant?} (admin).",
        response="{users: [{user_id, ...}]}",
        admin=True,
    ),
    Route(
        name="delete_user",
        method="DELETE",
        path="/api/users/{user_id}",
        args=(*_path("user_id"), *_query("tenant")),
        evidence="assumed",
        source="",
        summary="Remove a user, from one tenant or altogether (admin).",
        response=_ACK,
        admin=True,
    ),
    Route(
        name="list_roles",
        method="GET",
        path="/api/roles",
        args=(),
        evidence="assumed",
        source="",
        summary="The roles users can hold (admin).",
        response="{roles: [{name, description, permissions}]}",
        admin=True,
    ),
    Route(
        name="login",
        method="POST",
        path="/api/login",
        args=(Arg("server", "local"), *_body("username", "password")),
        evidence="assumed",
        source="",
        summary="Exchange a username and password for an access key (server is the base URL).",
        response="{key}",
        auth="none",
    ),
    # ------------------------------------------------------------ miscellaneous
    Route(
        name="list_notifications",
        method="GET",
        path="/api/notifications",
        args=_query(
            "page",
            "limit",
            "levels",
            "archived",
            "type",
            "created_start",
            "created_end",
            "ordering",
            "all",
        ),
        evidence="assumed",
        source="",
        summary="The current user's notifications, one page at a time.",
        response=(
            "{notifications: [{id, level, type, message, archived, time_created}], "
            "page, limit, count, next_page}"
        ),
    ),
    Route(
        name="get_feature_list",
        method="GET",
        path="/api/features",
        args=(),
        evidence="assumed",
        source="",
        summary="The server's feature flags.",
        response="{features: [{name, enabled}]}",
    ),
    # ------------------------------------------------------------------ predict
    Route(
        name="nlp_predict",
        method="POST",
        path="/api/predict/nlp/{project}/{endpoint}",
        args=(
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("input", "body", "inputs"),
            Arg("params", "body", required=False),
            Arg("trace_id", "header", "trace-id", required=False),
        ),
        evidence="inferred",
        source="S11 S15",
        summary="V1 nlp predict: inputs is a list of strings, params {name: {type, value}}.",
        response="{data: [{completion, prompt_tokens_count, completion_tokens_count, "
        "total_tokens_count, stop_reason}]} (embedding models: data is a list of vectors)",
        auth="endpoint",
    ),
    Route(
        name="nlp_predict_stream",
        method="POST",
        path="/api/predict/nlp/stream/{project}/{endpoint}",
        args=(
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("input", "body", "inputs"),
            Arg("params", "body", required=False),
        ),
        evidence="confirmed",
        source="S11 S15",
        summary="V1 nlp stream: server-sent events whose data is JSON with stream_token; "
        "event 'error_event' on failure.",
        response="text/event-stream",
        auth="endpoint",
        streams=True,
        seed=False,
    ),
    Route(
        name="generic_predict",
        method="POST",
        path="/api/predict/generic/{project}/{endpoint}",
        args=(
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("instances", "body"),
            Arg("params", "body", required=False),
        ),
        evidence="confirmed",
        source="S11 S12 S15",
        summary="V1 generic predict.",
        response="{predictions: [{completion, prompt_tokens_count, completion_tokens_count, "
        "total_tokens_count, stop_reason}]}",
        auth="endpoint",
        seed=False,
    ),
    Route(
        name="generic_predict_stream",
        method="POST",
        path="/api/predict/generic/stream/{project}/{endpoint}",
        args=(
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("instance", "body"),
            Arg("params", "body", required=False),
        ),
        evidence="confirmed",
        source="S11 S12 S15",
        summary=(
            "V1 generic stream: JSON lines {result: {responses: [{stream_token, "
            "is_last_response, ...}]}}; a top-level 'error' key on failure."
        ),
        response="application/x-ndjson",
        auth="endpoint",
        streams=True,
        seed=False,
    ),
    Route(
        name="v2_predict",
        method="POST",
        path="/api/v2/predict/generic/{project}/{endpoint}",
        args=(
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("items", "body"),
            Arg("params", "body", required=False),
            Arg("options", "header", "ss-sn-options", required=False),
        ),
        evidence="confirmed",
        source="S12 S15",
        summary="V2 generic predict: items [{id, value}], params as plain values.",
        response="{items: [{id, value: {completion, prompt_tokens_count, completion_tokens_count, "
        "total_tokens_count}}]}",
        auth="endpoint",
        seed=False,
    ),
    Route(
        name="v2_predict_stream",
        method="POST",
        path="/api/v2/predict/generic/stream/{project}/{endpoint}",
        args=(
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("items", "body"),
            Arg("params", "body", required=False),
            Arg("options", "header", "ss-sn-options", required=False),
        ),
        evidence="confirmed",
        source="S12 S15",
        summary="V2 stream: JSON lines {result: {items: [{id, value: {stream_token, "
        "is_last_response, ...}}]}}.",
        response="application/x-ndjson",
        auth="endpoint",
        streams=True,
        seed=False,
    ),
    Route(
        name="nlp_predict_file",
        method="POST",
        path="/api/predict/file/{project}/{endpoint}",
        args=(
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("file_path", "multipart", "predict_file"),
        ),
        evidence="inferred",
        source="S10",
        summary="Predict on an uploaded file (multipart field predict_file).",
        response="{data: [...]}",
        auth="endpoint",
    ),
)

_SAMPLING = (
    "max_tokens",
    "temperature",
    "top_p",
    "top_k",
    "n",
    "stop",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "repetition_penalty",
    "logit_bias",
    "do_sample",
    "select_expert",
    "user",
    "stream",
    "stream_options",
)
OPENAI_PARAMS: Mapping[str, tuple[str, ...]] = {
    "chat/completions": (
        *_SAMPLING,
        "max_completion_tokens",
        "response_format",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "logprobs",
        "top_logprobs",
        "process_prompt",
    ),
    "completions": (*_SAMPLING, "echo", "best_of", "logprobs", "suffix"),
    "embeddings": ("model", "encoding_format", "dimensions", "user"),
    "models": (),
}
"""The optional body fields of each OpenAI-compatible operation: OpenAI's set and
SambaNova's own, as real clients send them (api-evidence.md §7.1)."""

_OPENAI_REQUIRED = {
    "chat/completions": ("model", "messages"),
    "completions": ("model", "prompt"),
    "embeddings": ("input",),
    "models": (),
}
_OPENAI_OPERATIONS = {
    "chat/completions": (
        "chat_completions",
        "Chat completions; stream=true answers SSE ending with 'data: [DONE]'.",
        "OpenAI chat.completion object; usage adds SambaNova's statistics",
    ),
    "completions": ("completions", "Text completions.", "OpenAI text_completion object"),
    "embeddings": (
        "embeddings",
        "Embeddings of the input texts (embedding models).",
        "{object: list, data: [{object: embedding, index, embedding}], model, usage}",
    ),
    "models": ("models", "The model the endpoint serves.", "{object: list, data: [{id, ...}]}"),
}
_OPENAI_FORMS = (
    # name prefix, base path, path args, {operation: (evidence, source)}
    (
        "openai_",
        "/v1/{endpoint_id}",
        ("endpoint_id",),
        {"chat/completions": ("confirmed", "S6 S12 S15"), "completions": ("confirmed", "S6")},
    ),
    (
        "openai_project_",
        "/openai/v1/{project}/{endpoint}",
        ("project", "endpoint"),
        {"chat/completions": ("confirmed", "S15 S17")},
    ),
    (
        "openai_v1_project_",
        "/v1/{project}/{endpoint}",
        ("project", "endpoint"),
        {"chat/completions": ("confirmed", "S15")},
    ),
)


def _openai_routes() -> Iterator[Route]:
    """Each OpenAI-compatible operation on each of the three URL forms in use (api-evidence
    §1.8, §7.1). Embeddings are inferred from the clients that call them; the model list
    is OpenAI's, assumed."""
    for prefix, base, path_args, known in _OPENAI_FORMS:
        for operation, (suffix, summary, response) in _OPENAI_OPERATIONS.items():
            default = ("assumed", "") if operation == "models" else ("inferred", "S12 S13")
            evidence, source = known.get(operation, default)
            yield Route(
                name=prefix + suffix,
                method="GET" if operation == "models" else "POST",
                path=f"{base}/{operation}",
                args=(
                    *_path(*path_args),
                    Arg("key", "header", "Authorization"),
                    *_body(*_OPENAI_REQUIRED[operation]),
                    *_body(*OPENAI_PARAMS[operation], required=False),
                ),
                evidence=evidence,  # type: ignore[arg-type]
                source=source,
                summary=f"OpenAI-compatible ({base}/...): {summary}",
                response=response,
                auth="bearer",
                seed=False,
            )


_ROUTE_LIST += tuple(_openai_routes())

ROUTES: Mapping[str, Route] = {route.name: route for route in _ROUTE_LIST}
"""Every operation by name; seed operations carry the ``SnSdk`` method's name."""


def route(name: str) -> Route:
    """The route of an operation, or a ``KeyError`` naming the unknown operation."""
    try:
        return ROUTES[name]
    except KeyError:
        raise KeyError(f"no route named {name!r} in the wire contract") from None


def seed_routes() -> Iterator[Route]:
    """The routes of the 74 methods of the flat ``SnSdk`` API."""
    return (r for r in _ROUTE_LIST if r.seed)
