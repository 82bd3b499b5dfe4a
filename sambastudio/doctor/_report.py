"""What ``sambastudio doctor`` found, as data: the checks, one row per operation, overrides.

The report is meant to be attached to a bug report, so its JSON form holds no access key,
host, tenant or resource id: paths are templates (``/api/v2/projects/{project}``), notes are
the doctor's own words, and no server message is copied into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from sambastudio._overrides import RouteOverride, routes_document
from sambastudio._version import __version__

Outcome = Literal["found", "moved", "missing", "skipped", "refused"]
"""``found``: at the table's path; ``moved``: elsewhere (an override says where);
``missing``: probed, found nowhere; ``skipped``: not probed (the note says why);
``refused``: the host refused the probe (401), so nothing is known."""


@attrs.frozen
class Check:
    """One step-1 check (connection, TLS, authentication, tenant)."""

    name: str
    ok: bool
    detail: str


@attrs.frozen
class OperationCheck:
    """What was found for one operation."""

    operation: str
    evidence: str
    method: str
    table_path: str
    outcome: Outcome
    found_method: str | None = None
    found_path: str | None = None
    source: str = ""
    """Where the path came from: ``table``, ``api-doc``, ``probe`` or ``family``."""
    status: int | None = None
    shape_ok: bool | None = None
    note: str = ""

    @property
    def probed(self) -> bool:
        return self.outcome in ("found", "moved", "missing")

    def as_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class DoctorReport:
    """The result of ``client.doctor()``; ``exit_code`` is what the command exits with."""

    checks: tuple[Check, ...]
    api_document: str | None
    operations: tuple[OperationCheck, ...]
    writes: tuple[OperationCheck, ...]
    overrides: Mapping[str, RouteOverride]

    @property
    def ok(self) -> bool:
        """Every check passed and every probed operation was found."""
        probed = [row for row in (*self.operations, *self.writes) if row.probed]
        return all(check.ok for check in self.checks) and all(
            row.outcome != "missing" for row in probed
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def routes_document(self) -> dict[str, Any]:
        """The routes file these findings call for (``--write-routes``)."""
        return routes_document(self.overrides, note=f"found by sambastudio doctor {__version__}")

    def as_json(self) -> dict[str, Any]:
        """The shareable report: no key, host, tenant or resource id."""
        return {
            "sambastudio": __version__,
            "ok": self.ok,
            "checks": [attrs.asdict(check) for check in self.checks],
            "api_document": self.api_document,
            "operations": [row.as_json() for row in self.operations],
            "writes": [row.as_json() for row in self.writes],
            "overrides": self.routes_document()["routes"],
        }
