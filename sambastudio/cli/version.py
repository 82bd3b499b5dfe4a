"""``sambastudio version``: snapi's command for what ``--version`` prints."""

from __future__ import annotations

import click

from sambastudio._version import __version__
from sambastudio.cli._context import Command
from sambastudio.cli._output import show_done


@click.command("version", cls=Command)
def version() -> None:
    """Print the version of this command."""
    show_done(f"sambastudio {__version__}", version=__version__)
