"""The four steps of ``sambastudio doctor``, run through the client's own request path.

1. connection, TLS, authentication, tenant; 2. the host's API description, matched to the
table; 3. every read-only operation, table path first, then the API document's path and the
known families' (a "no such path" answer means nothing ran, so trying another is safe);
4. with ``allow_writes`` only, create -> read -> update -> delete of a throwaway project,
deleted even when a step fails. Nothing else is ever written.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import requests

from sambastudio._envelopes import list_of, object_of
from sambastudio._overrides import RouteOverride, apply_override, override_between
from sambastudio._routes import ROUTES, Route
from sambastudio.doctor._apidoc import ApiDocument, find_document, match_document
from sambastudio.doctor._families import candidates
from sambastudio.doctor._probe import (
    NOT_PROBED,
    answer_key,
    arguments,
    harvest,
    is_generic_miss,
    read_only,
    shape_of,
)
from sambastudio.doctor._report import Check, DoctorReport, OperationCheck
from sambastudio.errors import (
    APIConnectionError,
    APIStatusError,
    ResponseDecodeError,
    SambaStudioError,
)

if TYPE_CHECKING:
    from sambastudio._client import Client

Progress = Callable[[str], None]
_Answer = tuple[int, Any]
"""The status of an answer and its body (parsed JSON, text, or ``None`` for a stream)."""
PROJECT_PREFIX = "sambastudio-doctor-"


def _ask(client: Client, route: Route, args: Mapping[str, Any]) -> _Answer:
    """Send ``route`` the client's way; an error status is an answer here, not an exception."""
    if route.streams:  # an archive: its status is enough, its bytes are not read
        response = client._pipeline.send(route.bind(**args), stream=True, raise_for_status=False)
        with response:
            if response.status_code < 400:
                return response.status_code, None
            return response.status_code, _json_or_text(response)
    try:
        return 200, client._with_routes({route.name: route})._request(route.name, **args).json()
    except APIStatusError as error:
        return error.status_code, error.body
    except ResponseDecodeError as error:
        return error.response.status_code, error.response.text


