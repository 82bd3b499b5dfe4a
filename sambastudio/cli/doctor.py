"""``sambastudio doctor``: check the configured SambaStudio against the SDK's wire contract.

Exit 0 when every probed operation was found, 1 when some were not (or the host could not
be reached or refused the key), 2 on usage errors (bad options, no host or key, a bad
routes file). Nothing is written to the host without ``--allow-writes``; no secret, host or
id is printed or written to ``--report``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sambastudio.cli._context import Command, cli_context
from sambastudio.cli._output import table
from sambastudio.doctor import DoctorReport, OperationCheck, run_doctor
from sambastudio.errors import ConfigurationError

HEADERS = ("OPERATION", "EVIDENCE", "TABLE PATH", "PATH FOUND", "STATUS", "SHAPE OK")


def _cells(row: OperationCheck) -> tuple[str, ...]:
    table_path = f"{row.method} {row.table_path}"
    if row.outcome == "found":
        found = "(same)"
    elif row.found_path is not None:
        found = f"{row.found_method} {row.found_path}"
    else:
        found = f"- ({row.note})" if row.note else "-"
    status = row.outcome if row.status is None else f"{row.outcome} {row.status}"
    shape = {True: "yes", False: "NO", None: "-"}[row.shape_ok]
    return (row.operation, row.evidence, table_path, found, status, shape)


def _print(report: DoctorReport) -> None:
    for check in report.checks:
        click.echo(f"{check.name:<15} {'ok' if check.ok else 'FAILED':<7} {check.detail}")
    click.echo(f"{'api description':<15} {report.api_document or 'none found'}")
    rows = [_cells(row) for row in (*report.operations, *report.writes)]
    if rows:
        click.echo()
        click.echo(table(rows, HEADERS))
    probed = [row for row in (*report.operations, *report.writes) if row.probed]
    missing = sum(row.outcome == "missing" for row in probed)
    moved = sum(row.outcome == "moved" for row in probed)
    click.echo()
    click.echo(
        f"{len(probed)} operations probed: {len(probed) - missing} found "
        f"({moved} at another path than the table's), {missing} not found; "
        f"{len(report.overrides)} overrides needed."
    )


def _progress(step: str) -> None:
    click.echo(f"\r\033[Kchecking {step} ...", nl=False, err=True)


def _write(path: Path, document: object) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


@click.command(cls=Command)
@click.option(
    "--write-routes",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the overrides found to FILE (a routes file; see docs/real-hosts.md).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write a JSON report without key, host, tenant or ids, fit for a bug report.",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Also create, read, update and delete a throwaway project sambastudio-doctor-<random>.",
)
def doctor(write_routes: Path | None, report: Path | None, allow_writes: bool) -> None:
    """Check the configured SambaStudio: connection, key, tenant, and where each operation
    really lives. Read-only unless --allow-writes."""
    cli = cli_context()
    try:
        client = cli.client
    except ConfigurationError as error:
        raise click.UsageError(error.message) from None
    tty = sys.stderr.isatty()
    found = run_doctor(client, allow_writes=allow_writes, on_progress=_progress if tty else None)
    if tty:
        click.echo("\r\033[K", nl=False, err=True)
    if write_routes is not None:
        _write(write_routes, found.routes_document())
    if report is not None:
        _write(report, found.as_json())
    if cli.json:
        click.echo(json.dumps(found.as_json(), indent=2))
    else:
        _print(found)
        if write_routes is not None:
            click.echo(f"Routes written to {write_routes}: use them with SAMBASTUDIO_ROUTES.")
    sys.exit(found.exit_code)
