"""The local half of resume on its own: where journals live, how they are read back after a
crash, and the file names a plan refuses.

The upload tests reach the journal through whole uploads; these pin what those cannot: the
cache folder's fallbacks (docs/configuration.md), a cache folder that does not exist yet,
and journals damaged by a process killed in the middle of a line.
"""

from __future__ import annotations

import builtins
import hashlib
from pathlib import Path
from typing import Any

import pytest

from sambastudio.errors import InvalidArgumentError
from sambastudio.transfers.plan import Journal, ResumeState, cache_dir, plan_upload


@pytest.fixture
def no_cache_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Neither cache variable set, and a home of the test's own; returns that home."""
    monkeypatch.delenv("SAMBASTUDIO_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_the_cache_folder_is_the_setting_first(
    no_cache_settings: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SAMBASTUDIO_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_then_the_xdg_cache_then_the_home_cache(
    no_cache_settings: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert cache_dir() == no_cache_settings / ".cache" / "sambastudio"
    monkeypatch.setenv("SAMBASTUDIO_CACHE_DIR", "")  # set but empty: not a folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "sambastudio"


def test_a_journal_has_one_place_per_dataset_and_folder(tmp_path: Path) -> None:
    """The place is a format: a journal written before an upgrade must be found after it."""
    key = hashlib.sha256(f"squad\0{tmp_path}".encode()).hexdigest()[:32]
    assert Journal("squad", tmp_path).path == cache_dir() / "uploads" / f"{key}.jsonl"
    assert Journal("squad", tmp_path).path == Journal("squad", tmp_path).path
    assert Journal("other", tmp_path).path != Journal("squad", tmp_path).path
    assert Journal("squad", tmp_path / "sub").path != Journal("squad", tmp_path).path


def test_the_first_journal_creates_the_cache_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_CACHE_DIR", str(tmp_path / "not" / "there" / "yet"))
    journal = Journal("squad", tmp_path)
    journal.append("start", name="squad")
    assert journal.records() == [{"kind": "start", "name": "squad"}]


def test_a_line_cut_by_a_crash_is_skipped_and_the_lines_after_it_are_read(tmp_path: Path) -> None:
    journal = Journal("squad", tmp_path)
    journal.append("start", name="squad")
    with journal.path.open("a", encoding="utf-8") as out:
        out.write('{"kind": "file", "pa')  # killed here; the next attempt appends after it
    journal.append("file", path="a.txt", upload_id="u-1")
    journal.append("part", path="a.txt", part=1, size=5, crc32="0000002a")

    state = ResumeState.from_records(journal.records())
    assert state is not None
    assert (state.start["name"], state.parts) == ("squad", {"a.txt": {1: (5, "0000002a")}})


def test_records_before_the_first_start_are_ignored() -> None:
    records = [
        {"kind": "part", "path": "old.txt", "part": 1, "size": 1, "crc32": "00000001"},
        {"kind": "start", "name": "squad"},
        {"kind": "file", "path": "a.txt", "upload_id": "u-1"},
        {"kind": "file_done", "path": "a.txt"},
    ]
    state = ResumeState.from_records(records)
    assert state is not None
    assert (state.upload_ids, state.parts, state.completed) == (
        {"a.txt": "u-1"},
        {"a.txt": {}},
        {"a.txt"},
    )


def test_a_part_whose_file_line_was_lost_is_still_counted() -> None:
    records = [
        {"kind": "start", "name": "squad"},
        {"kind": "part", "path": "a.txt", "part": 2, "size": 3, "crc32": "00000002"},
    ]
    state = ResumeState.from_records(records)
    assert state is not None
    assert (state.upload_ids, state.parts) == ({}, {"a.txt": {2: (3, "00000002")}})


def test_a_file_name_with_a_backslash_is_refused_before_any_request(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "fine.txt").write_text("ok")
    (tmp_path / "data" / "a\\b.txt").write_text("no")
    with pytest.raises(InvalidArgumentError) as caught:
        plan_upload(tmp_path / "data")
    assert caught.value.argument == "path"
    assert str(caught.value).endswith("a backslash in a file name cannot be uploaded")
    assert plan_upload(tmp_path / "data" / "fine.txt").files[0].relpath == "fine.txt"


def test_a_plan_keeps_its_root_and_cuts_down_to_one_byte_parts(tmp_path: Path) -> None:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / "data" / "sub" / "f.txt").write_text("abc")
    plan = plan_upload(tmp_path / "data", chunk_size=1)
    assert (plan.root, plan.chunk_size) == (tmp_path / "data", 1)
    assert [part.offset for part in plan.files[0].parts(plan.chunk_size)] == [0, 1, 2]
    assert plan_upload(tmp_path / "data" / "sub" / "f.txt").root == tmp_path / "data" / "sub"


@pytest.mark.parametrize(
    ("where", "chunk_size", "argument", "message"),
    [
        ("data", 0, "chunk_size", "chunk_size must be positive, not 0"),
        ("missing", 1, "path", "nothing to upload: {path} does not exist"),
        ("empty", 1, "path", "nothing to upload: {path} holds no files"),
    ],
)
def test_a_plan_that_cannot_be_made_says_why(
    tmp_path: Path, where: str, chunk_size: int, argument: str, message: str
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "f.txt").write_text("abc")
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    with pytest.raises(InvalidArgumentError) as caught:
        plan_upload(tmp_path / where, chunk_size=chunk_size)
    assert (caught.value.argument, caught.value.problem) == (
        argument,
        message.format(path=tmp_path / where),
    )


def test_an_unreadable_file_is_named_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    real_open = builtins.open

    def refusing(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing)
    with pytest.raises(InvalidArgumentError) as caught:
        plan_upload(locked)
    assert caught.value.problem == f"cannot read {locked}: Permission denied"