def _json_or_text(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


# ------------------------------------------------------------------------ step 1


def _basics(client: Client) -> tuple[list[Check], bool]:
    settings = client.settings
    checks: list[Check] = []
    if settings.host_url.startswith("https://"):
        tls = "verified" if settings.verify else "not verified (verify is off)"
        checks.append(Check("tls", True, f"HTTPS, certificate {tls}"))
    else:
        checks.append(Check("tls", True, "plain HTTP: the access key travels unencrypted"))
    try:
        status, _ = _ask(client, client._route("tenant_default_tenant"), {})
        if is_generic_miss(status, _):
            status, _ = _ask(client, client._route("list_projects"), {})
    except APIConnectionError as error:
        text = str(error).lower()
        if "certificate" in text or "ssl" in text:
            checks.append(Check("connection", False, "TLS handshake failed (certificate?)"))
        else:
            checks.append(Check("connection", False, f"no answer ({type(error).__name__})"))
        return checks, False
    checks.append(Check("connection", True, f"the host answers (HTTP {status})"))
    if status == 401:
        checks.append(Check("authentication", False, "the access key was refused (401)"))
        return checks, False
    checks.append(Check("authentication", True, "the access key is accepted"))
    checks.append(_tenant(client))
    return checks, True


def _tenant(client: Client) -> Check:
    tenant = client.settings.tenant
    if tenant is None:
        return Check("tenant", True, "none configured: the key's default tenant is used")
    status, body = _ask(client, client._route("list_tenants"), {})
    if status >= 400:
        return Check("tenant", True, f"not checked: listing tenants answered {status}")
    try:
        tenants = list_of(body, "tenants")
    except SambaStudioError:
        return Check("tenant", True, "not checked: the tenant list did not parse")
    names = {str(t.get(k)) for t in tenants for k in ("id", "tenant_id", "name", "tenant_name")}
    if tenant in names:
        return Check("tenant", True, "the configured tenant exists")
    return Check("tenant", False, "the configured tenant is not among the key's tenants")


# --------------------------------------------------------------------- step 2 + 3


def _fetch_document(client: Client) -> ApiDocument | None:
    def fetch(path: str) -> object:
        route = Route(
            name="doctor_api_document",
            method="GET",
            path=path,
            args=(),
            evidence="assumed",
            source="",
            summary="",
            response="",
        )
        status, body = _ask(client, route, {})
        return body if status < 400 else None

    return find_document(fetch)


def _tries(route: Route, documented: RouteOverride | None) -> list[tuple[Route, str]]:
    tries = [(route, "table")]
    if documented is not None:
        tries.append((apply_override(ROUTES[route.name], documented), "api-doc"))
    tries += [(candidate, "family") for candidate in candidates(route)]
    seen: set[tuple[str, str]] = set()
    unique = []
    for candidate, source in tries:
        if (candidate.method, candidate.path) not in seen:
            seen.add((candidate.method, candidate.path))
            unique.append((candidate, source))
    return unique


def _row(name: str, **fields: Any) -> OperationCheck:
    table = ROUTES[name]
    return OperationCheck(
        operation=name,
        evidence=table.evidence,
        method=table.method,
        table_path=table.path,
        **fields,
    )


def _probe(
    client: Client,
    route: Route,
    documented: RouteOverride | None,
    args: Mapping[str, Any],
) -> tuple[OperationCheck, Route | None, Any]:
    """Try ``route`` where it may live; the row, the route that answered, and its answer.

    The first success wins. An error that is not "no such path" also shows a path is
    served, but counts only if no later candidate succeeds: ``/models/search`` may be
    ``/models/{model}`` refusing a model named "search" while ``/models:search`` works.
    """
    served: tuple[Route, str, int, Any] | None = None
    for candidate, source in _tries(route, documented):
        status, body = _ask(client, candidate, args)
        if status == 401:
            refused = _row(route.name, outcome="refused", status=401, note="the key was refused")
            return refused, None, None
        if is_generic_miss(status, body):
            continue
        if status < 400:
            return _found(route, candidate, source, status, body)
        served = served or (candidate, source, status, body)
    if served is not None:
        return _found(route, *served)
    return _row(route.name, outcome="missing", note="no known path answered"), None, None


def _found(
    route: Route, candidate: Route, source: str, status: int, body: Any
) -> tuple[OperationCheck, Route, Any]:
    """The row of an operation found at ``candidate``; an answer key is learnt on the way."""
    shape_ok: bool | None = None
    if status < 400 and not candidate.streams:
        shape_ok = shape_of(route.name, body)
        key = answer_key(route.name, body) if not shape_ok else None
        if key is not None:
            candidate = apply_override(candidate, RouteOverride(route.name, answer=key))
            body, shape_ok = body[key], True
    same = override_between(ROUTES[route.name], candidate) is None
    row = _row(
        route.name,
        outcome="found" if same else "moved",
        found_method=candidate.method,
        found_path=candidate.path,
        source=source,
        status=status,
        shape_ok=shape_ok,
    )
    return row, candidate, body


# ------------------------------------------------------------------------ step 4


def _write_cycle(
    client: Client, documented: Mapping[str, RouteOverride]
) -> tuple[list[OperationCheck], dict[str, Route]]:
    """Create, read, update and delete a throwaway project; always delete what was made."""
    name = PROJECT_PREFIX + secrets.token_hex(4)
    rows: list[OperationCheck] = []
    found: dict[str, Route] = {}
    project: str | None = None
    deleted = False

    def step(operation: str, **args: Any) -> Any:
        row, route, body = _probe(client, client._route(operation), documented.get(operation), args)
        if route is not None and row.status is not None and row.status >= 400:
            row = attrs.evolve(row, note="the path answers, but the step failed")
        rows.append(row)
        if route is not None:
            found[operation] = route
        return body if route is not None and (row.status or 500) < 400 else None

    try:
        created = step("create_project", project_name=name, description="sambastudio doctor")
        if created is None:
            return rows, found
        data = object_of(created)
        project = str(data.get("id") or data.get("project_id") or name)
        step("project_info", project=project)
        step("update_project", project=project, description="sambastudio doctor, updated")
        deleted = step("delete_project", project=project) is not None
    finally:
        if project is not None and not deleted:
            _clean_up(client, found, project, name, rows)
    return rows, found


def _clean_up(
    client: Client, found: Mapping[str, Route], project: str, name: str, rows: list[OperationCheck]
) -> None:
    """Delete the throwaway project a failed cycle left; say so when that fails too."""
    route = found.get("delete_project", client._route("delete_project"))
    try:
        status, _ = _ask(client, route, {"project": project})
    except SambaStudioError:
        status = 0
    if not 200 <= status < 400:
        note = f"cleanup failed: delete the project {name} by hand"
        rows.append(_row("delete_project", outcome="missing", note=note))


# ------------------------------------------------------------------------- run


def _needed(
    documented: Mapping[str, RouteOverride], found: Mapping[str, Route]
) -> dict[str, RouteOverride]:
    """The overrides the findings call for: what was probed wins over what the document says."""
    table = {name: apply_override(ROUTES[name], o) for name, o in documented.items()}
    table.update(found)
    needed = {name: override_between(ROUTES[name], route) for name, route in table.items()}
    return {name: override for name, override in needed.items() if override is not None}


def _documented_rows(
    documented: Mapping[str, RouteOverride], probed: set[str]
) -> list[OperationCheck]:
    """Rows for the operations only the API document told about (writes: not probed)."""
    rows = []
    for name, override in documented.items():
        if name not in probed:
            route = apply_override(ROUTES[name], override)
            rows.append(
                _row(
                    name,
                    outcome="skipped",
                    found_method=route.method,
                    found_path=route.path,
                    source="api-doc",
                    note="not read-only: taken from the API document, not probed",
                )
            )
    return rows


def run_doctor(
    client: Client, *, allow_writes: bool = False, on_progress: Progress | None = None
) -> DoctorReport:
    """Check ``client``'s host against the wire contract; see :mod:`sambastudio.doctor`."""
    progress = on_progress or (lambda _: None)
    progress("connection, TLS, authentication, tenant")
    checks, reachable = _basics(client)
    if not reachable:
        return DoctorReport(tuple(checks), None, (), (), {})
    progress("API description")
    document = _fetch_document(client)
    documented = match_document(document, ROUTES) if document is not None else {}
    ids: dict[str, str] = {}
    rows: list[OperationCheck] = []
    found: dict[str, Route] = {}
    readers = read_only()
    for name in readers:
        progress(name)
        route = client._route(name)
        if name in NOT_PROBED:
            rows.append(_row(name, outcome="skipped", note=NOT_PROBED[name]))
            continue
        args = arguments(route, ids)
        if isinstance(args, str):
            rows.append(_row(name, outcome="skipped", note=args))
            continue
        row, answered, body = _probe(client, route, documented.get(name), args)
        rows.append(row)
        if answered is not None:
            found[name] = answered
            if row.status is not None and row.status < 400:
                harvest(name, body, ids)
    writes: list[OperationCheck] = []
    if allow_writes:
        progress("create -> read -> update -> delete a throwaway project")
        writes, written = _write_cycle(client, documented)
        found.update({k: v for k, v in written.items() if k not in found})
    probed = set(readers) | {row.operation for row in writes}
    rows += _documented_rows(documented, probed)
    return DoctorReport(
        tuple(checks),
        document.describe() if document is not None else None,
        tuple(rows),
        tuple(writes),
        _needed(documented, found),
    )
