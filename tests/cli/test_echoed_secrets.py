"""The CLI never prints a secret it sent, even when the server repeats it in free text.

``endpoint key create`` sends a key the client drew itself; a server that quotes it
back, in an error (exit 1) or in an answer the SDK cannot read (the "unexpected error"
path, also exit 1), must not get it onto the terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio import APIResponse
from sambastudio.resources.api_keys import ApiKey, EndpointApiKeys
from tests.cli.conftest import Cli
from tests.echoing import STYLES, echo, fresh_secret

PROJECT = "6f1c2a3e-0000-4000-8000-000000000001"
ENDPOINT = "6f1c2a3e-0000-4000-8000-000000000002"
KEYS = f"/api/projects/{PROJECT}/endpoints/{ENDPOINT}/api-keys"


@pytest.fixture
def cli(httpserver: HTTPServer, tmp_path: Path) -> Cli:
    """The CLI against the loopback server, which knows one project and one endpoint."""
    runner = Cli(None, tmp_path)
    runner.env["SAMBASTUDIO_HOST_URL"] = httpserver.url_for("/")
    runner.env["SAMBASTUDIO_ACCESS_KEY"] = fresh_secret("access")
    httpserver.expect_request(f"/api/projects/{PROJECT}", method="GET").respond_with_json(
        {"id": PROJECT, "name": "research"}
    )
    return runner


def create_key(cli: Cli, *global_options: str) -> str:
    """``endpoint key create`` (expected to fail); what it printed."""
    create = ("endpoint", "key", "create", "-p", PROJECT, "-e", ENDPOINT)
    return cli(*global_options, *create, code=1).output


def endpoint(api_keys: list[dict[str, object]]) -> dict[str, object]:
    return {
        "id": ENDPOINT,
        "name": "ep",
        "project_id": PROJECT,
        "status": "Live",
        "api_keys": api_keys,
    }


@pytest.mark.parametrize("style", STYLES)
def test_a_refusal_that_quotes_the_new_key_does_not_print_it(
    cli: Cli, httpserver: HTTPServer, style: str
) -> None:
    httpserver.expect_request(f"/api/projects/{PROJECT}/endpoints/{ENDPOINT}").respond_with_json(
        endpoint([])
    )
    httpserver.expect_request(KEYS, method="POST").respond_with_handler(echo(style))

    output = create_key(cli)

    sent = httpserver.log[-1][0].get_json()["api_key"]
    assert sent in httpserver.log[-1][1].get_data(as_text=True)
    assert sent not in output
    assert "could not use ***" in output


@pytest.mark.parametrize("options", [(), ("--debug",)], ids=["plain", "debug"])
def test_an_unreadable_answer_that_quotes_the_new_key_does_not_print_it(
    cli: Cli, httpserver: HTTPServer, options: tuple[str, ...]
) -> None:
    """The key is accepted, then the endpoint lists it in a shape the SDK cannot read: the
    error (and the ``--debug`` traceback) quotes that data."""
    received: list[str] = []

    def accept(request: Request) -> Response:
        received.append(request.get_json()["api_key"])
        return Response(json.dumps({"status": "Active"}), content_type="application/json")

    def info(request: Request) -> Response:
        quoted = [{"api_key": fresh_secret("other"), "description": [key]} for key in received]
        return Response(json.dumps(endpoint(quoted)), content_type="application/json")

    httpserver.expect_request(f"/api/projects/{PROJECT}/endpoints/{ENDPOINT}").respond_with_handler(
        info
    )
    httpserver.expect_request(KEYS, method="POST").respond_with_handler(accept)

    output = create_key(cli, *options)

    assert len(received) == 1
    assert received[0] in httpserver.log[-1][1].get_data(as_text=True)
    assert "unexpected API key data" in output
    assert received[0] not in output
    # The field is named; the server's value is never quoted, masked or not.
    assert "description: Input should be a valid string" in output
    assert "input_value" not in output


@pytest.mark.parametrize("options", [(), ("--debug",)], ids=["plain", "debug"])
def test_the_unexpected_error_path_does_not_print_a_key_it_quotes(
    cli: Cli, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, options: tuple[str, ...]
) -> None:
    """A bug (any exception that is not the SDK's) whose message quotes the server's answer,
    which repeats the key: the CLI's last-resort message and traceback mask it."""

    def buggy(self: EndpointApiKeys, answer: APIResponse, **_: str) -> ApiKey:
        raise RuntimeError(f"cannot read {answer.json()}")

    monkeypatch.setattr(EndpointApiKeys, "_new_key", buggy)
    httpserver.expect_request(f"/api/projects/{PROJECT}/endpoints/{ENDPOINT}").respond_with_json(
        endpoint([])
    )
    httpserver.expect_request(KEYS, method="POST").respond_with_handler(echo("detail", 200))

    output = create_key(cli, *options)

    sent = httpserver.log[-1][0].get_json()["api_key"]
    assert sent in httpserver.log[-1][1].get_data(as_text=True)
    assert "unexpected RuntimeError: cannot read" in output
    assert sent not in output
    assert "could not use ***" in output
