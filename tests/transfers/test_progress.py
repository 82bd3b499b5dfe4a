"""Progress: bars only on a terminal and never when disabled; each piece of work counted once."""

from __future__ import annotations

import io

import pytest

from sambastudio.transfers.progress import (
    ProgressReporter,
    TransferProgress,
    bars_enabled,
    make_bar,
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_follow_the_terminal_and_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS")
    assert bars_enabled(Terminal())
    assert not bars_enabled(io.StringIO())
    monkeypatch.setenv("SAMBASTUDIO_DISABLE_PROGRESS_BARS", "1")
    assert not bars_enabled(Terminal())


def test_an_explicit_choice_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_bar(10, desc="x") is None  # disabled by the test environment
    bar = make_bar(10, desc="x", enabled=True)
    assert bar is not None
    bar.close()


def test_work_is_counted_once_per_key() -> None:
    seen: list[TransferProgress] = []
    with ProgressReporter(30, desc="x", on_progress=seen.append, progress_bar=False) as reporter:
        reporter.advance(10, item="a", key=("a", 1))
        reporter.advance(10, item="a", key=("a", 1))  # the same part, sent again
        reporter.advance(20, item="b", key=("b", 1))
        reporter.advance(0)  # no key: always counted; no item: an empty one

    assert seen == [
        TransferProgress(10, 30, "a"),
        TransferProgress(30, 30, "b"),
        TransferProgress(30, 30, ""),
    ]
    assert seen[-1].fraction == 1.0
    assert TransferProgress(5, None).fraction is None


def test_a_bar_asked_for_shows_its_description_and_counts_on_from_initial(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A resumed transfer's bar starts at what was already done (here 1 KiB of 4)."""
    with ProgressReporter(4096, desc="Uploading squad", progress_bar=True, initial=1024) as bar:
        bar.advance(2048, item="a")

    first, *_, last = capsys.readouterr().err.strip().split("\r")
    assert first.startswith("Uploading squad:  25%")
    assert last.startswith("Uploading squad:  75%")
    assert "| 3.00k/4.00k [" in last
    assert bar.done == 3072
