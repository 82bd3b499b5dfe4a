"""The CLI's errors say what to run, from the same hints as the Python API's (issue #11)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from sambastudio import _hints
from sambastudio.emulator import Emulator
from sambastudio.errors import NameNotFoundError
from tests.cli.conftest import ARCH, LATER, MODEL, Cli, World, unique

KEY = "k-Distinctive-Cli-Secret-41d2"


def _error(cli: Cli, *args: str, code: int) -> dict[str, Any]:
    """The JSON error a failing ``--json`` run writes on stderr (stdout stays empty)."""
    result = cli(*args, "--json", code=code)
    assert result.stdout == ""
    document = json.loads(result.stderr)
    assert set(document) == {"error"}
    assert document["error"]["exit_code"] == code
    return dict(document["error"])


def test_a_missing_configuration_says_which_command_to_run(offline: Cli) -> None:
    output = offline("project", "list", code=1).output
    assert "sambastudio config set --host URL --access-key" in output
    assert "Client(" not in output


def test_json_errors_are_one_object_on_stderr(offline: Cli) -> None:
    error = _error(offline, "project", "list", code=1)
    assert error["type"] == "ConfigurationError"
    assert error["message"].startswith("SambaStudio host_url and access_key not found.")
    assert error["hint"].startswith("Save them with: sambastudio config set --host URL")
    usage = _error(offline, "job", "info", "-p", "demo", code=2)
    assert usage["type"] == "MissingParameter"
    assert "--job" in usage["message"]
    assert usage["hint"] is None


def test_a_name_not_found_reads_as_in_python_with_the_command_to_list(
    cli: Cli, world: World
) -> None:
    with pytest.raises(NameNotFoundError) as caught:
        world.project.jobs.get("no-such-job")
    in_python = caught.value
    error = _error(cli, "job", "info", "-p", world.project.id, "-j", "no-such-job", code=1)
    assert in_python.hint is not None
    assert error["message"] == in_python.problem
    assert error["hint"] == in_python.hint.for_shell
    assert error["hint"] == f"List them with: sambastudio job list -p {world.project.name}"
    text = cli("job", "info", "-p", world.project.id, "-j", "no-such-job", code=1).output
    assert text == f"Error: {in_python.message_for('shell')}\n"


def test_a_near_miss_project_suggests_it(cli: Cli, world: World) -> None:
    assert world.project.name is not None
    typo = world.project.name + "x"
    output = cli("job", "list", "-p", typo, code=1).output
    assert f"did you mean {world.project.name!r}?" in output
    assert "List them with: sambastudio project list" in output


def test_a_refused_key_names_the_file_it_came_from(cli: Cli, tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text(KEY + "\n")
    output = cli("--access-key-file", str(key_file), "project", "list", code=1).output
    assert f"The access key came from --access-key-file {key_file}" in output
    assert "Put a current key in that file." in output
    assert KEY not in output


def test_a_refused_key_in_json_keeps_the_key_out(cli: Cli, tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text(KEY)
    result = cli("--access-key-file", str(key_file), "project", "list", "--json", code=1)
    assert KEY not in result.output
    assert json.loads(result.stderr)["error"]["type"] == "AuthenticationError"


def test_a_wrong_tenant_lists_the_tenants_the_key_can_see(cli: Cli) -> None:
    output = cli("project", "list", "--tenant", "nope", code=1).output
    assert "The tenant 'nope' is not one this key can see; it can see 'default'" in output
    assert "sambastudio config set --tenant NAME" in output


def test_a_failed_job_points_to_the_log_commands(cli: Cli, emu: Emulator, world: World) -> None:
    emu.fail_on(hyperparam=("learning_rate", "0.66"), message="loss diverged")
    dataset = world.client.datasets.list().to_list()[0]
    job = world.project.jobs.create(
        type="train",
        name=unique("failing"),
        model=MODEL,
        dataset=dataset,
        rdu_arch=ARCH,
        hyperparams={"num_iterations": 4, "save_steps": 2, "learning_rate": "0.66"},
    )
    emu.clock.advance(LATER)
    output = cli("job", "wait", "-p", world.project.id, "-j", job.id, "--timeout", "20", code=1)
    assert "loss diverged" in output.output
    expected = _hints.job_logs(world.project.id, str(job.name)).for_shell
    assert expected in output.output
    assert f"sambastudio job logs -p {world.project.id} -j {job.name}" in expected


def test_a_stopped_endpoint_says_how_to_start_it(cli: Cli, emu: Emulator, world: World) -> None:
    endpoint = world.project.endpoints.create(name=unique("ep"), model=MODEL, rdu_arch=ARCH)
    emu.clock.advance(LATER)
    endpoint.stop()
    args = ("-p", world.project.id, "-e", endpoint.id)
    output = cli("endpoint", "wait", *args, "--timeout", "20", code=1).output
    start = f"sambastudio endpoint update -p {world.project.id} -e {endpoint.name} -i 1"
    assert start in output
    cli("endpoint", "update", "-p", world.project.id, "-e", str(endpoint.name), "-i", "1")
    emu.clock.advance(LATER)
    assert "is Live" in cli("endpoint", "wait", *args, "--timeout", "20").output


def test_a_host_with_an_api_tail_still_works(
    cli: Cli, emu: Emulator, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sambastudio"):
        listed = cli.json("--host", emu.url + "/api/v2", "project", "list")
    assert world.project.id in [project["id"] for project in listed]
    assert f"ends in an API path, which the SDK adds itself; using {emu.url!r}" in caplog.text
