"""Where each ``SnSdk`` method went in the object model, and the warning that says so.

``MIGRATION`` is data: docs/migration.md is generated from it, and the warning text of every
shim method comes from it, so the two never disagree.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Mapping
from types import MappingProxyType

SILENCE_ENV = "SAMBASTUDIO_SILENCE_DEPRECATION"
"""Set to ``1`` (or ``true``/``yes``) to silence every shim deprecation warning."""

_UPLOAD = "client.datasets.create(name=..., path=..., ...) (uploads the files itself)"

MIGRATION: Mapping[str, str] = MappingProxyType(
    {
        # projects
        "list_projects": "client.projects.list()",
        "create_project": "client.projects.create(name=..., description=...)",
        "search_project": "client.projects.get(name)",
        "project_info": "client.projects.get(name_or_id)",
        "update_project": "project.update(name=..., description=...)",
        "delete_project": "project.delete()",
        # jobs
        "list_jobs": "project.jobs.list() or client.jobs.list()",
        "create_job": (
            "project.jobs.create(type=..., name=..., model=..., dataset=..., hyperparams={...})"
        ),
        "search_job": "project.jobs.get(name)",
        "job_info": "project.jobs.get(name_or_id) or job.refresh()",
        "update_job": "job.update(name=..., description=...)",
        "delete_job": "job.delete()",
        "stop_job": "job.stop()",
        "resume_job": "job.resume()",
        "get_metrics": "job.metrics()",
        "job_log_list": "job.logs.list()",
        "job_log_preview": "job.logs.preview(name)",
        "download_results": "job.download_results(dest)",
        "download_logs": "job.download_logs(dest)",
        "download_job_artifacts": "job.download_artifacts(dest, kind=...)",
        "list_exports": "job.exports.list()",
        "upload_results_to_aws": "job.export_to_s3(bucket=..., folder=..., ...)",
        "admin_job_list": "client.admin.jobs()",
        "admin_resource_usage": "client.admin.resource_usage()",
        # checkpoints
        "list_checkpoints": "job.checkpoints.list()",
        "checkpoint_info": "job.checkpoints.get(name)",
        "delete_checkpoint": "checkpoint.delete()",
        "add_model": "checkpoint.promote(name=..., description=...)",
        # models
        "list_models": "client.models.list()",
        "search_model": "client.models.get(name)",
        "model_info": "client.models.get(name_or_id).info(job_type=...)",
        "delete_model": "model.delete()",
        "import_model": "client.models.import_model(...)",
        "import_status": "model.import_status()",
        "export_model": "model.export(storage_type=...)",
        "exported_model_list": "client.models.exports()",
        "delete_exported_model": "export.delete()",
        "add_composite_model": "client.models.create_composite(name=..., dependencies=[...])",
        "validate_spec_decoding": "client.models.validate_spec_decoding(target=..., draft=...)",
        "validate_model_bundle": "client.models.validate_bundle(dependencies=[...], ...)",
        # apps
        "list_apps": "client.apps.list()",
        "app_info": "client.apps.get(name_or_id)",
        # endpoints and their API keys
        "list_endpoints": "project.endpoints.list() or client.endpoints.list()",
        "create_endpoint": "project.endpoints.create(name=..., model=..., instances=...)",
        "endpoint_info": "project.endpoints.get(name_or_id)",
        "endpoint_info_by_id": "client.endpoints.get(endpoint_id)",
        "update_endpoint": "endpoint.update(description=..., instances=...)",
        "stop_endpoint": "endpoint.stop()",
        "delete_endpoint": "endpoint.delete()",
        "add_endpoint_api_key": "endpoint.api_keys.create(description=..., key=...)",
        "edit_endpoint_api_key": "key.revoke() or key.update(description=...)",
        "nlp_predict": "endpoint.predict(input)",
        "nlp_predict_file": "endpoint.predict_file(path)",
        # datasets and uploads
        "list_datasets": "client.datasets.list()",
        "search_dataset": "client.datasets.get(name)",
        "dataset_info": "client.datasets.get(name_or_id)",
        "delete_dataset": "dataset.delete()",
        "add_dataset": "client.datasets.create(name=..., path=..., apps=[...], job_types=[...])",
        "generate_dataset_id": _UPLOAD,
        "create_folder_upload": _UPLOAD,
        "create_multipart_file_upload": _UPLOAD,
        "upload_part_file": _UPLOAD,
        "get_file_upload_status": _UPLOAD,
        "complete_multipart_file_upload": _UPLOAD,
        "complete_folder_upload": _UPLOAD,
        # tenants, users, roles
        "list_tenants": "client.tenants.list()",
        "create_tenant": "client.tenants.create(name=...)",
        "tenant_info": "client.tenants.get(name_or_id)",
        "update_tenant": "tenant.update(...)",
        "delete_tenant": "tenant.delete()",
        "tenant_default_tenant": "client.tenants.default()",
        "list_users": "client.users.list()",
        "add_users": "client.users.add_many([...]) or client.users.add(user_id, ...)",
        "delete_user": "user.delete()",
        "list_roles": "client.roles.list()",
        "login": "Client.login(host_url, username=..., password=...)",
        # miscellaneous
        "list_notifications": "client.notifications.list(levels=[...])",
        "get_feature_list": "client.features()",
    }
)


class SnSdkDeprecationWarning(DeprecationWarning):
    """An ``SnSdk`` method was called; the message names its object-model replacement."""


_warned: set[str] = set()
_lock = threading.Lock()


def _silenced() -> bool:
    return os.environ.get(SILENCE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def warn_deprecated(method: str, *, stacklevel: int) -> None:
    """Warn once per process that ``SnSdk.<method>`` is deprecated.

    ``stacklevel=1`` is the function calling this one; pass the depth of the user's line,
    so the warning points there and the usual warning filters apply.
    """
    if method in _warned or _silenced():
        return
    with _lock:
        if method in _warned:
            return
        _warned.add(method)
    warnings.warn(
        f"SnSdk.{method} is deprecated; use {MIGRATION[method]} (see docs/migration.md)",
        SnSdkDeprecationWarning,
        stacklevel=stacklevel + 1,
    )


def reset_warnings() -> None:
    """Forget which methods have warned (for tests)."""
    with _lock:
        _warned.clear()
