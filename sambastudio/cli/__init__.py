"""The ``sambastudio`` command: snapi's groups and flags over the object model.

Every group lives in its own module; the plumbing they share is in ``_commands`` (list,
info, delete), ``_context`` (global options, the client), ``_output`` (tables, JSON) and
``_errors`` (exit codes).
"""

from __future__ import annotations

import click

from sambastudio._version import __version__
from sambastudio.cli._emulator import emulator
from sambastudio.cli._errors import MainGroup
from sambastudio.cli.apps import app
from sambastudio.cli.checkpoints import checkpoint
from sambastudio.cli.completion import completion

# Imported under other names, so that sambastudio.cli.config and .demo stay the modules.
from sambastudio.cli.config import config as config_command
from sambastudio.cli.datasets import dataset
from sambastudio.cli.demo import demo as demo_command
from sambastudio.cli.doctor import doctor
from sambastudio.cli.endpoints import endpoint
from sambastudio.cli.imports import import_group
from sambastudio.cli.jobs import job
from sambastudio.cli.models import model
from sambastudio.cli.notifications import notification
from sambastudio.cli.projects import project
from sambastudio.cli.tenants import tenant
from sambastudio.cli.users import user
from sambastudio.cli.version import version


@click.group(cls=MainGroup)
@click.version_option(__version__, prog_name="sambastudio")
def main() -> None:
    """SambaStudio from the command line (snapi's commands and flags work too).

    Start with `sambastudio demo`: the whole lifecycle on a local emulator.
    """


for _command in (
    demo_command,
    project,
    job,
    checkpoint,
    model,
    endpoint,
    dataset,
    import_group,
    app,
    tenant,
    user,
    notification,
    config_command,
    doctor,
    completion,
    version,
    emulator,
):
    main.add_command(_command)
