"""The notebooks in docs/notebooks run as written, in a real Jupyter kernel, so they cannot
rot; their outputs are checked for the displays they exist to show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "docs" / "notebooks"


def run(path: Path, tmp_path: Path) -> Any:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=20,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return notebook


def outputs(cell: Any, kind: str) -> str:
    return "".join(str(out.get("data", {}).get(kind, "")) for out in cell.outputs)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_the_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS", raising=False)
    notebook = run(path, tmp_path)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    html = "".join(outputs(cell, "text/html") for cell in cells)
    assert ">EXIT_WITH_0</span>" in html  # the job's card
    assert "sorted by training loss" in html  # the checkpoint comparison
    assert ">Live</span>" in html  # the endpoint's card
    assert "NameNotFoundError" in html  # the error
    assert any(outputs(cell, "image/png") for cell in cells)  # the metrics plot
    widgets = "".join(outputs(cell, "application/vnd.jupyter.widget-view+json") for cell in cells)
    assert widgets  # progress as notebook widgets
