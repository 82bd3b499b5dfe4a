"""Shell completion: scripts for bash, zsh and fish, one-command install, and resource
names from the host within a deadline, cached on disk so a slow host never blocks Tab."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sambastudio import Client
from sambastudio.cli import main
from sambastudio.cli._complete import cache_file, resource_names
from sambastudio.cli._context import CliContext
from sambastudio.emulator import Emulator
from tests.cli.conftest import Cli, World, unique


@pytest.fixture
def isolated(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``cli``'s environment applied to this process, for in-process completion calls."""
    for name, value in cli.env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return cli


@pytest.fixture
def silent_host() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def complete(cli: Cli, line: str) -> list[str]:
    """What bash would offer after ``line`` (click's bash protocol)."""
    words = line.split(" ")
    env = {**cli.env, "_SAMBASTUDIO_COMPLETE": "bash_complete",
           "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}  # fmt: skip
    result = CliRunner().invoke(main, [], env=env, prog_name="sambastudio")
    return [row.split(",", 1)[1] for row in result.stdout.splitlines() if "," in row]


def test_scripts_for_each_shell(cli: Cli) -> None:
    for shell in ("bash", "zsh", "fish"):
        assert "_SAMBASTUDIO_COMPLETE" in cli("completion", "show", shell).stdout


def test_install_is_one_command_and_idempotent(cli: Cli) -> None:
    home = Path(str(cli.env["HOME"]))
    cli("completion", "install", "--shell", "bash")
    cli("completion", "install", "--shell", "bash")
    rc = (home / ".bashrc").read_text()
    assert rc.count("sambastudio shell completion") == 1
    script = home / ".config" / "sambastudio" / "completion.bash"
    assert str(script) in rc
    assert "_SAMBASTUDIO_COMPLETE=bash_complete" in script.read_text()
    cli.env["SHELL"] = "/usr/bin/fish"
    cli("completion", "install")
    assert (home / ".config" / "fish" / "completions" / "sambastudio.fish").exists()


def test_completes_resource_names_from_the_host(cli: Cli, world: World) -> None:
    project = world.project.name or ""
    assert project in complete(cli, f"sambastudio project info -p {project[:6]}")
    assert "Meta-Llama-3.2-1B-Instruct" in complete(cli, "sambastudio model info -m Meta")
    assert complete(cli, f"sambastudio job info -p {project} -j ") == [world.job.name]
    assert complete(cli, "sambastudio dataset info -d zzz") == []


def test_the_cache_answers_while_fresh(isolated: Cli, emu: Emulator) -> None:
    first = unique("cached")
    with Client(emu.url, emu.access_key) as client:
        client.projects.create(name=first)
        assert first in resource_names("project", CliContext(), {})
        later = unique("cached")
        client.projects.create(name=later)
    assert later not in resource_names("project", CliContext(), {})  # from the cache
    stored = json.loads(cache_file(emu.url, None, "project", None).read_text())
    assert first in stored["names"]


def test_a_silent_host_never_blocks_and_the_stale_cache_answers(
    isolated: Cli, silent_host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_COMPLETION_TIMEOUT", "0.5")
    cli = CliContext(host=silent_host)
    started = time.monotonic()
    assert resource_names("dataset", cli, {}) == []
    assert time.monotonic() - started < 2.0
    path = cache_file(silent_host, None, "dataset", None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"time": 0, "names": ["squad", "capitals"]}))  # long stale
    started = time.monotonic()
    assert resource_names("dataset", cli, {}) == ["squad", "capitals"]
    assert time.monotonic() - started < 2.0
