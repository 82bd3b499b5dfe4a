"""An upload's arguments are checked before anything is created, each refusal naming its
argument and saying why; the apps are sent as ids, each once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sambastudio._pipeline import Pipeline
from sambastudio.errors import InvalidArgumentError
from tests.transfers.conftest import FakeServer, reply, upload_squad

JOB_TYPES = "('train', 'evaluation', 'batch_predict')"


@pytest.mark.parametrize(
    ("change", "argument", "problem"),
    [
        ({"name": "  "}, "name", "the dataset name must be a non-empty string"),
        ({"name": 7}, "name", "the dataset name must be a non-empty string"),
        ({"name": "a/b"}, "name", "the dataset name 'a/b' cannot hold '/' or be '.' or '..'"),
        ({"name": " .."}, "name", "the dataset name ' ..' cannot hold '/' or be '.' or '..'"),
        ({"name": ". "}, "name", "the dataset name '. ' cannot hold '/' or be '.' or '..'"),
        ({"job_types": []}, "job_types", f"job_types must be a list of {JOB_TYPES}"),
        ({"job_types": "train"}, "job_types", f"job_types must be a list of {JOB_TYPES}"),
        (
            {"job_types": ["train", "deploy", "serve"]},
            "job_types",
            "unknown job type(s) ['deploy', 'serve']: a dataset serves "
            "train, evaluation, batch_predict",
        ),
        ({"concurrency": 0}, "concurrency", "concurrency must be >= 1, not 0"),
        ({"apps": []}, "apps", "apps must be a non-empty list of app names or ids"),
        ({"apps": "Llama"}, "apps", "apps must be a non-empty list of app names or ids"),
        (
            {"apps": ["Llama", "Gemma", "app-9"]},
            "apps",
            "unknown app(s) ['Gemma', 'app-9']; known apps: ['Llama', 'Mistral']",
        ),
    ],
)
def test_a_refused_argument_is_named_with_the_reason(
    transport: Pipeline,
    server: FakeServer,
    tmp_path: Path,
    change: dict[str, Any],
    argument: str,
    problem: str,
) -> None:
    (tmp_path / "f.txt").write_text("hello")
    server.apps = [{"id": "app-2", "name": "Mistral"}, {"id": "app-1", "name": "Llama"}]

    with pytest.raises(InvalidArgumentError) as raised:
        upload_squad(transport, tmp_path, **change)

    assert (raised.value.argument, str(raised.value)) == (argument, problem)
    assert set(server.calls) <= {"list_apps"}


def test_apps_by_name_or_id_are_sent_as_ids_once_each(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_text("hello")

    added = upload_squad(
        transport,
        tmp_path,
        apps=["Mistral", "app-1", "Llama", "app-2"],
        job_types=["train", "batch_predict"],
        concurrency=1,
    )

    assert added["apps"] == {"ids": ["app-2", "app-1"]}
    assert added["job_type"] == ["train", "batch_predict"]
    defaults = ("description", "file_type", "url", "language", "dataset_metadata")
    assert [added[field] for field in defaults] == ["", "", "", "", {}]


def test_a_server_listing_no_apps_knows_none(
    transport: Pipeline, server: FakeServer, tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_text("hello")
    server.rewrite = lambda route, given: reply({}) if route == "list_apps" else given

    with pytest.raises(InvalidArgumentError) as raised:
        upload_squad(transport, tmp_path)

    assert str(raised.value) == "unknown app(s) ['Llama']; known apps: []"
