"""Datasets: uploaded by create (and resumed), found by name or id, deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import InvalidArgumentError, NameNotFoundError, UploadError
from sambastudio.resources import Dataset
from tests.objects.conftest import APP, emulated_now, unique
from tests.objects.flaky import Flaky


def test_create_uploads_and_returns_the_dataset(
    client: Client, data_dir: Path, emulator: Emulator
) -> None:
    name = unique("squad")
    app = client.apps.get(APP)
    dataset = client.datasets.create(
        name=name, path=data_dir, apps=[app], job_types=["train", "evaluation"], language="en"
    )
    assert isinstance(dataset, Dataset)
    assert (dataset.name, dataset.status) == (name, "Available")
    assert dataset.job_types == ["train", "evaluation"]
    assert dataset.apps == [app.id]
    assert dataset.language == "en"
    assert dataset.created_at == emulated_now(emulator)


def test_get_list_and_delete(client: Client, data_dir: Path) -> None:
    name = unique("d")
    first = client.datasets.create(name=name, path=data_dir, apps=[APP], job_types=["train"])
    assert first.name == name
    for ref in (first.name, first.id, first):
        assert client.datasets.get(ref) == first
    assert first in client.datasets.list().to_list()
    first.delete()
    second_name = unique("d")
    second = client.datasets.create(
        name=second_name, path=data_dir, apps=[APP], job_types=["train"]
    )
    assert second.name == second_name
    client.datasets.delete(second.name)
    remaining = client.datasets.list().to_list()
    assert first not in remaining
    assert second not in remaining
    with pytest.raises(NameNotFoundError) as caught:
        client.datasets.get(second.name)
    assert caught.value.kind == "dataset"


def test_an_interrupted_upload_resumes(client: Client, data_dir: Path, sent: list[str]) -> None:
    name = unique("resumed")
    flaky = Flaky("/upload/multipart/complete", [400])
    client._pipeline.session.mount(client.settings.host_url, flaky)
    with pytest.raises(UploadError):
        client.datasets.create(name=name, path=data_dir, apps=[APP], job_types=["train"])
    assert flaky.failed == 1
    dataset = client.datasets.resume_upload(name=name, path=data_dir)
    assert (dataset.name, dataset.status) == (name, "Available")
    assert "get_file_upload_status" in sent


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"name": "", "apps": [APP], "job_types": ["train"]}, "name"),
        ({"name": "d", "apps": [APP], "job_types": ["fly"]}, "job_types"),
        ({"name": "d", "apps": [APP], "job_types": []}, "job_types"),
        ({"name": "d", "apps": [], "job_types": ["train"]}, "apps"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    client: Client,
    data_dir: Path,
    sent: list[str],
    arguments: dict[str, object],
    argument: str,
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        client.datasets.create(path=data_dir, **arguments)  # type: ignore[arg-type]
    assert caught.value.argument == argument
    assert sent == []
