"""The emulated clock, its frozen mode and start, and the timestamp styles of the three API
generations."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import sambastudio.emulator
from sambastudio.cli._emulator import emulator as emulator_cli
from sambastudio.emulator import Config, Emulator
from sambastudio.emulator._clock import Clock, go_utc, iso, iso_nanos, parse_epoch
from tests.emulator.conftest import Api

NEW_YEAR = 1_735_689_600.0
"""2025-01-01T00:00:00Z."""


def test_advance_moves_time_forward_only() -> None:
    anchors: list[tuple[float, float]] = []
    clock = Clock(on_anchor=anchors.append)
    before = clock.now()
    after = clock.advance(3600)
    assert after - before >= 3600
    assert clock.now() >= after
    assert len(anchors) == 1
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_speed_scales_real_time() -> None:
    clock = Clock(speed=1000)
    start = clock.now()
    time.sleep(0.01)
    assert clock.now() - start >= 10
    with pytest.raises(ValueError, match="positive"):
        Clock(speed=-1)


def test_a_saved_anchor_keeps_time_running_across_restarts() -> None:
    first = Clock()
    first.advance(10_000)
    second = Clock(anchor=first.anchor())
    assert second.now() >= first.now() - 1


def test_timestamp_styles() -> None:
    t = 1721056942.108261
    assert iso(t) == "2024-07-15T15:22:22.108261+00:00"
    assert iso_nanos(t) == "2024-07-15T15:22:22.108261000Z"
    assert go_utc(t) == "2024-07-15 15:22:22.108261 +0000 UTC"


def test_a_frozen_clock_moves_only_when_advanced() -> None:
    clock = Clock(speed=0, epoch=NEW_YEAR)
    time.sleep(0.02)
    assert clock.now() == NEW_YEAR
    assert clock.advance(90) == NEW_YEAR + 90
    time.sleep(0.02)
    assert clock.now() == NEW_YEAR + 90
    assert clock.anchor()[0] == NEW_YEAR + 90


@pytest.mark.parametrize(
    "value",
    [
        NEW_YEAR,
        "1735689600",
        "2025-01-01T00:00:00Z",
        "2025-01-01T01:00:00+01:00",
        "2025-01-01T00:00:00",  # no offset: UTC, not the machine's zone
    ],
)
def test_an_epoch_is_seconds_or_iso_8601(value: float | str) -> None:
    assert parse_epoch(value) == NEW_YEAR
    assert Config(epoch=value).epoch == NEW_YEAR


@pytest.mark.parametrize("value", ["new year", "2025-13-01", "nan", "inf"])
def test_a_bad_epoch_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="epoch"):
        parse_epoch(value)


def test_an_emulator_starts_at_its_epoch_and_stamps_answers_with_it() -> None:
    with Emulator(speed=0, epoch="2025-01-01T00:00:00Z") as emu:
        api = Api(emu)
        time.sleep(0.02)
        assert emu.clock.now() == NEW_YEAR
        first = api.ok("create_project", project_name="p", description="")
        emu.clock.advance(3600)
        second = api.ok("create_project", project_name="q", description="")
    assert _created(first) == "2025-01-01T00:00:00+00:00"
    assert _created(second) == "2025-01-01T01:00:00+00:00"


def test_epoch_starts_a_fresh_data_dir_only(tmp_path: Path) -> None:
    """A persistent emulator keeps its own time: a restart never moves it back."""
    with Emulator(data_dir=tmp_path, speed=0, epoch=NEW_YEAR) as first:
        first.clock.advance(60)
    with Emulator(data_dir=tmp_path, speed=0, epoch=NEW_YEAR - 86_400) as second:
        assert second.clock.now() == NEW_YEAR + 60


def test_serve_takes_a_frozen_speed_and_an_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Config] = []

    def serve(config: Config, **_: Any) -> None:
        served.append(config)

    monkeypatch.setattr(sambastudio.emulator, "serve", serve)
    args = ["serve", "--speed", "0", "--epoch", "2025-01-01T00:00:00Z"]
    result = CliRunner().invoke(emulator_cli, args)
    assert result.exit_code == 0, result.output
    assert [(config.speed, config.epoch) for config in served] == [(0, NEW_YEAR)]
    assert "--epoch" in CliRunner().invoke(emulator_cli, ["serve", "--help"]).output


@pytest.mark.parametrize("args", [["--epoch", "new year"], ["--speed", "-1"]])
def test_serve_refuses_a_bad_epoch_or_speed(args: list[str]) -> None:
    result = CliRunner().invoke(emulator_cli, ["serve", *args])
    assert result.exit_code == 2, result.output
    assert args[0] in result.output


def _created(answer: dict[str, Any]) -> str:
    """A create_project answer's creation time, in either response generation."""
    project = answer.get("data", answer)
    return str(project["time_created"])
