"""docs/inference.md's examples run as written, in order, against the emulator they start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "inference.md"


def test_the_inference_examples_run_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 8
    namespace: dict[str, object] = {}
    try:
        for block in blocks:
            exec(block, namespace)  # noqa: S102 - the document's own code
    finally:
        emulator = namespace.get("emulator")
        if emulator is not None:
            emulator.stop()  # type: ignore[attr-defined]
    printed = capsys.readouterr().out
    assert "emulated" in printed
    assert "1024" in printed  # the embedding vectors' length
