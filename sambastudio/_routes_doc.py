"""Render the wire contract as docs/wire-protocol.md.

The page is generated, never edited by hand, so that what users read is what the SDK sends.
Run ``python -m sambastudio._routes_doc`` after changing :mod:`sambastudio._routes`; a test
fails while the committed page is stale.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

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
    return "\n".join(lines) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/wire-protocol.md")
    target.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
