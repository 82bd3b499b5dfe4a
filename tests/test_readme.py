"""README's examples run as written (against the emulator, through the environment)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sambastudio.compat._migration import reset_warnings
from sambastudio.emulator import Emulator

REPO = Path(__file__).resolve().parents[1]
DEMO_DATA = REPO / "sambastudio" / "demo_data"


def python_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


def block_with(marker: str) -> str:
    (block,) = [block for block in python_blocks() if marker in block]
    return block


def test_the_object_model_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(DEMO_DATA, tmp_path / "capitals")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SNAPI_CLI_CONFIG_DIR", str(tmp_path / "no-snapi"))
    with Emulator(port=0, speed=100_000) as emu:
        monkeypatch.setenv("SAMBASTUDIO_HOST_URL", emu.url)
        monkeypatch.setenv("SAMBASTUDIO_ACCESS_KEY", emu.access_key)
        exec(block_with("client = Client()"), {})  # noqa: S102 - the README's own code
    printed = capsys.readouterr().out.splitlines()
    assert printed[-2] == "EXIT_WITH_0"
    assert printed[-1].strip()


def test_the_emulator_example_runs() -> None:
    namespace: dict[str, object] = {}
    exec(block_with("with Emulator("), namespace)  # noqa: S102 - the README's own code
    assert "client" in namespace


def test_the_shim_example_runs() -> None:
    reset_warnings()  # each method warns once per process; this test wants its warning
    with Emulator(port=0) as emu:
        namespace: dict[str, object] = {"host_url": emu.url, "access_key": emu.access_key}
        with pytest.warns(DeprecationWarning, match="client.projects.create"):
            exec(block_with("SnSdk("), namespace)  # noqa: S102 - the README's own code
    assert re.fullmatch(r"[0-9a-f-]{36}", str(namespace["project_id"]))
