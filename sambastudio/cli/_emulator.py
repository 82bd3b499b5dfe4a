"""``sambastudio emulator serve``: run a local SambaStudio-compatible server."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from sambastudio._routes import ROUTES


@click.group()
def emulator() -> None:
    """A local SambaStudio-compatible server."""


@emulator.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0 picks a free one).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep state in this directory (default: in memory).",
)
@click.option(
    "--flavor",
    type=click.Choice(["current", "legacy"]),
    default="current",
    show_default=True,
    help="Answer in the 2025 (current) or 2024 (legacy) shapes.",
)
@click.option("--access-key", help="The admin's platform key (default: generated, or kept).")
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="How much faster than real time jobs and endpoints progress (0: time stands still).",
)
@click.option(
    "--epoch",
    metavar="TIME",
    help="Where emulated time starts: epoch seconds or ISO-8601, e.g. 2025-01-01T00:00:00Z "
    "(default: now; a --data-dir that has run before keeps its own time).",
)
@click.option(
    "--latency-ms",
    default=0.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Delay added to every request.",
)
@click.option(
    "--fault-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Share of requests answered 500/502/503/429 or dropped.",
)
@click.option(
    "--fault-route",
    "fault_routes",
    multiple=True,
    type=click.Choice(sorted(ROUTES)),
    metavar="ROUTE",
    help="Inject faults only on this route (repeatable).",
)
@click.option("--seed", type=int, help="Make ids, keys and faults reproducible.")
@click.option(
    "--rdu-nodes",
    default=4,
    show_default=True,
    type=click.IntRange(min=0),
    help="RDU nodes (8 RDUs each) of each new tenant; work beyond them waits for RDUs.",
)
@click.option(
    "--max-body-bytes",
    default=64 << 20,
    show_default=True,
    type=click.IntRange(min=1),
    help="The largest request body accepted (413 above it; dataset parts excepted).",
)
@click.option(
    "--api",
    type=click.Choice(["v1", "v2"]),
    default="v1",
    show_default=True,
    help="Serve management routes at the route table's paths (v1) or grpc-gateway style "
    "under /api/v2 (v2; see docs/real-hosts.md).",
)
@click.option(
    "--no-api-docs",
    is_flag=True,
    help="Do not serve the API description (clients must find paths by probing).",
)
def serve_command(
    host: str,
    port: int,
    data_dir: Path | None,
    flavor: str,
    access_key: str | None,
    speed: float,
    epoch: str | None,
    latency_ms: float,
    fault_rate: float,
    fault_routes: tuple[str, ...],
    seed: int | None,
    rdu_nodes: int,
    max_body_bytes: int,
    api: str,
    no_api_docs: bool,
) -> None:
    """Serve until Ctrl-C; prints the URL and the admin's access key."""
    from sambastudio.emulator import Config, serve
    from sambastudio.emulator._clock import parse_epoch

    try:
        start = parse_epoch(epoch) if epoch is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--epoch'") from None
    config = Config(
        host=host,
        port=port,
        data_dir=data_dir,
        flavor=flavor,  # type: ignore[arg-type]
        access_key=access_key,
        speed=speed,
        epoch=start,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        fault_routes=fault_routes or None,
        seed=seed,
        rdu_nodes=rdu_nodes,
        max_body_bytes=max_body_bytes,
        api=api,  # type: ignore[arg-type]
        api_docs=not no_api_docs,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(config, echo=click.echo)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
