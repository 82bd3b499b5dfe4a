"""The typed resources of the object model, one module per kind (see ``sambastudio._base``).

The names below load on first use (PEP 562): ``from sambastudio.resources import Project``
imports the projects module and what it needs, not every kind's pydantic models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sambastudio.resources.admin import Admin, Feature, ResourceUsage, TenantUsage
    from sambastudio.resources.api_keys import ApiKey, EndpointApiKeys
    from sambastudio.resources.apps import App, Apps
    from sambastudio.resources.chat import ChatChunk, ChatCompletion, ChatStream
    from sambastudio.resources.checkpoints import Checkpoint, CheckpointMetrics, Checkpoints
    from sambastudio.resources.datasets import Dataset, Datasets, S3Source
    from sambastudio.resources.endpoints import (
        Endpoint,
        Endpoints,
        EndpointTarget,
        ProjectEndpoints,
    )
    from sambastudio.resources.jobs import (
        Job,
        JobExports,
        JobLogs,
        JobMetrics,
        Jobs,
        LogFile,
        MetricPoint,
        ProjectJobs,
        ResultsExport,
    )
    from sambastudio.resources.models import (
        BundleCheck,
        HyperparamSpec,
        Model,
        ModelExport,
        ModelExports,
        ModelImport,
        Models,
        SpecDecodingCheck,
    )
    from sambastudio.resources.notifications import Notification, Notifications
    from sambastudio.resources.predictions import Prediction
    from sambastudio.resources.projects import Project, Projects
    from sambastudio.resources.streaming import TokenStream
    from sambastudio.resources.tenants import Tenant, Tenants
    from sambastudio.resources.usage import Usage
    from sambastudio.resources.users import Role, Roles, User, Users

_MODULES: dict[str, tuple[str, ...]] = {
    "admin": ("Admin", "Feature", "ResourceUsage", "TenantUsage"),
    "api_keys": ("ApiKey", "EndpointApiKeys"),
    "apps": ("App", "Apps"),
    "chat": ("ChatChunk", "ChatCompletion", "ChatStream"),
    "checkpoints": ("Checkpoint", "CheckpointMetrics", "Checkpoints"),
    "datasets": ("Dataset", "Datasets", "S3Source"),
    "endpoints": ("Endpoint", "EndpointTarget", "Endpoints", "ProjectEndpoints"),
    "jobs": (
        "Job",
        "JobExports",
        "JobLogs",
        "JobMetrics",
        "Jobs",
        "LogFile",
        "MetricPoint",
        "ProjectJobs",
        "ResultsExport",
    ),
    "models": (
        "BundleCheck",
        "HyperparamSpec",
        "Model",
        "ModelExport",
        "ModelExports",
        "ModelImport",
        "Models",
        "SpecDecodingCheck",
    ),
    "notifications": ("Notification", "Notifications"),
    "predictions": ("Prediction",),
    "projects": ("Project", "Projects"),
    "streaming": ("TokenStream",),
    "tenants": ("Tenant", "Tenants"),
    "usage": ("Usage",),
    "users": ("Role", "Roles", "User", "Users"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'sambastudio.resources' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"sambastudio.resources.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Admin",
    "ApiKey",
    "App",
    "Apps",
    "BundleCheck",
    "ChatChunk",
    "ChatCompletion",
    "ChatStream",
    "Checkpoint",
    "CheckpointMetrics",
    "Checkpoints",
    "Dataset",
    "Datasets",
    "Endpoint",
    "EndpointApiKeys",
    "EndpointTarget",
    "Endpoints",
    "Feature",
    "HyperparamSpec",
    "Job",
    "JobExports",
    "JobLogs",
    "JobMetrics",
    "Jobs",
    "LogFile",
    "MetricPoint",
    "Model",
    "ModelExport",
    "ModelExports",
    "ModelImport",
    "Models",
    "Notification",
    "Notifications",
    "Prediction",
    "Project",
    "ProjectEndpoints",
    "ProjectJobs",
    "Projects",
    "ResourceUsage",
    "ResultsExport",
    "Role",
    "Roles",
    "S3Source",
    "SpecDecodingCheck",
    "Tenant",
    "TenantUsage",
    "Tenants",
    "TokenStream",
    "Usage",
    "User",
    "Users",
]
