"""``SAMBASTUDIO_LIMITS`` sets the bounds of :class:`sambastudio.Limits` where code cannot:
the CLI and the ``SnSdk`` shim (whose signature is snapi's) read it, as ``Client`` does, and
a bound crossed there advises the variable rather than a ``Client`` they do not have."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Client, Limits
from sambastudio.compat import SnSdk
from sambastudio.errors import ConfigurationError, LimitExceededError
from tests.cli.conftest import Cli

pytestmark = pytest.mark.filterwarnings("ignore::sambastudio.compat.SnSdkDeprecationWarning")

KEY = "k-0123456789abcdef"
ANSWER = '{"projects": [' + ",".join(['{"id": "p"}'] * 200) + "]}"
"""About 2.4 KiB of JSON: past a bound of 1 KiB, within one of 4 KiB."""


@pytest.fixture
def projects(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/api/projects").respond_with_data(
        ANSWER, content_type="application/json"
    )
    return httpserver


def _client(server: HTTPServer, limits: Limits | None = None) -> Client:
    return Client(host_url=server.url_for(""), access_key=KEY, max_retries=0, limits=limits)


def _shim(server: HTTPServer) -> SnSdk:
    return SnSdk(server.url_for(""), KEY)


def test_the_variable_sets_the_clients_bounds(
    projects: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_LIMITS", "max_json_depth=3, max_json_bytes=1KiB")
    with pytest.raises(LimitExceededError) as raised:
        _client(projects).projects.list().to_list()
    assert raised.value.limit == "max_json_bytes"
    assert str(raised.value) == (
        f"the answer declares {len(ANSWER)} bytes, more than max_json_bytes (1024). Raise it with "
        "Client(limits=Limits(max_json_bytes=...)), or set "
        "SAMBASTUDIO_LIMITS=max_json_bytes=<value>."
    )
    monkeypatch.setenv("SAMBASTUDIO_LIMITS", "max_json_bytes=4KiB")
    assert len(_client(projects).projects.list().to_list()) == 200


def test_limits_given_in_code_win_over_the_variable(
    projects: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_LIMITS", "max_json_bytes=1KiB")
    client = _client(projects, Limits(max_json_bytes=4096))
    assert len(client.projects.list().to_list()) == 200


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("max_json=1MiB", "'max_json=1MiB' is not name=value with a name among max_json_bytes"),
        ("max_json_bytes", "'max_json_bytes' is not name=value"),
        (
            "max_json_bytes=lots",
            "max_json_bytes must be a number, with KiB, MiB or GiB, not 'lots'",
        ),
        ("max_json_depth=2KiB", "max_json_depth must be a number, not '2KiB'"),
        ("max_json_depth=2.5", "max_json_depth must be a whole number, not '2.5'"),
        ("max_extract_ratio=0", "max_extract_ratio must be a number > 0, not 0.0"),
    ],
)
def test_a_wrong_entry_is_refused_before_anything_is_sent(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_LIMITS", f"max_line_bytes=2MiB,{value}")
    for build in (_client, _shim):
        with pytest.raises(ConfigurationError) as raised:
            build(httpserver)
        assert str(raised.value).startswith(f"SAMBASTUDIO_LIMITS: {message}")
    assert httpserver.log == []


def test_the_shim_reads_the_variable_and_advises_it(
    projects: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_LIMITS", "max_json_bytes=1KiB")
    result = _shim(projects).list_projects()
    assert result["status_code"] == 200
    assert result["detail"] == (
        f"the answer declares {len(ANSWER)} bytes, more than max_json_bytes (1024). "
        "Raise it by setting SAMBASTUDIO_LIMITS=max_json_bytes=<value> in the environment."
    )
    monkeypatch.setenv("SAMBASTUDIO_LIMITS", "max_json_bytes=4KiB")
    assert len(_shim(projects).list_projects()["projects"]) == 200


def test_the_cli_reads_the_variable_and_advises_it(projects: HTTPServer, tmp_path: Path) -> None:
    cli = Cli(None, tmp_path)
    cli.env.update(
        SAMBASTUDIO_HOST_URL=projects.url_for(""),
        SAMBASTUDIO_ACCESS_KEY=KEY,
        SAMBASTUDIO_LIMITS="max_json_bytes=1KiB",
    )
    failed = cli("project", "list", code=1).output
    assert failed == (
        f"Error: the answer declares {len(ANSWER)} bytes, more than max_json_bytes (1024). "
        "Raise it by setting SAMBASTUDIO_LIMITS=max_json_bytes=<value> in the environment.\n"
    )
    cli.env["SAMBASTUDIO_LIMITS"] = "max_json_bytes=4KiB"
    assert len(cli.json("project", "list")) == 200
    cli.env["SAMBASTUDIO_LIMITS"] = "max_json_bytes=4KB"
    refused = cli("project", "list", code=1).output
    assert "SAMBASTUDIO_LIMITS: max_json_bytes must be a number, with KiB, MiB or GiB" in refused
