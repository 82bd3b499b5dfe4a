"""The ``sambastudio`` command: snapi's groups and flags over the object model.

Every group lives in its own module; the plumbing they share is in ``_commands`` (list,
info, delete), ``_context`` (global options, the client), ``_output`` (tables, JSON) and
``_errors`` (exit codes).
"""

from __future__ import annotations

import click

from sambastudio._version import __version__
from sambastudio.cli._errors import MainGroup
from sambastudio.cli._lazy import LazyCommand

_COMMANDS = {
    "app": LazyCommand("sambastudio.cli.apps", "app", "ML apps."),
    "checkpoint": LazyCommand(
        "sambastudio.cli.checkpoints",
        "checkpoint",
        "Checkpoints of train jobs (`model add` promotes one).",
    ),
    "completion": LazyCommand(
        "sambastudio.cli.completion",
        "completion",
        "Tab completion of commands, options and resource names.",
    ),
    "config": LazyCommand(
        "sambastudio.cli.config",
        "config",
        "Profiles for several hosts and tenants, and snapi's ~/.snapi files.",
    ),
    "dataset": LazyCommand("sambastudio.cli.datasets", "dataset", "Datasets."),
    "demo": LazyCommand(
        "sambastudio.cli.demo",
        "demo",
        "Run the whole lifecycle: project, dataset upload, fine-tuning, best checkpoint, "
        "model, endpoint, API key, predictions, logs, cleanup.",
    ),
    "doctor": LazyCommand(
        "sambastudio.cli.doctor",
        "doctor",
        "Check the configured SambaStudio: connection, key, tenant, and where each operation "
        "really lives. Read-only unless --allow-writes.",
    ),
    "emulator": LazyCommand(
        "sambastudio.cli._emulator", "emulator", "A local SambaStudio-compatible server."
    ),
    "endpoint": LazyCommand(
        "sambastudio.cli.endpoints", "endpoint", "Endpoints (deployed models)."
    ),
    "import": LazyCommand(
        "sambastudio.cli.imports",
        "import_group",
        "Bring checkpoints in as models (snapi: import model create).",
    ),
    "job": LazyCommand("sambastudio.cli.jobs", "job", "Jobs (train, evaluation, batch_predict)."),
    "model": LazyCommand(
        "sambastudio.cli.models",
        "model",
        "Models: the catalogue, promoted checkpoints, bundles and speculative pairs.",
    ),
    "notification": LazyCommand("sambastudio.cli.notifications", "notification", "Notifications."),
    "project": LazyCommand(
        "sambastudio.cli.projects", "project", "Projects: the folders that hold jobs and endpoints."
    ),
    "tenant": LazyCommand("sambastudio.cli.tenants", "tenant", "Tenants (administrators)."),
    "user": LazyCommand("sambastudio.cli.users", "user", "Users (administrators)."),
    "version": LazyCommand(
        "sambastudio.cli.version", "version", "Print the version of this command."
    ),
}
"""Every subcommand: its module is imported when the subcommand is used (``_lazy``)."""


@click.group(cls=MainGroup, lazy_commands=_COMMANDS)
@click.version_option(__version__, prog_name="sambastudio")
def main() -> None:
    """SambaStudio from the command line (snapi's commands and flags work too).

    Start with `sambastudio demo`: the whole lifecycle on a local emulator.
    """
