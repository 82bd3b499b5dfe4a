"""The typed resources of the object model, one module per kind (see ``sambastudio._base``)."""

from sambastudio.resources.admin import Admin, Feature, ResourceUsage, TenantUsage
from sambastudio.resources.api_keys import ApiKey, EndpointApiKeys
from sambastudio.resources.apps import App, Apps
from sambastudio.resources.chat import ChatChunk, ChatCompletion, ChatStream
from sambastudio.resources.checkpoints import Checkpoint, CheckpointMetrics, Checkpoints
from sambastudio.resources.datasets import Dataset, Datasets, S3Source
from sambastudio.resources.endpoints import Endpoint, Endpoints, EndpointTarget, ProjectEndpoints
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
