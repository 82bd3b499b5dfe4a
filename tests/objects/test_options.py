"""Per-client and per-call options, and the raw response behind every result."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sambastudio import Client
from sambastudio._response import APIResponse
from sambastudio.emulator import Emulator
from sambastudio.errors import APITimeoutError
from sambastudio.resources import Project
from tests.objects._endpoint_fixtures import deploy_live
from tests.objects.conftest import APP, unique


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[Emulator]:
    """Every route answers after 600 ms."""
    with Emulator(latency_ms=600, seed=3) as emulator:
        yield emulator


@pytest.fixture
def slow(slow_emulator: Emulator) -> Iterator[Client]:
    with Client(
        host_url=slow_emulator.url, access_key=slow_emulator.access_key, max_retries=0
    ) as client:
        yield client


def test_with_options_timeout_applies_to_the_new_client_only(slow: Client) -> None:
    with pytest.raises(APITimeoutError, match=r"timeout=0\.2"):
        slow.with_options(timeout=0.2).projects.list().to_list()
    assert isinstance(slow.projects.list().to_list(), list)


def test_a_per_call_timeout_applies_to_that_call_only(slow: Client) -> None:
    with pytest.raises(APITimeoutError):
        slow.request("list_projects", timeout=0.2)
    assert slow.request("list_projects").status_code == 200


def test_with_options_headers_and_the_response_hook(client: Client) -> None:
    seen: list[APIResponse] = []
    tagged = client.with_options(headers={"x-trace": "t-1"}, on_response=seen.append)
    project = tagged.projects.create(name=unique("hooked"))
    tagged.projects.delete(project)
    assert [response.method for response in seen][-1] == "DELETE"
    assert seen[-1].status_code == 200
    assert all(r.http_response.request.headers["x-trace"] == "t-1" for r in seen)
    assert tagged._pipeline.transport is client._pipeline.transport


def test_a_create_keeps_its_response(client: Client) -> None:
    project = client.projects.create(name=unique("raw"))
    response = project.last_response
    assert response.status_code == 200
    assert response.method in ("POST", "GET")  # a 2024 create is followed by a fetch
    assert response.request_id
    assert response.elapsed > timedelta(0)
    project.delete()


def test_a_list_page_and_its_items_keep_their_response(client: Client) -> None:
    client.projects.create(name=unique("listed"))
    page = next(iter(client.projects.list().pages()))
    assert page.last_response.status_code == 200
    assert page.last_response.url.endswith("/api/projects")
    assert page.items[0].last_response is page.last_response


def test_a_prediction_keeps_its_response(project: Project) -> None:
    prediction = deploy_live(project).predict("Hello")
    assert prediction.last_response.status_code == 200
    assert prediction.last_response.method == "POST"
    assert "predict" in prediction.last_response.url


def test_refresh_takes_the_new_response(client: Client) -> None:
    project = client.projects.create(name=unique("fresh"))
    before = project.last_response
    assert project.refresh().last_response is not before
    assert project.last_response.method == "GET"


def test_a_dataset_created_by_upload_keeps_its_response(client: Client, data_dir: Path) -> None:
    """The state comes from the last answer of the upload flow (add_dataset, or the fetch
    that follows a 2024 answer without the dataset's name)."""
    seen: list[APIResponse] = []
    tagged = client.with_options(on_response=seen.append)
    dataset = tagged.datasets.create(
        name=unique("raw-upload"), path=data_dir, apps=[APP], job_types=["train"]
    )
    assert dataset.last_response.status_code == seen[-1].status_code == 200
    assert dataset.last_response.request_id == seen[-1].request_id
    assert dataset.last_response.request_id
    assert dataset.last_response.url == seen[-1].url
