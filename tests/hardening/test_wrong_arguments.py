"""A wrong argument is a TypeError/ValueError naming it, raised before any request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sambastudio import Client
from sambastudio._base import Collection
from sambastudio._pipeline import Pipeline
from sambastudio._routes import WireRequest
from sambastudio.resources import Project
from sambastudio.resources.endpoints import ProjectEndpoints
from sambastudio.resources.jobs import ProjectJobs


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Client:
    def refuse(self: Pipeline, request: WireRequest, **options: Any) -> Any:
        raise AssertionError(f"{request.method} {request.path} was sent")

    monkeypatch.setattr(Pipeline, "send", refuse)
    return Client(host_url="http://127.0.0.1:9", access_key="k-0123456789")


def _collections(client: Client) -> list[Collection[Any]]:
    return [
        client.projects,
        client.datasets,
        client.models,
        client.endpoints,
        client.tenants,
        client.users,
        client.jobs,
        client.apps,
        ProjectJobs(client, "p"),
        ProjectEndpoints(client, "p"),
    ]


COLLECTIONS = [
    "projects", "datasets", "models", "endpoints", "tenants", "users", "jobs", "apps",
    "project jobs", "project endpoints",
]  # fmt: skip


@pytest.mark.parametrize("index", range(len(COLLECTIONS)), ids=COLLECTIONS)
@pytest.mark.parametrize("ref", [object(), 7, None, ["a"]], ids=["object", "int", "None", "list"])
def test_get_with_a_reference_of_the_wrong_type(client: Client, index: int, ref: object) -> None:
    collection = _collections(client)[index]
    with pytest.raises(TypeError, match=collection._model.kind):
        collection.get(ref)


@pytest.mark.parametrize("index", range(len(COLLECTIONS)), ids=COLLECTIONS)
@pytest.mark.parametrize("limit", [object(), "3", 0, True, 1.5])
def test_list_with_a_limit_of_the_wrong_type(client: Client, index: int, limit: object) -> None:
    with pytest.raises(ValueError, match="limit"):
        _collections(client)[index].list(limit=limit)  # type: ignore[arg-type]


def _dataset(client: Client, tmp_path: Path, **changes: Any) -> None:
    (tmp_path / "train.jsonl").write_text("{}\n")
    arguments: dict[str, Any] = {
        "name": "d",
        "path": tmp_path,
        "apps": ["Generative Tuning"],
        "job_types": ["train"],
        **changes,
    }
    client.datasets.create(**arguments)


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("apps", "Generative Tuning"),
        ("job_types", "train"),
        ("metadata", "x"),
        ("description", 3),
        ("language", ["en"]),
    ],
)
def test_a_dataset_argument_of_the_wrong_type(
    client: Client, tmp_path: Path, argument: str, value: object
) -> None:
    with pytest.raises(TypeError, match=argument):
        _dataset(client, tmp_path, **{argument: value})


@pytest.mark.parametrize(
    ("argument", "value"),
    [("load_state", "yes"), ("description", 1), ("sub_path", None)],
)
def test_a_job_argument_of_the_wrong_type(client: Client, argument: str, value: object) -> None:
    arguments: dict[str, Any] = {
        "type": "train",
        "name": "j",
        "model": "m",
        "dataset": "d",
        "rdu_arch": "SN40L-8",
        argument: value,
    }
    with pytest.raises(TypeError, match=argument):
        ProjectJobs(client, "p").create(**arguments)


def test_an_argument_is_checked_by_position_and_by_name(client: Client) -> None:
    with pytest.raises(TypeError, match="ref must be a string or a project"):
        client.projects.get(ref=7)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="multiple values"):
        client.projects.get("a", ref="b")  # type: ignore[misc]
    with pytest.raises(TypeError, match="missing"):
        client.projects.get()  # type: ignore[call-arg]


def test_an_inherited_method_checks_against_each_collection_s_own_model(client: Client) -> None:
    project = Project.model_validate({"id": "p", "name": "demo"})
    assert client.projects.id_of(project) == "p"  # a project is a project reference...
    with pytest.raises(TypeError, match="a string or a job"):
        client.jobs.id_of(project)  # type: ignore[arg-type]  # ...not a job one
