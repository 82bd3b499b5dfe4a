"""Every Python block of README.md and docs/ runs as written against the emulator.

Blocks run through the environment a user would set (``SAMBASTUDIO_HOST_URL`` and
``SAMBASTUDIO_ACCESS_KEY``), in a folder holding the demo's ``capitals`` dataset; ``host_url``
and ``access_key`` are also defined, for the ``SnSdk`` examples that take them.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from sambastudio.emulator import Emulator
from tests.docs.code_blocks import DEMO_DATA, REPO, Block, pages, python_blocks

PRINTED = {
    "README.md": ("EXIT_WITH_0",),  # the lifecycle's job succeeded
    "docs/guide.md": ("EXIT_WITH_0",),
    "docs/inference.md": ("emulated", "1024"),  # an emulated answer; the vectors' length
}
"""What some pages' examples must print: proof that they did their work, not only ran."""
RUNNABLE = {
    str(page.relative_to(REPO)): runnable
    for page in pages()
    if (runnable := [block for block in python_blocks(page) if block.not_run is None])
}


@pytest.mark.parametrize("page", sorted(RUNNABLE))
def test_the_page_runs_top_to_bottom(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in ("capitals", "squad"):  # the names the pages give their training files
        shutil.copytree(DEMO_DATA, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SNAPI_CLI_CONFIG_DIR", str(tmp_path / "no-snapi"))
    with Emulator(port=0, speed=100_000) as emu, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the shim's, by design
        monkeypatch.setenv("SAMBASTUDIO_HOST_URL", emu.url)
        monkeypatch.setenv("SAMBASTUDIO_ACCESS_KEY", emu.access_key)
        namespace: dict[str, object] = {"host_url": emu.url, "access_key": emu.access_key}
        try:
            for block in RUNNABLE[page]:
                _run(block, namespace)
        finally:
            for value in namespace.values():  # an emulator a page started and left running
                if isinstance(value, Emulator) and value is not emu:
                    value.stop()
    printed = capsys.readouterr().out
    assert [text for text in PRINTED.get(page, ()) if text not in printed] == []


def _run(block: Block, namespace: dict[str, object]) -> None:
    code = compile(block.code, f"{block.page}:{block.line}", "exec")
    try:
        exec(code, namespace)  # noqa: S102 - the documentation's own code
    except Exception as error:
        raise AssertionError(f"the block at {block.page}:{block.line} failed: {error!r}") from error


def test_every_exemption_says_why() -> None:
    exempt = [
        block for page in pages() for block in python_blocks(page) if block.not_run is not None
    ]
    assert [f"{b.page}:{b.line}" for b in exempt if not b.not_run] == []


def test_the_readme_and_the_guide_have_runnable_blocks() -> None:
    assert {"README.md", "docs/guide.md"} <= set(RUNNABLE)
