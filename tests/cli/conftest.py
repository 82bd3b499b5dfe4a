"""Fixtures: one emulator for the module, and ``cli`` to run ``sambastudio`` against it.

``cli`` runs the command in-process (click's CliRunner) with a scrubbed environment: HOME
and the snapi directory are temporary, so no real ``~/.snapi`` is read, and the host and
key come from ``SAMBASTUDIO_HOST_URL``/``SAMBASTUDIO_ACCESS_KEY``. Every run is checked
for the one thing that must never happen: the access key in the output.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sambastudio.cli import main
from sambastudio.emulator import Emulator

MODEL = "Meta-Llama-3.2-1B-Instruct"
ARCH = "SN40L-8"
DEMO_DATA = Path(__file__).resolve().parents[2] / "sambastudio" / "demo_data"


def unique(prefix: str) -> str:
    """A resource name no other test uses (the module shares one emulator)."""
    return f"{prefix}-{secrets.token_hex(3)}"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    # A module's tests share one tenant and leave their endpoints up: RDUs for all.
    with Emulator(port=0, rdu_nodes=1024) as running:
        yield running


class Cli:
    """``cli("project", "list")`` runs the command; ``cli.json(...)`` parses its ``--json``."""

    def __init__(self, emu: Emulator | None, home: Path) -> None:
        self.emu = emu
        self.env: dict[str, str | None] = {
            "HOME": str(home),
            "SNAPI_CLI_CONFIG_DIR": str(home / ".snapi"),
            "SAMBASTUDIO_HOST_URL": emu.url if emu else None,
            "SAMBASTUDIO_ACCESS_KEY": emu.access_key if emu else None,
            "SAMBASTUDIO_TENANT": None,
            "SAMBASTUDIO_LOG": None,
            "SAMBASTUDIO_DISABLE_PROGRESS_BARS": "1",
        }

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> Result:
        result = CliRunner().invoke(main, list(args), env=self.env, input=input)
        if self.emu is not None:
            assert self.emu.access_key not in result.output
        assert result.exit_code == code, (result.output, result.exception)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def cli(emu: Emulator, tmp_path: Path) -> Cli:
    return Cli(emu, tmp_path)


@pytest.fixture
def offline(tmp_path: Path) -> Cli:
    """``cli`` with no host configured anywhere (the demo then starts its own emulator)."""
    return Cli(None, tmp_path)
