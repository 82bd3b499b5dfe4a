"""The benchmark harness still runs against the SDK as it is (it measures nothing here).

``python -m tests.benchmarks --quick --runs 1`` goes through every figure on small sizes and
never judges a goal, so this test fails only when the harness itself broke: a renamed SDK
entry point, a server answer the SDK no longer reads.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.benchmarks.fixed_server import REPO

FIGURES = (
    "first use",
    "CLI start",
    "pytest plugin",
    "first call",
    "first result",
    "per call",
    "list",
    "download control",
    "download",
    "download memory",
    "upload control",
    "upload",
    "upload memory",
)


@pytest.mark.timeout(300)
def test_every_figure_is_measured() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--quick", "--runs", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    assert {row.split(" | ")[0].removeprefix("| ") for row in rows[1:]} == set(FIGURES)
