"""sambastudio: a typed Python SDK for SambaNova SambaStudio.

``Client`` is the object model new code uses; ``SnSdk`` keeps scripts written for the flat
legacy API working; ``sambastudio.emulator`` is a local SambaStudio for tests and demos.

Importing the package is cheap: the names below load on first use (PEP 562), so that the
``sambastudio.testing`` pytest plugin, which pytest loads in every run once the package is
installed, costs nothing to projects that do not use it.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

from sambastudio._version import __version__

if TYPE_CHECKING:
    from sambastudio import errors
    from sambastudio._client import Client
    from sambastudio._limits import Limits
    from sambastudio._pagination import Pager
    from sambastudio._response import APIResponse
    from sambastudio.compat import SnSdk
    from sambastudio.errors import (
        AmbiguousNameError,
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        ArchiveLimitError,
        ArgumentTypeError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        EndpointFailed,
        InternalServerError,
        InvalidArgumentError,
        JobFailed,
        LimitExceededError,
        NameNotFoundError,
        NotFoundError,
        PathArgumentError,
        PermissionDeniedError,
        RateLimitError,
        ResourceFailed,
        SambaStudioError,
        UnexpectedResponseError,
        UnprocessableEntityError,
        UnsafeArchiveError,
        UploadError,
        WaitTimeout,
    )
    from sambastudio.resources import (
        ApiKey,
        App,
        Checkpoint,
        Dataset,
        Endpoint,
        Job,
        Model,
        ModelExport,
        ModelImport,
        Notification,
        Prediction,
        Project,
        Role,
        S3Source,
        Tenant,
        User,
    )


@functools.cache
def _exports() -> dict[str, str]:
    """Each lazily exported name and the module that defines it."""
    modules = {
        "sambastudio._client": ("Client",),
        "sambastudio._limits": ("Limits",),
        "sambastudio._pagination": ("Pager",),
        "sambastudio._response": ("APIResponse",),
        "sambastudio.compat": ("SnSdk",),
        "sambastudio.errors": tuple(name for name in __all__ if _is_error(name)),
        "sambastudio.resources": (
            "ApiKey",
            "App",
            "Checkpoint",
            "Dataset",
            "Endpoint",
            "Job",
            "Model",
            "ModelExport",
            "ModelImport",
            "Notification",
            "Prediction",
            "Project",
            "Role",
            "S3Source",
            "Tenant",
            "User",
        ),
    }
    return {name: module for module, names in modules.items() for name in names}


def _is_error(name: str) -> bool:
    return name.endswith(("Error", "Failed", "Timeout"))


def __getattr__(name: str) -> Any:
    if name == "errors":
        value: Any = importlib.import_module("sambastudio.errors")
    elif name in _exports():
        value = getattr(importlib.import_module(_exports()[name]), name)
    else:
        raise AttributeError(f"module 'sambastudio' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AmbiguousNameError",
    "ApiKey",
    "App",
    "ArchiveLimitError",
    "ArgumentTypeError",
    "AuthenticationError",
    "BadRequestError",
    "Checkpoint",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "Dataset",
    "Endpoint",
    "EndpointFailed",
    "InternalServerError",
    "InvalidArgumentError",
    "Job",
    "JobFailed",
    "LimitExceededError",
    "Limits",
    "Model",
    "ModelExport",
    "ModelImport",
    "NameNotFoundError",
    "NotFoundError",
    "Notification",
    "Pager",
    "PathArgumentError",
    "PermissionDeniedError",
    "Prediction",
    "Project",
    "RateLimitError",
    "ResourceFailed",
    "Role",
    "S3Source",
    "SambaStudioError",
    "SnSdk",
    "Tenant",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "UnsafeArchiveError",
    "UploadError",
    "User",
    "WaitTimeout",
    "__version__",
    "errors",
]
