"""Ctrl-C during a long operation: stop, say what state things are in and how to go on.

A wait only watches (the job or endpoint runs on regardless), an upload resumes where it
stopped when the same command runs again, and a download keeps its ``.part`` file to
continue from; so an interrupt never leaves anything half-done on the server, and the
user is told the one command that picks up where they left off. Exit code 130, as shells
report a SIGINT.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

INTERRUPTED = 130


@contextlib.contextmanager
def resumable(what: str, resume: str) -> Iterator[None]:
    """Turn Ctrl-C inside the block into ``Interrupted <what>. <resume>`` and exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        click.echo(f"\nInterrupted {what}. {resume}", err=True)
        raise click.exceptions.Exit(INTERRUPTED) from None
