"""An upload that cannot succeed fails before its first request, leaving nothing behind."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sambastudio import Client
from sambastudio.errors import InvalidArgumentError


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "train.jsonl").write_text('{"prompt": "a", "completion": "b"}\n')
    (folder / "sub" / "more.jsonl").write_text('{"prompt": "c", "completion": "d"}\n')
    return folder


@pytest.mark.parametrize("name", ["a/b", "..", "."])
def test_a_dataset_name_that_cannot_be_a_path_segment_sends_nothing(
    client: Client, sent: list[str], tmp_path: Path, name: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="name") as raised:
        client.datasets.create(
            name=name, path=_folder(tmp_path), apps=["Generative Tuning"], job_types=["train"]
        )
    assert raised.value.argument == "name"
    assert sent == []


def test_an_unreadable_file_sends_nothing(
    client: Client, sent: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    locked = folder / "sub" / "more.jsonl"
    real_open: Callable[..., Any] = builtins.open

    def open_refusing_one(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_refusing_one)
    with pytest.raises(InvalidArgumentError, match=r"more\.jsonl") as raised:
        client.datasets.create(
            name="unreadable", path=folder, apps=["Generative Tuning"], job_types=["train"]
        )
    assert raised.value.argument == "path"
    assert sent == []
