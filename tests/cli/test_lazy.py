"""Subcommands load lazily: ``sambastudio --help`` imports none of their modules, and the
summary it lists for each is the one the command itself gives once loaded."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from sambastudio.cli import _COMMANDS, main
from sambastudio.cli._lazy import LazyCommand, LazyGroup


@pytest.mark.parametrize("name", sorted(_COMMANDS))
@pytest.mark.parametrize("limit", [20, 45, 200])
def test_each_summary_is_the_commands_own(name: str, limit: int) -> None:
    lazy = _COMMANDS[name]
    stand_in = click.Command(name, help=lazy.summary)
    assert stand_in.get_short_help_str(limit) == lazy.load().get_short_help_str(limit)


def test_help_lists_every_command_and_imports_none_of_them() -> None:
    code = (
        "import sys; from sambastudio.cli import main; main(['--help'], standalone_mode=False); "
        "print(sorted(m for m in sys.modules if m.startswith('sambastudio.cli.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    loaded = out.splitlines()[-1]
    assert (
        loaded == "['sambastudio.cli._context', 'sambastudio.cli._errors', 'sambastudio.cli._lazy']"
    )
    for name in _COMMANDS:
        assert f"\n  {name} " in out


def test_a_command_is_loaded_when_it_is_run() -> None:
    result = CliRunner().invoke(main, ["version"])
    assert result.exit_code == 0, result.output
    assert "version" in main.commands


def test_a_lazy_entry_that_is_not_a_command_is_refused() -> None:
    group = LazyGroup(lazy_commands={"x": LazyCommand("sambastudio._version", "__version__", "")})
    with pytest.raises(TypeError, match="not a click command"):
        group.get_command(click.Context(group), "x")
