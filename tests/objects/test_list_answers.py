"""A list is read from the raw body in one pydantic-core call, with the same results and errors
as the general way (``json.loads``, ``list_of``, one validation of the items)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Client
from sambastudio._answers import parse_answers, parse_list_json
from sambastudio._envelopes import list_of
from sambastudio.errors import ResponseDecodeError, UnexpectedResponseError
from sambastudio.resources import Project

KEY = "k-0123456789abcdef"
SECRET = "s3cr3t-" + "9" * 40
ITEMS = [
    {"project_id": "p1", "project_name": "one", "metadata": {"owner": "ann", "tags": [1, [2]]}},
    {"id": "p2", "name": "two", "status": "NewStatus", "time_created": 1700000000, "extra": {}},
]
SHAPES = [
    {"projects": ITEMS},
    {"count": 2, "data": {"projects": ITEMS}},
    {"data": ITEMS},
    {"projects": None, "data": ITEMS},
]


def _client(server: HTTPServer) -> Client:
    return Client(host_url=server.url_for(""), access_key=KEY, max_retries=0)


@pytest.mark.parametrize("body", SHAPES)
def test_every_shape_reads_as_the_general_way_reads_it(
    httpserver: HTTPServer, body: dict[str, Any]
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json(body)
    client = _client(httpserver)
    projects = client.projects.list().to_list()
    expected = parse_answers(Project, list_of(body, "projects"), "project")
    assert [p.model_dump() for p in projects] == [p.model_dump() for p in expected]
    assert [p.model_extra for p in projects] == [p.model_extra for p in expected]
    assert all(p.client is client for p in projects)
    assert projects[0].last_response is projects[1].last_response
    assert projects[0].last_response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"", b"<html>busy</html>", b"[]", b'{"detail": "x"}', b'{"projects": {}}', b'{"data": 3}'],
)
def test_what_is_not_a_list_answer_is_left_to_the_general_way(body: bytes) -> None:
    assert parse_list_json(Project, body, "projects") is None


def test_an_invalid_item_is_a_typed_error_that_quotes_no_value(httpserver: HTTPServer) -> None:
    items = [ITEMS[0], {"id": ["not", SECRET], "name": 7, "api_key": SECRET}]
    httpserver.expect_request("/api/projects").respond_with_json({"projects": items})
    with pytest.raises(UnexpectedResponseError) as raised:
        _client(httpserver).projects.list().to_list()
    message = str(raised.value)
    assert message.startswith("unexpected project data: 1.id")
    assert "1.name" in message
    assert SECRET[:10] not in message


def test_a_body_that_is_not_json_is_a_decode_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/projects").respond_with_data(
        '{"projects": [', content_type="application/json"
    )
    with pytest.raises(ResponseDecodeError, match="not JSON"):
        _client(httpserver).projects.list().to_list()


def test_a_body_without_the_list_says_so(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "nope"})
    with pytest.raises(UnexpectedResponseError, match="no 'projects' list"):
        _client(httpserver).projects.list().to_list()


def test_a_limit_cuts_the_page_without_a_step_per_item(httpserver: HTTPServer) -> None:
    items = [{"id": f"p{number}", "name": f"n{number}"} for number in range(5)]
    httpserver.expect_request("/api/projects").respond_with_json({"projects": items})
    pager = _client(httpserver).projects.list(limit=3)
    assert [p.id for p in pager] == ["p0", "p1", "p2"]
    assert [p.id for p in pager.to_list()] == ["p0", "p1", "p2"]
    assert pager.first() is not None
