"""``sambastudio demo``: on its own emulator, on a configured host, and as the installed command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sambastudio.cli import demo as demo_module
from sambastudio.emulator import Emulator
from tests.cli.conftest import Cli

REPO = Path(__file__).resolve().parents[2]
STEPS = 11
CLEANED = "[11/11] deleted logs, endpoint, model, job, dataset, project"
OUTCOMES = [
    "created project",
    "uploaded dataset",
    "ended EXIT_WITH_0",
    "the lowest of 5",
    "promoted it to model",
    ": Live",
    "created API key key-",
    "predicted",
    "streamed",
    "downloaded the job's logs",
]
"""What the line of each step says, in order."""


def step_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("[")]


def test_demo_runs_the_lifecycle_on_its_own_emulator(offline: Cli) -> None:
    started = time.monotonic()
    result = offline("demo")
    assert time.monotonic() - started < 20
    assert result.stdout.startswith("Running on a local SambaStudio emulator at http://127.0.0.1:")
    lines = step_lines(result.stdout)
    assert len(lines) == STEPS
    for words, line in zip(OUTCOMES, lines, strict=False):
        assert words in line
    assert lines[-1] == CLEANED
    assert "Done in" in result.stdout
    assert result.stderr == ""


def test_keep_leaves_everything_in_place(offline: Cli, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    result = offline("demo", "--keep", "--logs-dir", str(logs))
    assert "kept endpoint, model, job, dataset, project" in step_lines(result.stdout)[-1]
    assert "The emulator stops now" in result.stdout
    assert [path.name.endswith("-logs.tar.gz") for path in logs.iterdir()] == [True]


def test_a_failed_step_is_one_message_and_is_cleaned_up(offline: Cli) -> None:
    result = offline("demo", "--model", "no-such-model", code=1)
    assert step_lines(result.stdout)[-2:] == [
        "[ 2/11] FAILED: upload the dataset",
        "[11/11] deleted project",
    ]
    assert result.stderr == (
        "Error: no model named 'no-such-model' in tenant 'default'. "
        "List them with: sambastudio model list\n"
    )


@pytest.fixture
def fast(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """A configured host: a quick emulator, polled as quickly as the demo polls its own."""
    monkeypatch.setattr(demo_module, "CLUSTER_PACE", demo_module.EMULATOR_PACE)
    with Emulator(port=0, speed=200) as emu:
        yield Cli(emu, tmp_path)


def test_a_configured_host_asks_first(fast: Cli) -> None:
    result = fast("demo", input="n\n", code=1)
    assert f"endpoint on {fast.env['SAMBASTUDIO_HOST_URL']} (tenant default)" in result.stdout
    assert "Aborted" in result.stderr
    assert fast.json("project", "list") == []


def test_the_snapi_config_counts_as_a_configured_host(fast: Cli) -> None:
    assert fast.emu is not None
    folder = Path(str(fast.env["SNAPI_CLI_CONFIG_DIR"]))
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"HOST_NAME": fast.emu.url}))
    (folder / "secret.txt").write_text(fast.emu.access_key)
    fast.env.update(SAMBASTUDIO_HOST_URL=None, SAMBASTUDIO_ACCESS_KEY=None)
    assert "Go on? [y/N]" in fast("demo", input="n\n", code=1).stdout


def test_yes_runs_on_the_configured_host_and_leaves_nothing(fast: Cli) -> None:
    result = fast("demo", "--yes")
    assert result.stdout.startswith(f"Running on {fast.env['SAMBASTUDIO_HOST_URL']}")
    assert step_lines(result.stdout)[-1] == CLEANED
    assert fast.json("project", "list") == []
    assert fast.json("dataset", "list") == []


def test_a_failed_job_stops_the_demo_with_the_servers_words(fast: Cli) -> None:
    assert fast.emu is not None
    fast.emu.fail_on(hyperparam=("num_iterations", "10"))
    result = fast("demo", "--yes", code=1)
    assert step_lines(result.stdout)[-2:] == [
        "[ 3/11] FAILED: fine-tune",
        "[11/11] deleted job, dataset, project",
    ]
    assert "ended with status EXIT_WITH_1" in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_installed_command_runs_the_demo(tmp_path: Path) -> None:
    """The console script that `pip install` puts beside the interpreter, as a user runs it."""
    script = shutil.which("sambastudio", path=str(Path(sys.executable).parent))
    assert script, "the sambastudio console script is not installed: pip install -e '.[dev]'"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMBASTUDIO_", "SNAPI_"))}
    env.update(HOME=str(tmp_path))
    done = subprocess.run(
        [script, "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert step_lines(done.stdout)[-1] == CLEANED
    assert done.stderr == ""


def test_the_wheel_ships_the_demo_data(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source)
    shutil.copytree(
        REPO / "sambastudio", source / "sambastudio", ignore=shutil.ignore_patterns("__pycache__")
    )
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = tmp_path.glob("*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    data = {
        f"sambastudio/demo_data/{path.name}" for path in (REPO / "sambastudio/demo_data").iterdir()
    }
    assert data <= shipped
    assert "sambastudio/cli/__main__.py" in shipped
