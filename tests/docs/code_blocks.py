"""The fenced Python blocks of README.md and docs/, and the markers that exempt some.

A page is read top to bottom, so its blocks run in order in one namespace. A block that
cannot run (a fragment, or one that needs a real cluster) is preceded by
``<!-- not run: <why> -->``; the reason is required, so every exemption says why.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
DEMO_DATA = REPO / "sambastudio" / "demo_data"
"""The demo's dataset: the examples upload it as ``./capitals`` (or ``./squad``)."""
_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<code>.*?)^```", re.M | re.S)
_NOT_RUN = re.compile(r"<!--\s*not run:(?P<why>.*?)-->\s*\Z", re.S)


class Block(NamedTuple):
    page: str
    line: int
    code: str
    not_run: str | None
    """``None`` for a block that runs; else the reason given in its marker."""


def pages() -> list[Path]:
    """README.md and every Markdown page of the docs site."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def python_blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    blocks = []
    for match in _FENCE.finditer(text):
        if match.group("lang") not in ("python", "py"):
            continue
        marker = _NOT_RUN.search(text[: match.start()].rstrip() + "\n")
        blocks.append(
            Block(
                page=str(page.relative_to(REPO)),
                line=text.count("\n", 0, match.start()) + 1,
                code=match.group("code"),
                not_run=marker.group("why").strip() if marker else None,
            )
        )
    return blocks


def readme_example() -> str:
    """README's main example: the lifecycle block (the one that builds ``Client()``)."""
    (block,) = [b.code for b in python_blocks(REPO / "README.md") if "client = Client()" in b.code]
    return block
