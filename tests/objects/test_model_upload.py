"""A checkpoint on this machine imported as a model (snapi's ``import model create
--source-type LOCAL``): uploaded over the dataset upload's protocol (assumed), then imported
from the uploaded folder until Available, with every byte where it should be."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator, _storage
from sambastudio.errors import InvalidArgumentError, NameNotFoundError
from sambastudio.resources import ModelImport
from tests.objects.conftest import BASE_MODEL, unique


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    """A checkpoint folder: a config, and weights in a sub-folder spanning several parts."""
    folder = tmp_path / "checkpoint"
    (folder / "weights").mkdir(parents=True)
    (folder / "config.json").write_text('{"model_type": "llama"}')
    (folder / "weights" / "model.safetensors").write_bytes(random.Random(3).randbytes(70_000))
    return folder


def uploaded(emulator: Emulator, model_id: str) -> dict[str, bytes]:
    return {
        path: file.read_bytes()
        for path, file in _storage.model_files(emulator.state, model_id).items()
    }


def test_a_local_checkpoint_is_uploaded_then_imported_until_available(
    client: Client, emulator: Emulator, checkpoint: Path, sent: list[str]
) -> None:
    name = unique("local")
    started = client.models.import_from_local(
        model=BASE_MODEL, path=checkpoint, name=name, chunk_size=32_000
    )
    assert isinstance(started, ModelImport)
    assert started.status == ""
    assert sent.count("generate_model_upload_id") == 1
    assert sent.count("upload_part_file") == 4  # one part of the config, three of the weights
    assert sent[-1] == "import_model"
    assert started.wait(timeout=600).status == "Available"
    model = client.models.get(name)
    assert model.id == started.id
    assert model.status == "Available"
    assert uploaded(emulator, model.id) == {
        "config.json": (checkpoint / "config.json").read_bytes(),
        "weights/model.safetensors": (checkpoint / "weights" / "model.safetensors").read_bytes(),
    }


def test_a_single_file_is_a_checkpoint_too(
    client: Client, emulator: Emulator, tmp_path: Path
) -> None:
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"\x00\x01" * 100)
    started = client.models.import_from_local(model=BASE_MODEL, path=weights, name=unique("one"))
    assert uploaded(emulator, started.id) == {"model.bin": weights.read_bytes()}


def test_a_missing_local_path_is_refused_before_any_request(
    client: Client, tmp_path: Path, sent: list[str]
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        client.models.import_from_local(
            model=BASE_MODEL, path=tmp_path / "nowhere", name=unique("missing")
        )
    assert caught.value.argument == "path"
    assert "does not exist" in str(caught.value)
    assert sent == []


def test_a_taken_name_or_unknown_base_model_is_refused_before_uploading(
    client: Client, checkpoint: Path, sent: list[str]
) -> None:
    with pytest.raises(InvalidArgumentError) as taken:
        client.models.import_from_local(model=BASE_MODEL, path=checkpoint, name=BASE_MODEL)
    assert taken.value.argument == "name"
    with pytest.raises(NameNotFoundError):
        client.models.import_from_local(model="no-such-base", path=checkpoint, name=unique("x"))
    assert not {"generate_model_upload_id", "upload_part_file", "import_model"} & set(sent)


def test_an_upload_interrupted_before_its_import_resumes_without_sending_parts_again(
    client: Client,
    emulator: Emulator,
    checkpoint: Path,
    sent: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = unique("again")
    models = type(client.models)

    def refuse(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(models, "import_model", refuse)
        with pytest.raises(KeyboardInterrupt):
            client.models.import_from_local(model=BASE_MODEL, path=checkpoint, name=name)
    first = len(sent)
    started = client.models.import_from_local(model=BASE_MODEL, path=checkpoint, name=name)
    again = sent[first:]
    assert "generate_model_upload_id" not in again  # the same upload goes on
    assert "upload_part_file" not in again  # every file was complete already
    assert again[-1] == "import_model"
    assert set(uploaded(emulator, started.id)) == {"config.json", "weights/model.safetensors"}
