"""The flat SnSdk API's signatures, the contract of the shim and of the route table.

The suite reads only tests/data/snsdk-signatures.txt, a committed snapshot of the upstream
reference text's constructor and method signatures, so it passes in a clone with nothing beside
it. The upstream text itself is optional: tests/test_seed_snapshot.py compares the two when it
is present (``SNSDK_REFERENCE`` names it; CI sets it when the text is beside the checkout).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = REPO / "tests" / "data" / "snsdk-signatures.txt"
REFERENCE_VARIABLE = "SNSDK_REFERENCE"

_SIGNATURE = re.compile(r"^([a-z_]+)\((.*)\)[^()]*#$", re.M)
_CONSTRUCTOR = re.compile(r"^class snsdk\.SnSdk(\(.*\))#$", re.M)


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


def parse_constructor(text: str) -> list[SeedParam]:
    """The parameters of the ``class snsdk.SnSdk(...)#`` line (without ``self``)."""
    match = _CONSTRUCTOR.search(text)
    if match is None:
        raise ValueError("no 'class snsdk.SnSdk(...)#' line in the signature text")
    return parse_signatures(f"__init__{match.group(1)}#")["__init__"]


def reference_path() -> Path | None:
    """The upstream reference text, when ``SNSDK_REFERENCE`` names one; never required."""
    named = os.environ.get(REFERENCE_VARIABLE)
    return Path(named) if named else None


@cache
def seed_signatures() -> dict[str, list[SeedParam]]:
    """Method name -> parameters, from the committed snapshot."""
    return parse_signatures(SNAPSHOT.read_text(encoding="utf-8"))


@cache
def seed_constructor() -> list[SeedParam]:
    """The constructor's parameters, from the committed snapshot."""
    return parse_constructor(SNAPSHOT.read_text(encoding="utf-8"))
