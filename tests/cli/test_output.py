"""What every command shares: global options in either place, JSON, exit codes, errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sambastudio._waiting import SystemClock
from sambastudio.emulator import Emulator
from tests.cli.conftest import ARCH, MODEL, Cli, unique


def test_global_options_work_before_and_after_the_command(cli: Cli) -> None:
    name = unique("opts")
    cli("project", "create", "-p", name)
    before = json.loads(cli("--json", "project", "info", "-p", name).stdout)
    after = json.loads(cli("project", "info", "-p", name, "--json").stdout)
    assert before == after
    assert before["name"] == name


def test_tables_for_people(cli: Cli) -> None:
    name = unique("table")
    cli("project", "create", "-p", name)
    lines = cli("project", "list").stdout.splitlines()
    assert lines[0].split() == ["NAME", "ID", "STATUS", "OWNER", "CREATED", "AT"]
    assert any(line.startswith(name) for line in lines[1:])
    assert len(cli.json("project", "list", "--limit", "1")) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["project", "info"],  # a required option is missing
        ["project", "list", "--no-such-flag"],
        ["nonsense"],
        ["job", "create", "-p", "x", "-j", "y", "-t", "sing", "-m", "m", "-d", "d", "-a", "a"],
        ["job", "create", "-p", "x", "-j", "y", "-m", "m", "-d", "d", "-a", "a", "-hp", "{no"],
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: list[str]) -> None:
    result = cli(*args, code=2)
    assert "Traceback" not in result.output


def test_hyperparams_are_checked_before_anything_is_sent(cli: Cli, tmp_path: Path) -> None:
    start = ["job", "create", "-p", "no-such-project", "-j", "j", "-m", "m", "-d", "d", "-a", "a"]
    assert "must be a JSON object" in cli(*start, "-hp", "[1, 2]", code=2).stderr
    assert "does not exist" in cli(*start, "-hf", str(tmp_path / "nope.json"), code=2).stderr
    both = cli(*start, "-hp", "{}", "-hf", str(_json_file(tmp_path, "{}")), code=2)
    assert "-hp or -hf, not both" in both.stderr


def _json_file(folder: Path, text: str) -> Path:
    path = folder / "hp.json"
    path.write_text(text)
    return path


def test_api_errors_exit_1_with_one_line_and_no_traceback(cli: Cli) -> None:
    name = unique("twice")
    cli("project", "create", "-p", name)
    result = cli("project", "create", "-p", name, code=1)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: POST /api/projects returned 409")
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback_and_redacted_requests(cli: Cli, emu: Emulator) -> None:
    result = cli("--debug", "project", "info", "-p", unique("missing"), code=1)
    assert "Traceback (most recent call last)" in result.stderr
    assert "NameNotFoundError" in result.stderr
    assert "GET /api/projects/search" in result.stderr
    assert emu.access_key not in result.stderr
    quiet = cli("project", "info", "-p", unique("missing"), code=1)
    assert "/api/projects/search" not in quiet.stderr  # the log ended with the command


def test_a_wrong_key_is_refused_and_never_echoed(cli: Cli, tmp_path: Path) -> None:
    wrong = "0123456789abcdef-wrong-key"
    key_file = tmp_path / "key"
    key_file.write_text(wrong + "\n")
    result = cli("--access-key-file", str(key_file), "project", "list", code=1)
    assert "401" in result.stderr
    assert wrong not in result.output


def test_the_key_file_replaces_the_environment(cli: Cli, emu: Emulator, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(emu.access_key)
    cli.env["SAMBASTUDIO_ACCESS_KEY"] = None
    cli("project", "list", "--access-key-file", str(key_file))


def test_no_configuration_is_one_clear_message(offline: Cli) -> None:
    result = offline("project", "list", code=1)
    assert "host_url and access_key not found" in result.stderr
    assert "Traceback" not in result.output


def test_every_group_has_help(cli: Cli) -> None:
    groups = ["project", "job", "checkpoint", "model", "endpoint", "dataset", "app",
              "tenant", "user", "notification", "config", "emulator", "demo"]  # fmt: skip
    listed = cli("--help").stdout.split("Commands:")[1]
    commands = {line.split()[0] for line in listed.splitlines() if line.startswith("  ")}
    assert set(groups) <= commands  # each is a command, not a word of some description
    for group in groups:
        cli(group, "--help")


def test_create_with_wait_prints_one_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_sleep = time.sleep
    monkeypatch.setattr(SystemClock, "sleep", lambda self, seconds: real_sleep(0.01))
    with Emulator(port=0, speed=1000) as fast:
        cli = Cli(fast, tmp_path)
        project = unique("wait")
        cli("project", "create", "-p", project)
        create = [
            "endpoint",
            "create",
            "-p",
            project,
            "-m",
            MODEL,
            "-a",
            ARCH,
            "--wait",
            "--timeout",
            "600",
        ]
        assert cli.json(*create, "-n", "quiet")["status"] == "Live"
        lines = cli(*create, "-n", "talkative").stdout.splitlines()
        assert lines[0].startswith("Created endpoint talkative (")
        assert lines[1:] == ["Endpoint talkative is Live."]
