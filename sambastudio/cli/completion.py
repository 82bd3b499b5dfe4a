"""``sambastudio completion``: Tab completion for bash, zsh and fish, in one command.

``completion show SHELL`` prints click's completion script; ``completion install`` writes it
where the shell finds it: fish loads ``~/.config/fish/completions/sambastudio.fish`` by
itself, bash and zsh source ``~/.config/sambastudio/completion.<shell>`` from one line added
(once) to ``~/.bashrc`` or ``~/.zshrc``. Resource names are completed too, from a cache
and with a deadline (``_complete``), so Tab never waits on a slow host.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import get_completion_class

from sambastudio.cli._context import Command, Group
from sambastudio.cli._output import show_done

SHELLS = ("bash", "zsh", "fish")
PROGRAM = "sambastudio"
COMPLETE_VAR = "_SAMBASTUDIO_COMPLETE"
_MARK = "# sambastudio shell completion"


def script(shell: str) -> str:
    """The completion script click generates for ``shell``."""
    root = click.get_current_context().find_root().command
    completion_class = get_completion_class(shell)
    if completion_class is None:  # pragma: no cover - SHELLS are click's own
        raise click.BadParameter(f"no completion for {shell}", param_hint="SHELL")
    return completion_class(root, {}, PROGRAM, COMPLETE_VAR).source()


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def _config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or _home() / ".config")


def install_script(shell: str) -> tuple[Path, Path | None]:
    """Write the script; returns it and the rc file that now sources it (``None`` for fish)."""
    text = script(shell)
    if shell == "fish":
        target = _config_dir() / "fish" / "completions" / f"{PROGRAM}.fish"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target, None
    target = _config_dir() / PROGRAM / f"completion.{shell}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    rc = _home() / (".bashrc" if shell == "bash" else ".zshrc")
    line = f'[ -f "{target}" ] && . "{target}"  {_MARK}\n'
    existing = rc.read_text(encoding="utf-8") if rc.exists() else ""
    if _MARK not in existing:
        with rc.open("a", encoding="utf-8") as file:
            file.write(("" if not existing or existing.endswith("\n") else "\n") + line)
    return target, rc


def _default_shell() -> str | None:
    name = Path(os.environ.get("SHELL", "")).name
    return name if name in SHELLS else None


@click.group(cls=Group)
def completion() -> None:
    """Tab completion of commands, options and resource names.

    \b
    Examples:
      sambastudio completion install              # for the shell in $SHELL
      sambastudio completion install --shell zsh
      sambastudio completion show fish > ~/.config/fish/completions/sambastudio.fish
    """


@completion.command("show", cls=Command)
@click.argument("shell", type=click.Choice(SHELLS))
def show(shell: str) -> None:
    """Print the completion script for SHELL."""
    click.echo(script(shell), nl=False)


@completion.command("install", cls=Command)
@click.option("--shell", type=click.Choice(SHELLS), help="Default: the shell in $SHELL.")
def install(shell: str | None) -> None:
    """Install completion for your shell (new shells pick it up)."""
    chosen = shell or _default_shell()
    if chosen is None:
        raise click.UsageError("cannot tell your shell from $SHELL; pass --shell bash|zsh|fish")
    target, rc = install_script(chosen)
    where = f"{target}, sourced from {rc}" if rc else str(target)
    show_done(
        f"Installed {chosen} completion in {where}; open a new shell to use it.",
        shell=chosen,
        script=str(target),
        rc=str(rc) if rc else None,
    )
