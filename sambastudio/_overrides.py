"""Route overrides: correcting the wire contract for one host without a release.

Most management paths of :mod:`sambastudio._routes` are assumed (docs/real-hosts.md). A
routes file says, per operation, what a given SambaStudio really serves: the method, the
path template, where each argument travels (and under which wire name), and the key its
answer sits under. It is JSON (TOML too on Python 3.11+, read with the standard library)::

    {"version": 1,
     "routes": {
       "list_endpoints": {"path": "/api/v2/projects/{project}/endpoints",
                          "args": {"project": "path"}},
       "search_project": {"path": "/api/v2/projects:search",
                          "args": {"project_name": {"where": "query", "wire": "name"}}},
       "project_info":   {"path": "/api/v2/projects/{project}", "answer": "project"}}}

Applying overrides is a pure function: it returns a new route table (``attrs.evolve`` on
each changed :class:`Route`) that one client or shim holds, never touching the global
``ROUTES``. Every mistake in a file (an unknown operation, argument, field or placeholder, a
bad method, bad JSON) is a :class:`ConfigurationError` naming the file and the entry, raised
when the file is loaded: an entry is never ignored.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal, cast

import attrs

from sambastudio._config import ENV_SNAPI_DIR
from sambastudio._routes import ROUTES, Arg, Route, Where
from sambastudio.errors import ConfigurationError

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]

ENV_ROUTES: Final = "SAMBASTUDIO_ROUTES"
"""The environment variable naming a routes file (a deployment fact: the shim honours it)."""
ROUTES_FILE_NAMES: Final = ("routes.json", "routes.toml")
"""Looked for, in this order, in the snapi config directory when no file is named."""
METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")
MOVABLE: Final[tuple[Where, ...]] = ("path", "query", "body", "header")
"""Where an argument may be moved to; raw bodies, files and local values stay put."""

_ENTRY_FIELDS: Final = frozenset({"method", "path", "args", "answer"})
_ARG_FIELDS: Final = frozenset({"where", "wire"})
_TOP_FIELDS: Final = frozenset({"version", "routes", "note"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@attrs.frozen
class ArgOverride:
    """Where one argument travels on this host (``None``: as in the table)."""

    where: Where | None = None
    wire: str | None = None


@attrs.frozen
class RouteOverride:
    """What one operation looks like on this host; ``None`` fields keep the table's value."""

    operation: str
    method: str | None = None
    path: str | None = None
    args: Mapping[str, ArgOverride] = attrs.field(factory=dict)
    answer: str | None = None

    def document(self) -> dict[str, Any]:
        """This override as a routes-file entry."""
        entry: dict[str, Any] = {}
        if self.method is not None:
            entry["method"] = self.method
        if self.path is not None:
            entry["path"] = self.path
        if self.args:
            entry["args"] = {
                name: attrs.asdict(arg, filter=lambda _, value: value is not None)
                for name, arg in sorted(self.args.items())
            }
        if self.answer is not None:
            entry["answer"] = self.answer
        return entry


def routes_document(overrides: Mapping[str, RouteOverride], note: str = "") -> dict[str, Any]:
    """A whole routes file (what ``sambastudio doctor --write-routes`` writes)."""
    document: dict[str, Any] = {"version": 1}
    if note:
        document["note"] = note
    document["routes"] = {name: overrides[name].document() for name in sorted(overrides)}
    return document


# ------------------------------------------------------------------------ parsing


def _fail(origin: str, entry: str, problem: str) -> ConfigurationError:
    where = f"{origin}, entry {entry!r}" if entry else origin
    return ConfigurationError(f"routes file {where}: {problem}")


def _unknown_fields(
    origin: str, entry: str, given: Mapping[str, Any], known: frozenset[str]
) -> None:
    unknown = sorted(set(given) - known)
    if unknown:
        raise _fail(origin, entry, f"unknown field(s) {unknown}; known: {sorted(known)}")


