"""Shell completion of resource names (projects, jobs, endpoints, models, datasets).

A completion runs on every Tab, so it must never hang the shell: names come from an
on-disk cache (``$XDG_CACHE_HOME/sambastudio/completion``, one folder per host and tenant)
while it is fresh, else from the host within a short deadline
(``SAMBASTUDIO_COMPLETION_TIMEOUT``, default 1 s; the request runs in a daemon thread that
is abandoned at the deadline), else from the stale cache, else nothing. Errors are never
shown: a completion that fails offers no names.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

from sambastudio._client import Client
from sambastudio.cli._context import CliContext

ENV_TIMEOUT = "SAMBASTUDIO_COMPLETION_TIMEOUT"
ENV_TTL = "SAMBASTUDIO_COMPLETION_TTL"
DEFAULT_TIMEOUT = 1.0
DEFAULT_TTL = 300.0
MAX_NAMES = 500

Lister = Callable[[Client, dict[str, Any]], Iterable[Any]]
"""``(client, the command's parameters so far) -> resources``."""


def _in_project(
    all_of: Callable[[Client], Iterable[Any]], of_project: Callable[[Any], Iterable[Any]]
) -> Lister:
    def lister(client: Client, params: dict[str, Any]) -> Iterable[Any]:
        project = params.get("project")
        return of_project(client.projects.get(project)) if project else all_of(client)

    return lister


LISTERS: dict[str, Lister] = {
    "project": lambda client, params: client.projects.list(),
    "job": _in_project(lambda c: c.jobs.list(), lambda p: p.jobs.list()),
    "endpoint": _in_project(lambda c: c.endpoints.list(), lambda p: p.endpoints.list()),
    "model": lambda client, params: client.models.list(),
    "dataset": lambda client, params: client.datasets.list(),
}


def _seconds(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(name, default)))
    except ValueError:
        return default


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sambastudio" / "completion"


def cache_file(host: str, tenant: str | None, kind: str, scope: str | None) -> Path:
    """Where the names of ``kind`` (in project ``scope``) on ``host`` are kept."""
    where = hashlib.sha256(f"{host}\n{tenant or ''}".encode()).hexdigest()[:16]
    suffix = "" if scope is None else "-" + hashlib.sha256(scope.encode()).hexdigest()[:12]
    return cache_dir() / where / f"{kind}{suffix}.json"


def _read_cache(path: Path) -> tuple[float, list[str]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return float(data["time"]), [str(name) for name in data["names"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, names: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"time": time.time(), "names": names}), encoding="utf-8")
    os.replace(temporary, path)


def resource_names(kind: str, cli: CliContext, params: dict[str, Any]) -> list[str]:
    """The names of ``kind`` for completion, within the deadline (see the module doc)."""
    timeout = _seconds(ENV_TIMEOUT, DEFAULT_TIMEOUT)
    try:
        client = cli.new_client(timeout=timeout or DEFAULT_TIMEOUT, max_retries=0)
    except Exception:  # nothing configured: nothing to offer
        return []
    settings = client.settings
    path = cache_file(settings.host_url, settings.tenant, kind, params.get("project"))
    cached = _read_cache(path)
    if cached is not None and time.time() - cached[0] < _seconds(ENV_TTL, DEFAULT_TTL):
        client.close()
        return cached[1]
    fetched: list[str] = []

    def fetch() -> None:
        try:
            found = itertools.islice(LISTERS[kind](client, params), MAX_NAMES)
            names = [str(getattr(item, "name", None) or item.id) for item in found]
            _write_cache(path, names)
            fetched.extend(names)
        except Exception:  # noqa: S110 (a failed completion offers the cache, or nothing)
            pass
        finally:
            client.close()

    worker = threading.Thread(target=fetch, name=f"complete-{kind}", daemon=True)
    worker.start()
    worker.join(timeout)
    if not worker.is_alive() and fetched:
        return fetched
    return cached[1] if cached is not None else []


def names_of(kind: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """A ``shell_complete`` callback offering the names of ``kind`` that start as typed."""

    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        names = resource_names(kind, ctx.ensure_object(CliContext), dict(ctx.params))
        return [CompletionItem(name) for name in names if name.startswith(incomplete)]

    return complete
