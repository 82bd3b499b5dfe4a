"""Every collection that takes a name refuses one that several resources share.

A loopback server answers the collection's search (or list) with two resources of the same
name; ``get(name)`` must raise ``AmbiguousNameError`` with both ids, never act on the first.
(Users are not here: a user's name is its id. Checkpoints are named by the server's key.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sambastudio._base import Collection
from sambastudio._client import Client
from sambastudio.errors import AmbiguousNameError
from sambastudio.resources import Project
from sambastudio.resources.api_keys import EndpointApiKeys

PROJECT = "6f1c2a3e-0000-4000-8000-000000000001"
ENDPOINT = "6f1c2a3e-0000-4000-8000-000000000002"
IDS = ["6f1c2a3e-0000-4000-8000-00000000000a", "6f1c2a3e-0000-4000-8000-00000000000b"]
NAME = "twin"


def searched(key: str) -> dict[str, Any]:
    """A search route's answer listing two matches."""
    return {"data": [{key: id_} for id_ in IDS]}


def listed(list_key: str, id_key: str, name_key: str) -> dict[str, Any]:
    """A list route's answer with two resources of the same name."""
    return {list_key: [{id_key: id_, name_key: NAME, "project_id": PROJECT} for id_ in IDS]}


CASES: dict[str, tuple[Callable[[Client], Collection[Any]], str, dict[str, Any]]] = {
    # collection, the path its lookup asks, the answer
    "projects": (lambda c: c.projects, "/api/projects/search", searched("project_id")),
    "datasets": (lambda c: c.datasets, "/api/datasets/search", searched("dataset_id")),
    "models": (lambda c: c.models, "/api/models/search", searched("model_id")),
    "project.jobs": (
        lambda c: Project(id=PROJECT).attach(c).jobs,
        f"/api/projects/{PROJECT}/jobs/search",
        searched("job_id"),
    ),
    "jobs": (lambda c: c.jobs, "/api/jobs", listed("jobs", "job_id", "job_name")),
    "apps": (lambda c: c.apps, "/api/apps", listed("apps", "id", "name")),
    "endpoints": (lambda c: c.endpoints, "/api/endpoints", listed("endpoints", "id", "name")),
    "project.endpoints": (
        lambda c: Project(id=PROJECT).attach(c).endpoints,
        "/api/endpoints",
        listed("endpoints", "id", "name"),
    ),
    "tenants": (
        lambda c: c.tenants,
        "/api/tenants",
        listed("tenants", "tenant_id", "tenant_name"),
    ),
}


@pytest.fixture
def client(httpserver: HTTPServer) -> Iterator[Client]:
    with Client(host_url=httpserver.url_for("/"), access_key="ambiguous-names-key") as made:
        yield made


@pytest.mark.parametrize(("collection", "path", "answer"), CASES.values(), ids=CASES.keys())
def test_a_shared_name_is_ambiguous(
    client: Client,
    httpserver: HTTPServer,
    collection: Callable[[Client], Collection[Any]],
    path: str,
    answer: dict[str, Any],
) -> None:
    httpserver.expect_request(path, method="GET").respond_with_json(answer)

    with pytest.raises(AmbiguousNameError) as caught:
        collection(client).get(NAME)

    assert (caught.value.name, sorted(caught.value.ids)) == (NAME, IDS)
    assert [request.path for request, _ in httpserver.log] == [path]  # nothing acted on


def test_a_shared_api_key_description_is_ambiguous(client: Client, httpserver: HTTPServer) -> None:
    keys = [{"api_key": f"key-{n}-0123456789", "description": NAME} for n in (1, 2)]
    httpserver.expect_request(
        f"/api/projects/{PROJECT}/endpoints/{ENDPOINT}", method="GET"
    ).respond_with_json({"id": ENDPOINT, "name": "ep", "api_keys": keys})

    with pytest.raises(AmbiguousNameError) as caught:
        EndpointApiKeys(client, PROJECT, ENDPOINT).get(NAME)

    assert len(set(caught.value.ids)) == 2
    assert all(key["api_key"] not in str(caught.value) for key in keys)
