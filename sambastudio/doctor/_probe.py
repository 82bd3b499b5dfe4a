"""Probing read-only operations: ids from list answers, candidates in order, answer shapes.

A path exists when the host answers anything but its generic "no such path" (404 or 405
with ``Not Found``/``Method Not Allowed``): a 404 that names a missing resource, a 403 or
a 400 all mean the path is served. An answer's shape is checked by parsing it into the
SDK's model the way the object model does; when it parses only below one key, that key
is the operation's ``answer`` override.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from sambastudio._collection import Collection
from sambastudio._declaration import declaration
from sambastudio._envelopes import list_of, object_of
from sambastudio._routes import ROUTES, Route
from sambastudio.errors import SambaStudioError
from sambastudio.resources.apps import Apps
from sambastudio.resources.checkpoints import Checkpoints
from sambastudio.resources.datasets import Datasets
from sambastudio.resources.endpoints import Endpoints, ProjectEndpoints
from sambastudio.resources.jobs import ProjectJobs
from sambastudio.resources.models import Models
from sambastudio.resources.projects import Projects
from sambastudio.resources.tenants import Tenants
from sambastudio.resources.users import Users

_COLLECTIONS: Final[tuple[type[Collection[Any]], ...]] = (
    Projects,
    ProjectJobs,
    Checkpoints,
    Models,
    Apps,
    Datasets,
    Tenants,
    Users,
    ProjectEndpoints,
    Endpoints,
)
_GENERIC: Final = frozenset({"not found", "method not allowed", "404 page not found", ""})
_ENVELOPE: Final = frozenset({"status_code", "headers", "detail", "message", "code", "details"})

NOT_PROBED: Final[Mapping[str, str]] = {
    "get_file_upload_status": "needs an upload in progress",
}
"""Read-only operations the doctor cannot probe, and why."""

ORDER: Final = (
    "list_projects",
    "list_jobs",
    "list_checkpoints",
    "job_log_list",
    "list_models",
    "list_apps",
    "list_endpoints",
    "list_datasets",
    "list_tenants",
    "list_users",
)
"""Lists first: their answers give the ids the other probes need."""

_HARVEST: Final[Mapping[str, tuple[str, Mapping[str, tuple[str, ...]]]]] = {
    "list_projects": (
        "projects",
        {"project": ("id", "project_id"), "project_name": ("name", "project_name")},
    ),
    "list_jobs": ("jobs", {"job": ("job_id", "id"), "job_name": ("job_name", "name")}),
    "list_checkpoints": ("checkpoints", {"checkpoint_name": ("name", "checkpoint_name")}),
    "job_log_list": ("logs", {"log_file": ("name",)}),
    "list_models": (
        "models",
        {"model": ("model_id", "id"), "model_name": ("model_checkpoint_name", "name")},
    ),
    "list_apps": ("apps", {"app": ("id", "app_id")}),
    "list_endpoints": ("endpoints", {"endpoint": ("id", "endpoint_id")}),
    "list_datasets": (
        "datasets",
        {"dataset": ("id", "dataset_id"), "dataset_name": ("dataset_name", "name")},
    ),
    "list_tenants": ("tenants", {"tenant": ("tenant_id", "id")}),
}
"""Which ids each list answer gives, and under which fields its items carry them."""

_SOURCES: Final = {
    "project_id": "project",
    "model_id": "model",
    "endpoint_id": "endpoint",
}
"""Arguments named after the id they take."""
_FIXED: Final = {"artifact_type": "results"}


def read_only() -> list[str]:
    """Every operation that only reads, lists first."""
    names = [r.name for r in ROUTES.values() if r.method == "GET" and r.auth == "platform"]
    return [*(n for n in ORDER if n in names), *(n for n in names if n not in ORDER)]


def arguments(route: Route, ids: Mapping[str, str]) -> dict[str, str] | str:
    """The values to probe ``route`` with, or why there are none."""
    values: dict[str, str] = {}
    scoped = _scope_arguments(route.name)
    for arg in route.args:
        if not ((arg.required and arg.where in ("path", "query")) or arg.name in scoped):
            continue
        source = _SOURCES.get(arg.name, arg.name)
        value = _FIXED.get(arg.name) or ids.get(source)
        if value is None:
            if arg.required:
                return f"no {source.replace('_', ' ')} on this host to probe with"
            continue
        values[arg.name] = value
    return values


def _scope_arguments(operation: str) -> frozenset[str]:
    """The arguments a collection lists ``operation`` with to stay inside its parents (a
    project's jobs: ``project_id``), optional ones too: the ids the doctor harvests from
    the answer then belong together, as the SDK's own lists would send them."""
    return frozenset(
        argument
        for declared in map(declaration, _COLLECTIONS)
        if declared.routes.list == operation
        for argument in declared.scope.list_args
    )


def harvest(operation: str, body: Any, ids: dict[str, str]) -> None:
    """Take the first item's ids from a list answer."""
    if operation not in _HARVEST:
        return
    key, fields = _HARVEST[operation]
    try:
        items = list_of(body, key)
    except SambaStudioError:
        return
    first = next((item for item in items if isinstance(item, Mapping)), None)
    if first is None:
        return
    for name, candidates in fields.items():
        value = next((first[f] for f in candidates if first.get(f) not in (None, "")), None)
        if value is not None:
            ids.setdefault(name, str(value))


def is_generic_miss(status: int, body: Any) -> bool:
    """Whether an error answer is the host's "no such path" rather than the route's own."""
    if status not in (404, 405):
        return False
    if not isinstance(body, Mapping):
        return True
    words = body.get("detail", body.get("message", ""))
    return isinstance(words, str) and words.strip().lower() in _GENERIC


def _parses(operation: str, body: Any) -> bool | None:
    for collection in _COLLECTIONS:
        declared = declaration(collection)
        routes, model = declared.routes, declared.model
        if routes.list == operation:
            for item in list_of(body, routes.list_key):
                model.model_validate(item)
            return True
        if routes.info == operation:
            model.model_validate(object_of(body, routes.info_key))
            return True
        if routes.search == operation:
            data = object_of(body)
            return routes.search_key in data or isinstance(body.get(routes.search_key), str)
    return None


def shape_of(operation: str, body: Any) -> bool:
    """Whether ``body`` is what the SDK expects of ``operation``."""
    try:
        parsed = _parses(operation, body)
    except (SambaStudioError, ValueError, AttributeError):
        return False
    return isinstance(body, (Mapping, list)) if parsed is None else parsed


def answer_key(operation: str, body: Any) -> str | None:
    """The one key under which an answer that does not parse would parse."""
    if not isinstance(body, Mapping):
        return None
    keys = [key for key in body if key not in _ENVELOPE and isinstance(body[key], (Mapping, list))]
    if len(keys) == 1 and shape_of(operation, body[keys[0]]):
        return str(keys[0])
    return None


def with_answer(route: Route, key: str) -> Route:
    return attrs.evolve(route, answer=key)
