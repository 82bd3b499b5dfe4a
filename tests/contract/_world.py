"""What the contract scenarios of both surfaces share: names, data, marks and polling.

Everything here is fixed, so that a scenario sends the same bytes in every recording and
every replay: names are constants (each scenario has a fresh emulator, so they never
clash), and data files are written from constants.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import pytest

from sambastudio._waiting import Clock
from sambastudio.testing import FLAVORS
from tests.compat.helpers import TRAINING_DATA

T = TypeVar("T")

BASE_MODEL: Final = "Meta-Llama-3.2-1B-Instruct"
DRAFT_TARGET: Final = "Meta-Llama-3-8B-Instruct"
EMBEDDING_MODEL: Final = "e5-large-v2"
APP: Final = "Generative Tuning"
RDU_ARCH: Final = "SN40L-8"
SHORT_TRAINING: Final = {"num_iterations": 10, "save_steps": 5}
JOB_TYPES: Final = ["train", "evaluation", "batch_predict"]
PROMPTS: Final = "Hello\nHow are you?\n"
AWS: Final = {
    "bucket": "contract-bucket",
    "folder": "runs/1",
    "access_key_id": "AKIAIOSFODNN7EXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "region_name": "us-east-1",
}
"""AWS's documented example credentials: fake, yet shaped like real ones, so the scan
proves that secrets of that shape are scrubbed."""

CONTRACT_MARKS: Final = [
    pytest.mark.vcr,
    pytest.mark.block_network,
    pytest.mark.parametrize("sambastudio_flavor", FLAVORS),
]
"""Every scenario: a cassette per flavor, replayed with the network blocked."""


def write_training_data(folder: Path) -> Path:
    """The dataset folder every scenario uploads (the same bytes every time)."""
    for name, data in TRAINING_DATA.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def write_prompts(folder: Path) -> Path:
    path = folder / "prompts.txt"
    path.write_text(PROMPTS, encoding="utf-8")
    return path


def poll(
    fetch: Callable[[], T], done: Callable[[T], bool], clock: Clock, *, every: float = 5.0
) -> T:
    """``fetch()`` until ``done``, sleeping on the test's clock (which moves the emulator's
    time when recording and is instant on replay): how SnSdk callers wait."""
    for _ in range(200):
        value = fetch()
        if done(value):
            return value
        clock.sleep(every)
    raise AssertionError(f"still not done after 200 polls: {value!r}")


def status_of(result: dict[str, Any]) -> Any:
    """``status`` of a flat answer or of its ``data`` envelope (2024 shapes)."""
    return result.get("status", (result.get("data") or {}).get("status"))
