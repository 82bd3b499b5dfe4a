"""The command line shared by the generators of committed documents (the wire protocol
page, the emulator's OpenAPI document): ``--help`` says what they write, an unknown
option is refused, and an optional path says where to write instead of the committed copy.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path


def write_document(
    render: Callable[[], str],
    default: Path,
    *,
    description: str,
    argv: Sequence[str] | None = None,
) -> Path:
    """Write ``render()`` to the path ``argv`` names, else to ``default``; the path written."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "path", nargs="?", type=Path, default=default, help=f"where to write (default: {default})"
    )
    target: Path = parser.parse_args(argv).path
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return target
