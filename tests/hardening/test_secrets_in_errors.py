"""Errors cross process boundaries (pickles, queues, logs) without the request's secrets."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Client
from sambastudio.errors import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    UnexpectedResponseError,
)
from sambastudio.resources.endpoints import ProjectEndpoints

ACCESS_KEY = "ak-" + "7" * 61
PASSWORD = "correct-horse-battery-staple"
ENDPOINT_KEY = "f" * 32 + "e" * 32


def _raised(call: Any) -> APIStatusError:
    with pytest.raises(APIStatusError) as raised:
        call()
    return raised.value


def test_a_pickled_status_error_holds_no_access_key(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/projects/p").respond_with_json(
        {"detail": f"no project p for key {ACCESS_KEY}"}, status=404
    )
    client = Client(host_url=httpserver.url_for(""), access_key=ACCESS_KEY, max_retries=0)
    error = _raised(lambda: client._request("project_info", project="p"))
    pickled = pickle.dumps(error)
    assert ACCESS_KEY.encode() not in pickled
    assert ACCESS_KEY[:20].encode() not in pickled
    restored = pickle.loads(pickled)  # noqa: S301 - our own bytes
    assert isinstance(restored, NotFoundError)
    assert restored.status_code == 404
    assert restored.response is not None
    assert restored.response.status_code == 404
    assert restored.response.request.method == "GET"
    assert "/api/projects/p" in (restored.response.request.url or "")
    assert "no project p" in restored.response.text
    assert str(restored) == str(error)


def test_a_pickled_login_failure_holds_no_password(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/login", method="POST").respond_with_json(
        {"detail": "wrong password"}, status=401
    )
    with pytest.raises(AuthenticationError) as raised:
        Client.login(httpserver.url_for(""), "jo", PASSWORD, max_retries=0)
    pickled = pickle.dumps(raised.value)
    assert PASSWORD.encode() not in pickled
    assert b"_drop_secrets" not in pickled  # the transport (and its settings) stays behind
    assert pickle.loads(pickled).status_code == 401  # noqa: S301 - our own bytes


def test_an_unexpected_answer_quotes_no_value_it_held(httpserver: HTTPServer) -> None:
    """pydantic's message showed 38 of a key's 64 characters; ours names fields only."""
    httpserver.expect_request("/api/projects/p/endpoints/e").respond_with_json(
        {"id": ["not", "an", "id"], "name": 7, "api_key": ENDPOINT_KEY}
    )
    client = Client(host_url=httpserver.url_for(""), access_key=ACCESS_KEY, max_retries=0)
    with pytest.raises(UnexpectedResponseError) as raised:
        ProjectEndpoints(client, "p")._fetch("e")
    message = str(raised.value)
    problems = message.removeprefix("unexpected endpoint data: ").split("; ")
    assert [problem.split(": ")[0] for problem in problems] == [
        "id",
        "name",
        "listed_keys.0.endpoint_id",  # the key's copy of the (wrong) id
    ]
    assert ENDPOINT_KEY[:8] not in message
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
