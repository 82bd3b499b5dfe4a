"""The emulator's OpenAPI document, committed as docs/openapi.json.

Regenerate it after changing a route: ``python -m sambastudio.emulator.openapi``
(or pass another output path). A test fails while the committed copy is stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sambastudio._generated import write_document
from sambastudio.emulator._app import create_app
from sambastudio.emulator._state import Config, EmulatorState

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def document() -> dict[str, Any]:
    state = EmulatorState(Config())
    try:
        return create_app(state).openapi()
    finally:
        state.close()


def render() -> str:
    """The document as committed: indented JSON with a final newline."""
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    write_document(
        render, DEFAULT_PATH, description="Write the emulator's OpenAPI document.", argv=argv
    )


if __name__ == "__main__":
    main()
