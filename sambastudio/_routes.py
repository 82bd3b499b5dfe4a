"""The wire contract: one declarative entry per SambaStudio operation.

The object model, the ``SnSdk`` shim and the emulator all read this table, so a path that
turns out to be wrong on a real SambaStudio is corrected here, in one place. Every entry
says how sure we are of it (``evidence``) and where that knowledge comes from (``source``,
the ids of ../shared/reference/api-evidence.md). ``docs/wire-protocol.md`` is generated
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


@attrs.frozen
class Route:
    """One operation: its HTTP method, path template, arguments, and what is known of it."""

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
        unknown = set(values) - {arg.name for arg in self.args}
        if unknown:
            raise TypeError(f"{self.name}() got unexpected arguments: {sorted(unknown)}")
        path_values: dict[str, str] = {}
        query: dict[str, str | list[str]] = {}
        body: dict[str, Any] = {}
        headers: dict[str, str] = {}
        content: Body | None = None
        files: dict[str, tuple[str, IO[bytes]]] = {}
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
        has_body = any(arg.where == "body" for arg in self.args)
        return WireRequest(
            route=self,
            path=self.path.format(**path_values),
            query=query,
            json=body if has_body else None,
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
        "list_projects",
        "GET",
        "/api/projects",
        (),
        "inferred",
        "S4",
        "List the projects of the current tenant.",
        "{projects: [project object]}",
        "{count, items, page, limit: -1, data: {projects: [{project_name, project_id, ...}]}}",
    ),
    Route(
        "create_project",
        "POST",
        "/api/projects",
        _body("project_name", "description"),
        "confirmed",
        "S4",
        "Create a project.",
        _PROJECT_CURRENT,
        "{data: {project_id}}",
    ),
    Route(
        "search_project",
        "GET",
        "/api/projects/search",
        _query("project_name", required=True),
        "assumed",
        "S3",
        "Find a project's id by its name.",
        "{data: {project_id}}",
    ),
    Route(
        "project_info",
        "GET",
        _PROJECT,
        _path("project"),
        "confirmed",
        "S4",
        "The details of a project (name or id in the path).",
        _PROJECT_CURRENT,
        "{data: {project_id, project_name, description, status, ...}}",
    ),
    Route(
        "update_project",
        "PATCH",
        _PROJECT,
        (*_path("project"), *_body("name", "description", required=False)),
        "assumed",
        "",
        "Rename a project or change its description.",
        _PROJECT_CURRENT,
        "{data: {project_id, project_name, description, ...}}",
        safe_to_retry=True,
    ),
    Route(
        "delete_project",
        "DELETE",
        _PROJECT,
        _path("project"),
        "assumed",
        "S1",
        "Delete a project (its jobs and endpoints must be deleted first).",
        _ACK,
    ),
    # --------------------------------------------------------------------- jobs
    Route(
        "list_jobs",
        "GET",
        "/api/jobs",
        _query("project_id"),
        "assumed",
        "S1",
        "List the user's jobs, in one project or in all.",
        "{jobs: [flat job object], count}",
    ),
    Route(
        "create_job",
        "POST",
        _PROJECT + "/jobs",
        (
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
        "confirmed",
        "S4",
        "Create a train, evaluation or batch_predict job; hyperparams travel as a JSON string.",
        _JOB_OBJECT + " with status CREATED",
        "{data: {job_id, job_name, ...}}",
    ),
    Route(
        "search_job",
        "GET",
        _PROJECT + "/jobs/search",
        (*_path("project"), *_query("job_name", required=True)),
        "assumed",
        "S1",
        "Find a job's id by its name within a project.",
        "{data: {job_id}}",
    ),
    Route(
        "job_info",
        "GET",
        _JOB,
        (*_path("project", "job"), *_query("verbose")),
        "confirmed",
        "S4",
        "The details and status of a job.",
        "{data: flat job object}",
    ),
    Route(
        "update_job",
        "PATCH",
        _JOB,
        (*_path("project", "job"), *_body("name", "description", required=False)),
        "assumed",
        "",
        "Rename a job or change its description.",
        "{data: flat job object}",
        safe_to_retry=True,
    ),
    Route(
        "delete_job",
        "DELETE",
        _JOB,
        _path("project", "job"),
        "confirmed",
        "S4",
        "Delete a job.",
        _ACK,
    ),
    Route(
        "stop_job",
        "POST",
        _JOB + "/stop",
        _path("project", "job"),
        "assumed",
        "",
        "Stop a running job (status STOPPED); stopping twice is harmless.",
        "{data: flat job object}",
        safe_to_retry=True,
    ),
    Route(
        "resume_job",
        "POST",
        _PROJECT + "/jobs/{job_name}/resume",
        (
            Arg("job_type", "body"),
            *_path("project", "job_name"),
            *_body("hyperparams", "load_state"),
        ),
        "assumed",
        "",
        "Resume a stopped train job from its last checkpoint.",
        "{data: flat job object}",
    ),
    Route(
        "get_metrics",
        "GET",
        _JOB + "/metrics",
        (*_path("project", "job"), *_query("random_sample_limit")),
        "assumed",
        "",
        "Training metrics of a job.",
        "{data: {train_loss: [{step, value}], train_learning_rate: [...], ...}}",
    ),
    Route(
        "job_log_list",
        "GET",
        _JOB + "/logs",
        _path("project", "job"),
        "assumed",
        "",
        "The names of a job's log files.",
        "{logs: [{name, size}]}",
    ),
    Route(
        "job_log_preview",
        "GET",
        _JOB + "/logs/preview",
        (*_path("project", "job"), *_query("log_file", required=True)),
        "assumed",
        "",
        "The last lines of one log file.",
        "{name, preview: <text>}",
    ),
    Route(
        "download_job_artifacts",
        "GET",
        _JOB + "/{artifact_type}/download",
        (
            *_path("project", "job"),
            Arg("dest_dir", "local", required=False),
            Arg("artifact_type", "path"),
        ),
        "inferred",
        "S4",
        "A job's results or logs as a tar.gz archive (artifact_type 'results' or 'logs').",
        "application/gzip bytes",
        streams=True,
    ),
    Route(
        "download_logs",
        "GET",
        _JOB + "/logs/download",
        (*_path("project", "job"), Arg("dest_dir", "local", required=False)),
        "assumed",
        "",
        "A job's logs as a tar.gz archive.",
        "application/gzip bytes",
        streams=True,
    ),
    Route(
        "download_results",
        "GET",
        _JOB + "/results/download",
        (*_path("project", "job"), Arg("dest_dir", "local", required=False)),
        "confirmed",
        "S4",
        "A batch_predict job's results as a tar.gz archive; {detail: 'No results exists'} "
        "before there are any.",
        "application/gzip bytes",
        streams=True,
    ),
    Route(
        "list_exports",
        "GET",
        _JOB + "/exports",
        _path("project", "job"),
        "assumed",
        "",
        "Exports of a batch_predict job's results.",
        "{exports: [{export_id, status, storage_type, bucket, folder, time_created}]}",
    ),
    Route(
        "upload_results_to_aws",
        "POST",
        _JOB + "/exports/aws",
        (
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
        "assumed",
        "",
        "Copy a batch_predict job's results to an S3 bucket.",
        "{export_id, status}",
    ),
    Route(
        "admin_job_list",
        "GET",
        "/api/admin/jobs",
        (),
        "assumed",
        "",
        "Running jobs of all users (admin).",
        "{jobs: [flat job object]}",
        admin=True,
    ),
    Route(
        "admin_resource_usage",
        "GET",
        "/api/admin/resource-usage",
        (),
        "assumed",
        "",
        "Total and available RDUs (admin).",
        "{total_rdus, available_rdus, ...}",
        admin=True,
    ),
    # -------------------------------------------------------------- checkpoints
    Route(
        "list_checkpoints",
        "GET",
        _JOB + "/checkpoints",
        _path("project", "job"),
        "assumed",
        "S2",
        "The checkpoints a job wrote.",
        "{checkpoints: [{name, checkpoint_id, job_id, steps, "
        "metrics{single_value{train_loss, train_learning_rate}}, ...}]}",
        "{data: {checkpoints: [{checkpoint_name, checkpoint_id, ...}]}}",
    ),
    Route(
        "checkpoint_info",
        "GET",
        "/api/checkpoints/{checkpoint_name}",
        _path("checkpoint_name"),
        "assumed",
        "",
        "The details of a checkpoint, by its name '<job_id>-<step>'.",
        "checkpoint object",
    ),
    Route(
        "delete_checkpoint",
        "DELETE",
        "/api/checkpoints/{checkpoint}",
        _path("checkpoint"),
        "assumed",
        "S7",
        "Delete a checkpoint by its name.",
        _ACK,
    ),
    Route(
        "add_model",
        "POST",
        "/api/models",
        _body(
            "project",
            "model_checkpoint",
            "model_checkpoint_name",
            "job",
            "description",
            "checkpoint_type",
        ),
        "assumed",
        "S1",
        "Promote a checkpoint to a model.",
        "{data: {model_id}}",
    ),
    # ------------------------------------------------------------------- models
    Route(
        "list_models",
        "GET",
        "/api/models",
        _query("verbose"),
        "assumed",
        "S3",
        "The models the user can see.",
        "{models: [{model_id, model_checkpoint_name, status, jobTypes, app_id, ...}]}",
    ),
    Route(
        "search_model",
        "GET",
        "/api/models/search",
        _query("model_name", required=True),
        "assumed",
        "S1",
        "Find a model's id by its name.",
        "{data: {model_id}}",
    ),
    Route(
        "model_info",
        "GET",
        "/api/models/{model}",
        (*_path("model"), *_query("job_type")),
        "assumed",
        "S1",
        "The details of a model, with the hyperparameters of one job type.",
        "{model_id, model_checkpoint_name, type, status, "
        "hyperparams{<job_type>{<rdu_arch>{user_params, supports_speculative_decoding}}}, "
        "dependencies, config, params}",
    ),
    Route(
        "delete_model",
        "DELETE",
        "/api/models/{model}",
        _path("model"),
        "assumed",
        "S6",
        "Delete a model.",
        "{}",
    ),
    Route(
        "import_model",
        "POST",
        "/api/models/import",
        _body("model_id", "import_path", "import_model_name", "storage_type", "steps"),
        "assumed",
        "",
        "Import a model checkpoint from storage; progress via import_status.",
        "{model_id, status, progress, stage}",
    ),
    Route(
        "import_status",
        "GET",
        "/api/models/{model_id}/import/status",
        _path("model_id"),
        "assumed",
        "S6",
        "Progress of a model import.",
        "{model_id, status, progress, stage}",
        seed=False,
    ),
    Route(
        "export_model",
        "POST",
        "/api/models/{model_id}/export",
        (*_path("model_id"), *_body("storage_type")),
        "assumed",
        "",
        "Export a model (SambaNova-owned models cannot be exported).",
        "{model_id, model_activity_id, status, progress}",
    ),
    Route(
        "exported_model_list",
        "GET",
        "/api/exports/models",
        (),
        "assumed",
        "",
        "Exported models and their progress.",
        "{models: [{model_id, model_activity_id, status, progress, storage_type, path}]}",
    ),
    Route(
        "delete_exported_model",
        "DELETE",
        "/api/exports/models/{model_id}",
        (*_path("model_id"), *_query("model_activity_id")),
        "assumed",
        "",
        "Delete an exported model.",
        _ACK,
    ),
    Route(
        "add_composite_model",
        "POST",
        "/api/models/composite",
        _body("name", "description", "dependencies", "rdu_required", "config_params", "app"),
        "assumed",
        "S1",
        "Bundle models into a composite model.",
        "{model_id, status}",
        seed=False,
    ),
    Route(
        "validate_spec_decoding",
        "POST",
        "/api/models/validate-spec-decoding",
        _body("target", "draft", "rdu_required", "dependencies"),
        "assumed",
        "S6",
        "Check that a draft model can speculate for a target model.",
        "{valid, validations: [{level, message, reason}]}",
        safe_to_retry=True,
        seed=False,
    ),
    Route(
        "validate_model_bundle",
        "POST",
        "/api/models/validate-model-bundle",
        _body("dependencies", "rdu_required"),
        "assumed",
        "S1",
        "Check that models can be bundled into a composite model on rdu_required RDUs.",
        "{valid, validations: [{level, message, reason}]}",
        safe_to_retry=True,
        seed=False,
    ),
    # --------------------------------------------------------------------- apps
    Route(
        "list_apps",
        "GET",
        "/api/apps",
        (),
        "assumed",
        "S3",
        "The ML apps.",
        "{apps: [{id, name, ...}]}",
    ),
    Route(
        "app_info",
        "GET",
        "/api/apps/{app}",
        _path("app"),
        "assumed",
        "S1",
        "One ML app, by name or id.",
        "{apps: {id, name, ...}} (apps holds one object)",
    ),
    # ---------------------------------------------------------------- endpoints
    Route(
        "list_endpoints",
        "GET",
        "/api/endpoints",
        _query("project"),
        "assumed",
        "S1",
        "The user's endpoints, in one project or in all.",
        "{endpoints: [" + _ENDPOINT_OBJECT + "]}",
    ),
    Route(
        "create_endpoint",
        "POST",
        _PROJECT + "/endpoints",
        (
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
        "assumed",
        "S3",
        "Deploy a model to a new endpoint.",
        _ENDPOINT_OBJECT + " with status Deploying",
    ),
    Route(
        "endpoint_info",
        "GET",
        _ENDPOINT,
        _path("project", "endpoint"),
        "assumed",
        "S1",
        "The details and status of an endpoint; 404 when it does not exist.",
        _ENDPOINT_OBJECT,
    ),
    Route(
        "endpoint_info_by_id",
        "GET",
        "/api/endpoints/{endpoint}",
        _path("endpoint"),
        "assumed",
        "S6",
        "An endpoint by id alone.",
        _ENDPOINT_OBJECT,
    ),
    Route(
        "update_endpoint",
        "PATCH",
        _ENDPOINT,
        (
            *_path("project", "endpoint"),
            *_body("description", "instances", "rdu_arch", required=False),
        ),
        "assumed",
        "S16",
        "Change an endpoint's description, instances or rdu_arch; instances > 0 restarts a "
        "stopped endpoint.",
        _ENDPOINT_OBJECT,
        safe_to_retry=True,
    ),
    Route(
        "stop_endpoint",
        "POST",
        _ENDPOINT + "/stop",
        _path("project", "endpoint"),
        "assumed",
        "S16",
        "Stop an endpoint without deleting it; stopping twice is harmless.",
        _ENDPOINT_OBJECT + " with status Stopped",
        safe_to_retry=True,
    ),
    Route(
        "delete_endpoint",
        "DELETE",
        _ENDPOINT,
        _path("project", "endpoint"),
        "assumed",
        "S1",
        "Delete an endpoint.",
        _ACK,
    ),
    Route(
        "add_endpoint_api_key",
        "POST",
        "/api/projects/{project_id}/endpoints/{endpoint_id}/api-keys",
        (*_path("project_id", "endpoint_id"), *_body("api_key", "description")),
        "assumed",
        "S6",
        "Add an API key (chosen by the caller) to an endpoint.",
        "{api_keys: [{api_key, description, status, time_created}]}",
    ),
    Route(
        "edit_endpoint_api_key",
        "PATCH",
        "/api/projects/{project_id}/api-keys",
        (*_path("project_id"), *_body("api_key", "status", "description")),
        "assumed",
        "S6",
        "Change an endpoint API key's status (Active or Revoked) or description; the key "
        "travels in the body, never in the URL.",
        "{api_key, description, status}",
        safe_to_retry=True,
    ),
    # ----------------------------------------------------------------- datasets
    Route(
        "list_datasets",
        "GET",
        "/api/datasets",
        (),
        "inferred",
        "S4",
        "The datasets the user can see.",
        "{datasets: [{id, dataset_name, status, job_types, apps, ...}]}",
    ),
    Route(
        "search_dataset",
        "GET",
        "/api/datasets/search",
        _query("dataset_name", required=True),
        "confirmed",
        "S4",
        "Find a dataset's id by its name.",
        "{data: {dataset_id}}",
    ),
    Route(
        "dataset_info",
        "GET",
        "/api/datasets/{dataset}",
        _path("dataset"),
        "confirmed",
        "S4",
        "The details of a dataset, by name or id.",
        "{data: {dataset_id, dataset_name, status, job_types, apps, ...}}",
    ),
    Route(
        "delete_dataset",
        "DELETE",
        "/api/datasets/{dataset}",
        _path("dataset"),
        "confirmed",
        "S4",
        "Mark a dataset for deletion.",
        "{detail: 'The Dataset: <id> was successfully marked for deletion from the Dataset Hub.'}",
    ),
    Route(
        "add_dataset",
        "POST",
        "/api/datasets",
        _body(
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
        "inferred",
        "S3 S4 S14",
        "Register a dataset; apps is an object {ids: [...]} or {names: [...]}; source says "
        "where the bytes are: {source_type: localMachine, dataset_id, dataset_path} (an upload), "
        "{source_type: local, source_path} (a storage path) or {source_type: aws, bucket, "
        "folder, accessKeyId, secretAccessKey, region} (an S3 copy, status Importing until "
        "done). The source shapes are assumed: the aws fields are snapi's source file's (S8).",
        "{id, dataset_name, status, ...}",
        "{data: {dataset_id}}",
    ),
    # ------------------------------------------------------------------ uploads
    Route(
        "generate_dataset_id",
        "POST",
        _UPLOAD + "/dataset-id",
        (),
        "assumed",
        "S5",
        "Reserve a dataset id for an upload; a repeated call only reserves another.",
        "{datasetId}",
        safe_to_retry=True,
    ),
    Route(
        "create_folder_upload",
        "POST",
        _UPLOAD + "/folder",
        (Arg("dataset_id", "body", "datasetId"), Arg("file_list", "body", "fileList")),
        "assumed",
        "S5",
        "Start the upload of a folder of files.",
        "{folderId, datasetPath}",
    ),
    Route(
        "create_multipart_file_upload",
        "POST",
        _UPLOAD + "/multipart",
        (
            Arg("folder_id", "body", "folderId"),
            Arg("file_path", "body", "filePath"),
            Arg("chunk_size", "body", "chunkSize"),
            Arg("hash_algo", "body", "hashAlgo", required=False),
            Arg("hash_digest", "body", "hashDigest", required=False),
        ),
        "assumed",
        "S5",
        "Start the multipart upload of one file, with the crc32 digest of the whole file.",
        "{uploadId, path}",
    ),
    Route(
        "upload_part_file",
        "PUT",
        _UPLOAD + "/file/{file_path}",
        (
            Arg("folder_id", "query", "folderId", required=True),
            Arg("file_path", "path", nested=True),
            Arg("part_number", "query", "partNumber", required=True),
            Arg("upload_id", "query", "uploadId", required=True),
            Arg("chunk_size", "local", required=False),
            Arg("file", "raw"),
        ),
        "confirmed",
        "S5",
        "Send one part as raw bytes; sending a part again replaces it.",
        "{partNumber, size, crc32}",
    ),
    Route(
        "get_file_upload_status",
        "GET",
        _UPLOAD + "/status",
        (
            Arg("dataset_id", "query", "datasetId", required=True),
            Arg("upload_id", "query", "uploadId", required=True),
        ),
        "assumed",
        "S5",
        "Which parts of a file upload the server holds.",
        "{uploadId, filePath, status, parts: [{partNumber, size, crc32}]}",
    ),
    Route(
        "complete_multipart_file_upload",
        "POST",
        _UPLOAD + "/multipart/complete",
        (
            Arg("folder_id", "body", "folderId"),
            Arg("file_path", "body", "filePath"),
            Arg("chunk_size", "body", "chunkSize"),
            Arg("upload_id", "body", "uploadId"),
            Arg("part_list", "body", "partList"),
        ),
        "assumed",
        "S5",
        "Assemble a file from its parts and check its digest; missing parts are refused.",
        "{filePath, size, crc32, status: 'Completed'}",
        safe_to_retry=True,
    ),
    Route(
        "complete_folder_upload",
        "POST",
        _UPLOAD + "/folder/complete",
        (
            Arg("dataset_id", "body", "datasetId"),
            Arg("folder_id", "body", "folderId"),
            Arg("file_list", "body", "fileList"),
        ),
        "assumed",
        "S5",
        "Close a folder upload once every file is complete.",
        "{datasetId, folderId, status: 'Completed'}",
        safe_to_retry=True,
    ),
    # -------------------------------------------------------- tenants and users
    Route(
        "list_tenants",
        "GET",
        "/api/tenants",
        (),
        "assumed",
        "S1 S3",
        "The tenants the user belongs to.",
        "{data: [{tenant_id, tenant_name, display_name, rdu_node_count, arch, ...}]}",
    ),
    Route(
        "create_tenant",
        "POST",
        "/api/tenants",
        _body("tenant_name", "display_name", required=False),
        "assumed",
        "",
        "Create a tenant (admin).",
        "{data: {tenant_id, tenant_name, ...}}",
        admin=True,
    ),
    Route(
        "tenant_info",
        "GET",
        "/api/tenants/{tenant}",
        _path("tenant"),
        "assumed",
        "S1",
        "One tenant, by name or id.",
        "{data: {tenant_id, tenant_name, time_created, time_updated, ...}}",
    ),
    Route(
        "update_tenant",
        "PATCH",
        "/api/tenants/{tenant_name}",
        (*_path("tenant_name"), *_body("display_name", "rdu_node_count", "arch", required=False)),
        "assumed",
        "",
        "Change a tenant's display name or RDU allocation (admin).",
        "{data: {tenant_id, tenant_name, ...}}",
        admin=True,
        safe_to_retry=True,
    ),
    Route(
        "delete_tenant",
        "DELETE",
        "/api/tenants/{tenant_name}",
        _path("tenant_name"),
        "assumed",
        "",
        "Delete a tenant (admin).",
        "{data: {tenant_id, tenant_name, ...}}",
        admin=True,
    ),
    Route(
        "tenant_default_tenant",
        "GET",
        "/api/v2/tenants:defaultTenant",
        (),
        "inferred",
        "N1",
        "The current user's default tenant (modern SnSdk calls it from its constructor).",
        "{data: {tenant_id, tenant_name, ...}}",
    ),
    Route(
        "list_users",
        "GET",
        "/api/users",
        (),
        "assumed",
        "",
        "The users of the tenants and organisation (admin).",
        "{users: [{user_id, email, role, tenants, ...}]}",
        admin=True,
    ),
    Route(
        "add_users",
        "POST",
        "/api/users",
        _body("users"),
        "assumed",
        "",
        "Add users: each entry {user_id, email?, role?, tenant?} (admin).",
        "{users: [{user_id, ...}]}",
        admin=True,
    ),
    Route(
        "delete_user",
        "DELETE",
        "/api/users/{user_id}",
        (*_path("user_id"), *_query("tenant")),
        "assumed",
        "",
        "Remove a user, from one tenant or altogether (admin).",
        _ACK,
        admin=True,
    ),
    Route(
        "list_roles",
        "GET",
        "/api/roles",
        (),
        "assumed",
        "",
        "The roles users can hold (admin).",
        "{roles: [{name, description, permissions}]}",
        admin=True,
    ),
    Route(
        "login",
        "POST",
        "/api/login",
        (Arg("server", "local"), *_body("username", "password")),
        "assumed",
        "",
        "Exchange a username and password for an access key (server is the base URL).",
        "{key}",
        auth="none",
    ),
    # ------------------------------------------------------------ miscellaneous
    Route(
        "list_notifications",
        "GET",
        "/api/notifications",
        _query(
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
        "assumed",
        "",
        "The current user's notifications, one page at a time.",
        "{notifications: [{id, level, type, message, archived, time_created}], page, limit, "
        "count, next_page}",
    ),
    Route(
        "get_feature_list",
        "GET",
        "/api/features",
        (),
        "assumed",
        "",
        "The server's feature flags.",
        "{features: [{name, enabled}]}",
    ),
    # ------------------------------------------------------------------ predict
    Route(
        "nlp_predict",
        "POST",
        "/api/predict/nlp/{project}/{endpoint}",
        (
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("input", "body", "inputs"),
            Arg("params", "body", required=False),
            Arg("trace_id", "header", "trace-id", required=False),
        ),
        "inferred",
        "S11 S15",
        "V1 nlp predict: inputs is a list of strings, params {name: {type, value}}.",
        "{data: [{completion, prompt_tokens_count, completion_tokens_count, "
        "total_tokens_count, stop_reason}]} (embedding models: data is a list of vectors)",
        auth="endpoint",
    ),
    Route(
        "nlp_predict_stream",
        "POST",
        "/api/predict/nlp/stream/{project}/{endpoint}",
        (
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("input", "body", "inputs"),
            Arg("params", "body", required=False),
        ),
        "confirmed",
        "S11 S15",
        "V1 nlp stream: server-sent events whose data is JSON with stream_token; "
        "event 'error_event' on failure.",
        "text/event-stream",
        auth="endpoint",
        streams=True,
        seed=False,
    ),
    Route(
        "generic_predict",
        "POST",
        "/api/predict/generic/{project}/{endpoint}",
        (
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("instances", "body"),
            Arg("params", "body", required=False),
        ),
        "confirmed",
        "S11 S12 S15",
        "V1 generic predict.",
        "{predictions: [{completion, prompt_tokens_count, completion_tokens_count, "
        "total_tokens_count, stop_reason}]}",
        auth="endpoint",
        seed=False,
    ),
    Route(
        "generic_predict_stream",
        "POST",
        "/api/predict/generic/stream/{project}/{endpoint}",
        (
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("instance", "body"),
            Arg("params", "body", required=False),
        ),
        "confirmed",
        "S11 S12 S15",
        "V1 generic stream: JSON lines {result: {responses: [{stream_token, is_last_response, "
        "...}]}}; a top-level 'error' key on failure.",
        "application/x-ndjson",
        auth="endpoint",
        streams=True,
        seed=False,
    ),
    Route(
        "v2_predict",
        "POST",
        "/api/v2/predict/generic/{project}/{endpoint}",
        (
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("items", "body"),
            Arg("params", "body", required=False),
            Arg("options", "header", "ss-sn-options", required=False),
        ),
        "confirmed",
        "S12 S15",
        "V2 generic predict: items [{id, value}], params as plain values.",
        "{items: [{id, value: {completion, prompt_tokens_count, completion_tokens_count, "
        "total_tokens_count}}]}",
        auth="endpoint",
        seed=False,
    ),
    Route(
        "v2_predict_stream",
        "POST",
        "/api/v2/predict/generic/stream/{project}/{endpoint}",
        (
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("items", "body"),
            Arg("params", "body", required=False),
            Arg("options", "header", "ss-sn-options", required=False),
        ),
        "confirmed",
        "S12 S15",
        "V2 stream: JSON lines {result: {items: [{id, value: {stream_token, "
        "is_last_response, ...}}]}}.",
        "application/x-ndjson",
        auth="endpoint",
        streams=True,
        seed=False,
    ),
    Route(
        "nlp_predict_file",
        "POST",
        "/api/predict/file/{project}/{endpoint}",
        (
            *_path("project", "endpoint"),
            Arg("key", "header"),
            Arg("file_path", "multipart", "predict_file"),
        ),
        "inferred",
        "S10",
        "Predict on an uploaded file (multipart field predict_file).",
        "{data: [...]}",
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
                prefix + suffix,
                "GET" if operation == "models" else "POST",
                f"{base}/{operation}",
                (
                    *_path(*path_args),
                    Arg("key", "header", "Authorization"),
                    *_body(*_OPENAI_REQUIRED[operation]),
                    *_body(*OPENAI_PARAMS[operation], required=False),
                ),
                evidence,  # type: ignore[arg-type]
                source,
                f"OpenAI-compatible ({base}/...): {summary}",
                response,
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