def _text(origin: str, entry: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(origin, entry, f"{field} must be a non-empty string, not {value!r}")
    return value


def _arg_override(origin: str, entry: str, route: Route, name: str, value: Any) -> ArgOverride:
    known = {arg.name for arg in route.args}
    if name not in known:
        raise _fail(origin, entry, f"{route.name} has no argument {name!r}; it has {sorted(known)}")
    label = f"args.{name}"
    if isinstance(value, str):
        value = {"where": value}
    if not isinstance(value, Mapping):
        raise _fail(origin, entry, f"{label} must be a string or an object, not {value!r}")
    _unknown_fields(origin, entry, value, _ARG_FIELDS)
    where = value.get("where")
    if where is not None and where not in MOVABLE:
        raise _fail(origin, entry, f"{label}.where must be one of {MOVABLE}, not {where!r}")
    if where is not None and route.arg(name).where not in MOVABLE:
        raise _fail(origin, entry, f"{label} travels as {route.arg(name).where}: it cannot move")
    wire = value.get("wire")
    if wire is not None:
        wire = _text(origin, entry, f"{label}.wire", wire)
    return ArgOverride(where=cast("Where | None", where), wire=wire)


def parse_entry(origin: str, operation: str, value: Any) -> RouteOverride:
    """One entry of a routes file, checked against the table."""
    if operation not in ROUTES:
        raise _fail(origin, operation, "no such operation in the wire contract")
    if not isinstance(value, Mapping):
        raise _fail(origin, operation, f"an entry must be an object, not {value!r}")
    _unknown_fields(origin, operation, value, _ENTRY_FIELDS)
    route = ROUTES[operation]
    method = value.get("method")
    if method is not None and method not in METHODS:
        raise _fail(origin, operation, f"method must be one of {METHODS}, not {method!r}")
    path = value.get("path")
    if path is not None and not (isinstance(path, str) and path.startswith("/")):
        raise _fail(origin, operation, f"path must be a string starting with '/', not {path!r}")
    args = value.get("args", {})
    if not isinstance(args, Mapping):
        raise _fail(origin, operation, f"args must be an object, not {args!r}")
    answer = value.get("answer")
    if answer is not None:
        answer = _text(origin, operation, "answer", answer)
    override = RouteOverride(
        operation=operation,
        method=method,
        path=path,
        args={
            name: _arg_override(origin, operation, route, name, arg) for name, arg in args.items()
        },
        answer=answer,
    )
    apply_override(route, override, origin)  # placeholders are checked against the result
    return override


def parse_document(origin: str, document: Any) -> dict[str, RouteOverride]:
    """Every entry of a parsed routes file."""
    if not isinstance(document, Mapping):
        raise _fail(origin, "", "the file must hold an object with a 'routes' object")
    _unknown_fields(origin, "", document, _TOP_FIELDS)
    if document.get("version", 1) != 1:
        raise _fail(origin, "", f"version {document['version']!r} is not supported (only 1)")
    routes = document.get("routes")
    if not isinstance(routes, Mapping):
        raise _fail(origin, "", "the file must hold a 'routes' object")
    return {str(name): parse_entry(origin, str(name), entry) for name, entry in routes.items()}


def _toml(origin: str, raw: bytes) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        try:
            return tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise _fail(origin, "", f"is not valid TOML: {exc}") from None
    raise _fail(origin, "", "TOML needs Python 3.11 or newer; write it as JSON")


def _read(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(str(path), "", f"cannot be read: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".toml":
        return _toml(str(path), raw)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _fail(str(path), "", f"is not valid JSON: {exc}") from None


def load_overrides(path: str | os.PathLike[str]) -> dict[str, RouteOverride]:
    """The overrides of a routes file, every entry checked; ``ConfigurationError`` if not."""
    path = Path(path).expanduser()
    return parse_document(str(path), _read(path))


# ----------------------------------------------------------------------- applying


def _moved(arg: Arg, override: ArgOverride | None) -> Arg:
    if override is None:
        return arg
    where = arg.where if override.where is None else override.where
    return attrs.evolve(arg, where=where, wire=override.wire or arg.wire)


def apply_override(route: Route, override: RouteOverride, origin: str = "") -> Route:
    """``route`` as ``override`` corrects it; the path's placeholders must match its path args."""
    args = tuple(_moved(arg, override.args.get(arg.name)) for arg in route.args)
    changed = attrs.evolve(
        route,
        method=cast("Method", override.method or route.method),
        path=override.path or route.path,
        args=args,
        answer=route.answer if override.answer is None else override.answer,
    )
    placeholders = _PLACEHOLDER.findall(changed.path)
    in_path = changed.path_params()
    unknown = sorted(set(placeholders) - set(in_path))
    if unknown:
        raise _fail(
            origin or "(in memory)",
            route.name,
            f"path {changed.path!r} has unknown placeholder(s) {unknown}; "
            f"the arguments that travel in the path are {sorted(in_path)}",
        )
    missing = sorted(set(in_path) - set(placeholders))
    if missing:
        raise _fail(
            origin or "(in memory)",
            route.name,
            f"argument(s) {missing} travel in the path, but {changed.path!r} has no "
            "placeholder for them (move them with 'args')",
        )
    return changed


def apply_overrides(
    overrides: Mapping[str, RouteOverride], routes: Mapping[str, Route] = ROUTES
) -> dict[str, Route]:
    """A new route table: ``routes`` with each override applied (``routes`` is unchanged)."""
    table = dict(routes)
    for name, override in overrides.items():
        table[name] = apply_override(routes[name], override)
    return table


def load_routes(path: str | os.PathLike[str]) -> dict[str, Route]:
    """The wire contract as the routes file at ``path`` corrects it."""
    return apply_overrides(load_overrides(path))


def default_routes_file(environ: Mapping[str, str] | None = None) -> Path | None:
    """The routes file in effect when none is named: ``$SAMBASTUDIO_ROUTES``, else
    ``routes.json`` (or ``routes.toml``) in the snapi config directory, if there is one."""
    env = os.environ if environ is None else environ
    if env.get(ENV_ROUTES):
        return Path(env[ENV_ROUTES]).expanduser()
    directory = Path(env.get(ENV_SNAPI_DIR) or "~/.snapi").expanduser()
    return next(
        (directory / name for name in ROUTES_FILE_NAMES if (directory / name).is_file()), None
    )


def resolve_routes(
    routes: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_dir: bool = True,
) -> Mapping[str, Route]:
    """The route table a client uses: ``routes`` if given, else ``$SAMBASTUDIO_ROUTES``, else
    (``config_dir``) a routes file in the snapi config directory, else the table itself."""
    if routes is not None:
        return load_routes(routes)
    env = os.environ if environ is None else environ
    if not config_dir:
        return load_routes(env[ENV_ROUTES]) if env.get(ENV_ROUTES) else ROUTES
    found = default_routes_file(env)
    return load_routes(found) if found is not None else ROUTES


def answer_of(route: Route, body: Any) -> Any:
    """The part of a successful answer the route's ``answer`` key points at (else ``body``)."""
    if not route.answer:
        return body
    node = body
    for key in route.answer.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return body
        node = node[key]
    return node


def override_between(table: Route, found: Route) -> RouteOverride | None:
    """The override that turns ``table`` into ``found`` (``None`` when they agree)."""
    args = {
        new.name: ArgOverride(
            where=new.where if new.where != old.where else None,
            wire=new.wire_name if new.wire_name != old.wire_name else None,
        )
        for old, new in zip(table.args, found.args, strict=True)
        if (old.where, old.wire_name) != (new.where, new.wire_name)
    }
    override = RouteOverride(
        table.name,
        method=found.method if found.method != table.method else None,
        path=found.path if found.path != table.path else None,
        args=args,
        answer=found.answer if found.answer != table.answer else None,
    )
    return None if override == RouteOverride(table.name) else override
