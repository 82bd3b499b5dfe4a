"""A server that sends too much cannot make the client hold it: error bodies, answers
through the SnSdk shim and streamed lines are read only up to their bound.

Each server sends 48 MiB; the client, holding a bound of 64 KiB, must stop reading there.
Memory is measured with tracemalloc: reading the whole body would allocate 48 MiB.
"""

from __future__ import annotations

import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import requests

from sambastudio import Client, Limits
from sambastudio.compat import SnSdk, SnSdkDeprecationWarning
from sambastudio.errors import InternalServerError, LimitExceededError, error_from_response
from sambastudio.resources import Endpoint
from tests.hardening.hostile_server import hostile_server

KEY = "k-0123456789abcdef"
TOO_MUCH = 48 << 20
BOUND = 64 << 10
HELD = 8 << 20
"""Most a bounded read may allocate at its peak (the bound, copies and the stack's own)."""


def _peak(action: Callable[[], Any]) -> tuple[Any, int]:
    """What ``action`` returned or raised, and the most memory it held at once."""
    tracemalloc.start()
    try:
        try:
            outcome: Any = action()
        except Exception as error:  # the error is the outcome to check
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _client(url: str, **limits: int) -> Client:
    return Client(host_url=url, access_key=KEY, max_retries=0, limits=Limits(**limits))


def test_an_error_body_is_read_only_up_to_max_error_bytes() -> None:
    with hostile_server(status=500, size=TOO_MUCH, head=b'{"detail": "') as server:
        client = _client(server.url, max_error_bytes=BOUND)
        error, peak = _peak(lambda: client.projects.list().to_list())
    assert isinstance(error, InternalServerError)
    assert isinstance(error.body, str)
    assert len(error.body) <= BOUND
    assert peak < HELD


def test_error_from_response_reads_an_unread_body_only_up_to_its_bound() -> None:
    with hostile_server(status=502, size=TOO_MUCH, content_type="text/plain") as server:
        response = requests.get(server.url + "/api/projects", stream=True, timeout=10)
        error, peak = _peak(lambda: error_from_response(response, max_bytes=BOUND))
    assert error.status_code == 502
    assert error.body == "x" * BOUND
    assert peak < HELD


def _sdk(url: str) -> SnSdk:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnSdkDeprecationWarning)
        return SnSdk(url, KEY)


def _list_projects(sdk: SnSdk) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnSdkDeprecationWarning)
        return sdk.list_projects()


def test_the_shim_reads_an_error_body_only_up_to_the_default_bound() -> None:
    with hostile_server(status=500, size=TOO_MUCH, content_type="text/plain") as server:
        sdk = _sdk(server.url)
        result, peak = _peak(lambda: _list_projects(sdk))
    assert result["status_code"] == 500
    assert result["detail"].startswith("xxx")
    assert peak < HELD


def test_the_shim_refuses_an_answer_past_max_json_bytes_without_reading_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_LIMITS", f"max_json_bytes={BOUND}")  # snapi's signature
    with hostile_server(status=200, size=TOO_MUCH, head=b'{"projects": "') as server:
        sdk = _sdk(server.url)
        result, peak = _peak(lambda: _list_projects(sdk))
    assert "max_json_bytes" in result["detail"]
    assert peak < HELD


WIRE_URLS = {
    "sse": "/api/predict/nlp/p1/e1",
    "json lines": "/api/predict/generic/p1/e1",
    "v2 json lines": "/api/v2/predict/generic/p1/e1",
}


def _endpoint(client: Client, url: str, **fields: Any) -> Endpoint:
    data = {
        "id": "e1",
        "project_id": "p1",
        "status": "Live",
        "url": url,
        "targets": [{"model": "Meta-Llama-3.2-1B-Instruct"}],
        **fields,
    }
    return Endpoint.model_validate(data).attach(client)


@pytest.mark.parametrize("wire", sorted(WIRE_URLS))
def test_a_streamed_line_that_never_ends_is_refused_at_max_line_bytes(wire: str) -> None:
    head = b"data: " if wire == "sse" else b'{"result": "'
    with hostile_server(status=200, size=TOO_MUCH, head=head) as server:
        endpoint = _endpoint(_client(server.url, max_line_bytes=BOUND), WIRE_URLS[wire])
        error, peak = _peak(lambda: list(endpoint.stream("hi", api_key=KEY)))
    assert isinstance(error, LimitExceededError)
    assert error.limit == "max_line_bytes"
    assert peak < HELD


def test_a_server_sent_event_of_endless_short_lines_is_refused_at_max_line_bytes() -> None:
    with hostile_server(status=200, size=TOO_MUCH, pattern=b"data: x\n") as server:
        endpoint = _endpoint(_client(server.url, max_line_bytes=BOUND), WIRE_URLS["sse"])
        error, peak = _peak(lambda: list(endpoint.stream("hi", api_key=KEY)))
    assert isinstance(error, LimitExceededError)
    assert error.limit == "max_line_bytes"
    assert peak < HELD


@pytest.mark.parametrize("openai", [True, False], ids=["openai", "v2"])
def test_a_chat_stream_line_that_never_ends_is_refused(openai: bool) -> None:
    head = b"data: " if openai else b'{"result": "'
    with hostile_server(status=200, size=TOO_MUCH, head=head) as server:
        client = _client(server.url, max_line_bytes=BOUND)
        endpoint = _endpoint(client, WIRE_URLS["v2 json lines"], openai_compatible=openai)
        messages = [{"role": "user", "content": "hi"}]

        def chat() -> list[Any]:
            return list(endpoint.chat(messages, stream=True, api_key=KEY))

        error, peak = _peak(chat)
    assert isinstance(error, LimitExceededError), error
    assert error.limit == "max_line_bytes"
    assert peak < HELD
