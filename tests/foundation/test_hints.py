"""The advice errors carry: every hint has a Python and a shell rendering, and every shell
command a hint names is one the CLI really has, with the options it really takes."""

from __future__ import annotations

import pickle
import shlex

import click
import pytest

from sambastudio import _hints
from sambastudio._hints import Hint, KeySource
from sambastudio.cli import main
from sambastudio.errors import JobFailed, NameNotFoundError, SambaStudioError

PARENTS: dict[str, list[_hints.Parent]] = {
    "job": [("project", "demo")],
    "endpoint": [("project", "demo")],
    "checkpoint": [("project", "demo"), ("job", "ft 1")],
    "API key": [("project", "demo"), ("endpoint", "ep-1")],
}
"""Where each kind lives, as its collections say (``Collection._parents``)."""


def _listing(kind: str) -> Hint:
    hint = _hints.list_them(kind, PARENTS.get(kind, []))
    assert hint is not None
    return hint


EVERY_HINT: dict[str, Hint] = {
    **{f"list {kind}": _listing(kind) for kind in sorted(_hints.LISTED_KINDS)},
    "job logs": _hints.job_logs("demo", "ft-1"),
    "start endpoint": _hints.start_endpoint("demo", "ep-1"),
    "configure host": _hints.configure(["host_url"]),
    "configure both": _hints.configure(["host_url", "access_key"]),
    "key from argument": _hints.replace_key(KeySource()),
    "key from variable": _hints.replace_key(KeySource("SAMBASTUDIO_ACCESS_KEY")),
    "key from profile": _hints.replace_key(KeySource("profile 'lab'", profile="lab")),
    "key from file": _hints.replace_key(KeySource("--access-key-file /tmp/k")),
    "tenants known": _hints.choose_tenant("nope", ["default", "lab"]),
    "tenants unknown": _hints.choose_tenant("nope", None),
    "host": _hints.fix_host("https://studio.example.com"),
}


@pytest.mark.parametrize("name", EVERY_HINT)
def test_every_hint_has_both_renderings(name: str) -> None:
    hint = EVERY_HINT[name]
    assert hint.for_python.strip()
    assert hint.for_shell.strip()
    assert hint.for_python != hint.for_shell
    assert [hint.render(audience) for audience in _hints.AUDIENCES] == [
        hint.for_python,
        hint.for_shell,
    ]
    assert "Client(" not in hint.for_shell  # a shell user is never told to write Python
    assert "client." not in hint.for_shell


def _commands_in(text: str) -> list[list[str]]:
    """Each ``sambastudio ...`` command line a shell hint holds, as words."""
    found = []
    for part in text.split("sambastudio ")[1:]:
        line = part.split(" (")[0].split(", or ")[0].split(" or ")[0].rstrip(".,")
        found.append(shlex.split(line))
    return found


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """The command ``words`` name (asked of each group, which loads a lazy subcommand, so
    the answer does not depend on what other tests loaded), and the words left."""
    command: click.Command = main
    context = click.Context(main)
    while isinstance(command, click.Group) and words:
        found = command.get_command(context, words[0])
        if found is None:
            break
        command = found
        words.pop(0)
    return command, words


@pytest.mark.parametrize("name", EVERY_HINT)
def test_every_command_a_hint_names_exists_with_its_options(name: str) -> None:
    for words in _commands_in(EVERY_HINT[name].for_shell):
        command, rest = _resolve(list(words))
        assert not isinstance(command, click.Group), words
        known = {option for param in command.params for option in param.opts}
        assert all(word in known for word in rest if word.startswith("-")), (words, known)


def test_list_hints_name_the_same_resource_and_scope_in_both() -> None:
    hint = _hints.list_them("checkpoint", [("project", "demo"), ("job", "ft-1")])
    assert hint is not None
    assert "client.projects.get('demo').jobs.get('ft-1').checkpoints.list()" in hint.for_python
    assert hint.for_shell.endswith("sambastudio checkpoint list -p demo -j ft-1")
    assert _hints.list_them("model export") is None  # a kind with no listing names none


def test_an_error_keeps_its_problem_and_its_advice_apart() -> None:
    error = NameNotFoundError("job", "nope", scope="project 'demo'")
    assert error.advise(_hints.list_them("job", [("project", "demo")])) is error
    assert error.problem == "no job named 'nope' in project 'demo'"
    assert error.message == str(error) == error.message_for("python")
    assert str(error).endswith("List them with client.projects.get('demo').jobs.list().")
    assert error.message_for("shell").endswith("List them with: sambastudio job list -p demo")
    restored = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (restored.problem, restored.hint, str(restored)) == (
        error.problem,
        error.hint,
        str(error),
    )


def test_an_error_without_advice_renders_the_same_for_everyone() -> None:
    error = SambaStudioError("plain")
    assert error.hint is None
    assert error.message_for("shell") == error.message_for("python") == error.problem == "plain"
    assert error.advise(None) is error
    assert str(error) == "plain"


class _Job:
    def __init__(self) -> None:
        self.id, self.name, self.status, self.project_id = "j-1", "my job", "FAILED", "p 1"


def test_shell_advice_quotes_names_with_spaces() -> None:
    shell = JobFailed(_Job(), "boom").message_for("shell")
    assert "sambastudio job logs -p 'p 1' -j 'my job'" in shell
