"""Contract tests: scenarios recorded as cassettes under ``cassettes/<module>/``.

Plain ``pytest`` replays them with the network blocked (record mode ``none``, the
pytest-recording default); ``--record-mode=rewrite`` records them again from a fresh
deterministic emulator per test (``sambastudio.testing``), or from a real SambaStudio with
``--live``. See docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sambastudio.testing import Target

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """``cassettes/<test module>/``, outside the test tree, as the issue asks."""
    return str(CASSETTES / request.module.__name__.rpartition(".")[2])


@pytest.fixture
def vcr_config(sambastudio_vcr_config: dict[str, Any]) -> dict[str, Any]:
    return sambastudio_vcr_config


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No upload journal, snapi file or progress bar of the developer's may take part."""
    monkeypatch.setenv("SAMBASTUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SNAPI_CLI_CONFIG_DIR", str(tmp_path / "snapi"))
    monkeypatch.setenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS", "1")


@pytest.fixture(autouse=True)
def _every_recorded_request_is_sent(request: pytest.FixtureRequest, vcr: Any) -> Iterator[None]:
    """A replay that leaves recorded requests unsent means the SDK no longer speaks as it
    did when recording (``vcr`` is pytest-recording's cassette, ``None`` without one)."""
    replaying = vcr is not None and request.getfixturevalue("sambastudio_target").kind == "replay"
    yield
    if replaying:
        unplayed = len(vcr) - vcr.play_count
        assert unplayed == 0, f"{unplayed} recorded requests were never sent ({vcr.path})"


@pytest.fixture
def target(sambastudio_target: Target) -> Target:
    return sambastudio_target


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The checks of the cassettes run after the scenarios, so that after a re-recording
    they read the new cassettes."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/contract/test_cassettes.py"))
