"""Datasets: uploaded by create (and resumed), found by name or id, deleted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sambastudio._client import Client
from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from sambastudio.errors import (
    InvalidArgumentError,
    NameNotFoundError,
    NotFoundError,
    UploadError,
)
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


def test_an_upload_follows_the_clients_routes_file(
    emulator: Emulator, data_dir: Path, tmp_path: Path
) -> None:
    """Every request of an upload takes its route from the client's table (a routes file
    corrects it): the reservation moved where the emulator serves nothing is answered 404
    there, before any folder or part is sent."""
    moved = {"generate_dataset_id": {"path": "/moved" + ROUTES["generate_dataset_id"].path}}
    routes = tmp_path / "routes.json"
    routes.write_text(json.dumps({"version": 1, "routes": moved}), encoding="utf-8")
    with (
        Client(emulator.url, emulator.access_key, routes=routes) as client,
        pytest.raises(NotFoundError) as caught,
    ):
        client.datasets.create(name=unique("moved"), path=data_dir, apps=[APP], job_types=["train"])
    assert caught.value.response is not None
    assert "/moved/" in caught.value.response.url
