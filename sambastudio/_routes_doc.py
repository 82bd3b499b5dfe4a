"""Render the wire contract as docs/wire-protocol.md.

The page is generated, never edited by hand, so that what users read is what the SDK sends.
Run ``python -m sambastudio._routes_doc`` after changing :mod:`sambastudio._routes`; a test
fails while the committed page is stale.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Final

from sambastudio._generated import write_document
from sambastudio._routes import ROUTES, Route

_HEADER = """\
# The wire protocol

Generated from `sambastudio/_routes.py` by `python -m sambastudio._routes_doc`; do not edit.

SambaStudio's management API is not publicly documented. Each operation below says how sure
we are of its method and path:

- **confirmed**: seen in a public source as a request that was really sent, or in official docs;
- **inferred**: follows from confirmed facts, but the exact request was never seen;
- **assumed**: no public evidence; a consistent design in the style of the confirmed paths.

The sources (S1 to S17, N1 to N7) are described in [evidence.md](evidence.md). If you run a real
SambaStudio and a path here is wrong, correct its entry in `sambastudio/_routes.py`: the SDK,
the `SnSdk` shim and the emulator all read that one table.

Arguments are written `name` (path), `?name` (query), `.name` (JSON body), `^name` (header),
`<name>` (raw body), `[name]` (multipart file) and `(name)` (used by the client only). A wire
name that differs from the argument's name follows an arrow. Auth: `key` is the platform
access key in the `key` header; `endpoint key` is an endpoint API key in the `key` header;
`bearer` is an endpoint API key as `Authorization: Bearer`. Retry says whether the SDK may
send the request again after a timeout or a 429/502/503/504 answer.
"""

_MARKS = {
    "path": ("", ""),
    "query": ("?", ""),
    "body": (".", ""),
    "header": ("^", ""),
    "raw": ("<", ">"),
    "multipart": ("[", "]"),
    "local": ("(", ")"),
}
_SEEN: Final[dict[str, str]] = {
    "S1": "2024-11 to 2026-01",
    "S2": "2024-07 to 2025-02 (snsdk 24.6.1)",
    "S3": "2024-07",
    "S4": "2024-02",
    "S5": "2024-11",
    "S6": "2025-05 to 2025-06",
    "S7": "2024-11 to 2024-12",
    "S8": "2024-04",
    "S9": "2024-09",
    "S10": "2024-03",
    "S11": "2024",
    "S12": "2025-10",
    "S13": "2025",
    "S16": "2025 (snsdk 25.1.1)",
    "S17": "2024",
    "N1": "2025-04",
    "N2": "2023-10",
    "N3": "2025-04",
    "N4": "2025-04",
    "N5": "2025-04",
    "N6": "2025-04",
    "N7": "2024-07",
}
"""When each source shows SambaStudio answering (and the SDK release, where it names one)."""

_AUTH = {"platform": "key", "endpoint": "endpoint key", "bearer": "bearer", "none": "none"}


def _arguments(route: Route) -> str:
    shown = []
    for arg in route.args:
        before, after = _MARKS[arg.where]
        wire = f"→{arg.wire}" if arg.wire and arg.wire != arg.name else ""
        optional = "" if arg.required else "?"
        shown.append(f"`{before}{arg.name}{wire}{after}`{optional}")
    return ", ".join(shown) or "none"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _row(route: Route) -> str:
    shapes = _cell(route.response)
    if route.legacy_response:
        shapes += f"<br>legacy: {_cell(route.legacy_response)}"
    cells = [
        f"`{route.name}`" + ("" if route.seed else " *"),
        f"`{route.method} {route.path}`",
        _arguments(route),
        _AUTH[route.auth] + (", admin" if route.admin else ""),
        "yes" if route.idempotent else "no",
        f"**{route.evidence}**" + (f" ({route.source})" if route.source else ""),
        _cell(route.summary),
        shapes,
    ]
    return "| " + " | ".join(cells) + " |"


def seen_in_use(route: Route) -> str:
    """When a real SambaStudio was seen answering this operation, from its sources."""
    periods = [f"{_SEEN[source]} ({source})" for source in route.source.split() if source in _SEEN]
    return "; ".join(periods) or "never seen: check yours with `sambastudio doctor`"


def _known_to_work() -> list[str]:
    lines = [
        "",
        "## Known to work with",
        "",
        "When a real SambaStudio was seen answering each operation, by the dates of its sources",
        "(and the `snsdk` release where a source names one). SambaStudio's releases follow the",
        "year (24.x in 2024, 25.x in 2025), so a date says which release line answered. For an",
        "*assumed* operation the date says the operation existed then (`SnSdk` called it), not",
        "that it answered on the path above. An operation never seen may still work:",
        "`sambastudio doctor` checks every read-only one on your host.",
        "",
        "| operation | evidence | seen in use |",
        "|---|---|---|",
    ]
    lines.extend(
        f"| `{route.name}` | {route.evidence} | {seen_in_use(route)} |"
        for route in sorted(ROUTES.values(), key=lambda r: r.name)
    )
    return lines


def render() -> str:
    """The whole page, deterministic for a given route table."""
    counts = Counter(route.evidence for route in ROUTES.values())
    seed = sum(1 for route in ROUTES.values() if route.seed)
    lines = [
        _HEADER,
        f"{len(ROUTES)} operations: {seed} of the flat `SnSdk` API and "
        f"{len(ROUTES) - seed} more (marked *) that real callers use. "
        + ", ".join(f"{counts[level]} {level}" for level in ("confirmed", "inferred", "assumed"))
        + ".",
        "",
        "| operation | request | arguments | auth | retry | evidence | what it does "
        "| success body (current; legacy where it differs) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines.extend(_row(route) for route in sorted(ROUTES.values(), key=lambda r: r.name))
    lines.extend(_known_to_work())
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    write_document(
        render,
        Path("docs/wire-protocol.md"),
        description="Write the wire protocol page from the route table.",
        argv=argv,
    )


if __name__ == "__main__":
    main()
