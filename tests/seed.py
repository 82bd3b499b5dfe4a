"""The flat SnSdk API's signatures, the contract of the shim and of the route table.

The reference text lives outside the repository (../shared/seed/snsdk-reference.txt beside a
checkout). Its signatures are kept in tests/data/snsdk-signatures.txt so the suite runs in any
clone; when the reference is present, a test checks that the snapshot still matches it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "seed" / "snsdk-reference.txt"
SNAPSHOT = REPO / "tests" / "data" / "snsdk-signatures.txt"

_SIGNATURE = re.compile(r"^([a-z_]+)\((.*)\)[^()]*#$", re.M)


class SeedParam(NamedTuple):
    name: str
    annotation: str
    default: str | None


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _param(text: str) -> SeedParam:
    head, _, default = text.partition("=")
    name, _, annotation = head.partition(":")
    return SeedParam(name.strip(), annotation.strip(), default.strip() or None)


def parse_signatures(text: str) -> dict[str, list[SeedParam]]:
    """Method name -> parameters, from lines such as ``name(a: str, b: int = 1) Dict#``."""
    return {
        match.group(1): [_param(part) for part in _split_top_level(match.group(2))]
        for match in _SIGNATURE.finditer(text)
    }


@cache
def seed_signatures() -> dict[str, list[SeedParam]]:
    return parse_signatures(SNAPSHOT.read_text(encoding="utf-8"))
