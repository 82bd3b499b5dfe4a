"""What the SDK shows of each kind of resource: a card's fields and a table's columns.

These are allow-lists: a field not named here is never shown, so a secret (an endpoint's
API keys, an ``ApiKey``'s value, a password) cannot reach a notebook, a table or a data
frame by being added to a model later. Values stay typed here (datetimes, floats); the HTML
(``sambastudio._display``) and data frames (``sambastudio._frames``) format them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from sambastudio._redact import is_secret_field
from sambastudio._wait_progress import percent_done

CARDS: Mapping[str, tuple[str, ...]] = {
    "job": (
        "job_type",
        "status",
        "progress",
        "status_message",
        "model_checkpoint",
        "rdu_arch",
        "created_at",
        "updated_at",
        "duration",
        "id",
        "project_id",
    ),
    "endpoint": (
        "status",
        "url",
        "model_id",
        "instances",
        "rdu_arch",
        "openai_compatible",
        "api_keys",
        "created_at",
        "id",
        "project_id",
    ),
    "API key": ("id", "description", "status"),
    "checkpoint": ("steps", "train_loss", "learning_rate", "created_at", "job_id", "id"),
    "model": ("status", "composition", "job_types", "version", "description", "created_at", "id"),
    "dataset": ("status", "job_types", "path", "description", "created_at", "id"),
    "project": ("status", "description", "created_at", "id"),
    "model import": ("status", "progress", "stage", "id"),
    "model export": ("status", "progress", "model_id", "storage_type", "path", "id"),
    "user": ("role", "email", "tenants", "default_tenant", "id"),
    "tenant": ("display_name", "arch", "rdu_node_count", "users_count", "id"),
    "app": ("description", "id"),
}
"""A resource's card: the fields under its name, in order (empty ones are left out)."""

COLUMNS: Mapping[str, tuple[str, ...]] = {
    "job": ("name", "job_type", "status", "progress", "created_at", "duration"),
    "endpoint": ("name", "status", "url", "instances", "rdu_arch", "created_at"),
    "API key": ("id", "description", "status"),
    "checkpoint": ("name", "steps", "train_loss", "learning_rate", "created_at"),
    "model": ("name", "status", "composition", "job_types", "version"),
    "dataset": ("name", "status", "job_types", "created_at"),
    "project": ("name", "status", "description", "created_at"),
    "model import": ("id", "status", "progress", "stage"),
    "model export": ("id", "model_id", "status", "progress"),
    "user": ("id", "role", "email", "tenants"),
    "tenant": ("name", "display_name", "arch", "rdu_node_count"),
    "app": ("name", "description"),
}
"""A table of resources of one kind: its columns."""


def _duration(resource: Any) -> timedelta | None:
    """From creation to the last update: how long a job that has ended ran."""
    start, end = getattr(resource, "created_at", None), getattr(resource, "updated_at", None)
    return end - start if start is not None and end is not None and end >= start else None


def _api_keys(resource: Any) -> str | None:
    """How many keys an endpoint has, never the keys."""
    keys = getattr(resource, "listed_keys", None)
    if not keys:
        return None
    active = sum(1 for key in keys if getattr(key, "is_active", False))
    return f"{len(keys)} ({active} active)"


def _metric(name: str) -> Callable[[Any], Any]:
    def value(resource: Any) -> Any:
        metrics = getattr(resource, "metrics", None)
        get = getattr(metrics, "get", None)
        return get(name) if callable(get) else None

    return value


DERIVED: Mapping[str, Callable[[Any], Any]] = {
    "progress": percent_done,
    "duration": _duration,
    "api_keys": _api_keys,
    "train_loss": _metric("train_loss"),
    "learning_rate": _metric("train_learning_rate"),
}
"""Fields that are computed from a resource rather than read from it."""


def field_value(item: Any, name: str) -> Any:
    """The value shown for ``name``: derived, an attribute, or a mapping's entry."""
    if is_secret_field(name):
        return None
    if name in DERIVED:
        return DERIVED[name](item)
    if isinstance(item, Mapping):
        return item.get(name)
    return getattr(item, name, None)


def _default_fields(item: Any) -> tuple[str, ...]:
    """What a kind without a view shows: its repr's fields, or a record's plain fields."""
    repr_fields = getattr(type(item), "repr_fields", None)
    if isinstance(repr_fields, tuple):
        return tuple(dict.fromkeys(("name", *repr_fields, "created_at")))
    if isinstance(item, BaseModel):
        names: Iterable[str] = [*type(item).model_fields, *(item.model_extra or {})]
    elif isinstance(item, Mapping):
        names = [str(key) for key in item]
    else:
        return ()
    return tuple(name for name in names if not is_secret_field(name))


def kind_of(item: Any) -> str | None:
    kind = getattr(type(item), "kind", None)
    return kind if isinstance(kind, str) else None


def card_fields(item: Any) -> tuple[str, ...]:
    return CARDS.get(kind_of(item) or "", ()) or _default_fields(item)


def columns_of(items: Sequence[Any]) -> tuple[str, ...]:
    """The columns of a table of ``items``: their kind's, else the first item's fields."""
    if not items:
        return ()
    return COLUMNS.get(kind_of(items[0]) or "", ()) or _default_fields(items[0])


def rows(items: Sequence[Any]) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The columns and one ``{column: value}`` per item: what a table or a data frame holds."""
    columns = columns_of(items)
    return columns, [{name: field_value(item, name) for name in columns} for item in items]


def by_train_loss(items: Iterable[Any]) -> list[Any]:
    """Checkpoints best first (lowest training loss), those without a loss last, by step."""

    def key(item: Any) -> tuple[bool, float, float]:
        loss = field_value(item, "train_loss")
        steps = getattr(item, "steps", None)
        return (loss is None, loss or 0.0, float(steps or 0))

    return sorted(items, key=key)
