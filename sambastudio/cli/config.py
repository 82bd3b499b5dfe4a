"""``sambastudio config``: the snapi CLI's files, read and written the way snapi does.

``config.json`` (``HOST_NAME``, ``TENANT_ID``, ``CONFIG_DIR``, ``DISABLE_SSL_WARNINGS``, all
strings) and ``secret.txt`` (the access key, mode 600) in ``~/.snapi`` or
``$SNAPI_CLI_CONFIG_DIR``, so one configuration serves both tools. ``config set`` saves the
global options ``--host``, ``--tenant`` and ``--access-key-file``; a key can also be typed
at a hidden prompt (``--access-key``), never passed as an option value.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from sambastudio._config import (
    ENV_ACCESS_KEY,
    ENV_HOST_URL,
    ENV_TENANT,
    SnapiFiles,
    normalize_host_url,
)
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._output import show_done, show_one

_OVERRIDES = {ENV_HOST_URL: "HOST_NAME", ENV_TENANT: "TENANT_ID", ENV_ACCESS_KEY: "secret.txt"}
_NEW_CONFIG = {"CONFIG_DIR": "./", "DISABLE_SSL_WARNINGS": "false"}
"""What snapi writes into a config.json it creates, besides the host."""


def _files() -> SnapiFiles:
    return SnapiFiles.read(None, os.environ)


def configured_host(host_option: str | None) -> str | None:
    """The host the SDK would use: ``--host``, else the environment, else snapi's file."""
    return host_option or os.environ.get(ENV_HOST_URL) or _files().config.get("HOST_NAME")


def _raw_config(path: Path) -> dict[str, Any]:
    """Every key of ``config.json`` (snapi's own ones included), or a new file's defaults."""
    if not path.exists():
        return dict(_NEW_CONFIG)
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data) if isinstance(data, dict) else {}


@click.group(cls=Group)
def config() -> None:
    """The snapi-compatible configuration (~/.snapi or $SNAPI_CLI_CONFIG_DIR)."""


@config.command("show")
def show() -> None:
    """Show the configuration; the access key is masked."""
    files = _files()
    overridden = [
        f"{env} overrides {what}" for env, what in _OVERRIDES.items() if os.environ.get(env)
    ]
    show_one(
        {
            "directory": f"{files.directory} (from {files.origin})",
            **_raw_config(files.config_path),
            "access_key_file": f"{files.secret_path} ({'a key' if files.secret else 'no key'})",
            "environment": overridden,
        }
    )


@config.command("set")
@click.option(
    "--access-key",
    "prompt_key",
    is_flag=True,
    help="Type the access key at a hidden prompt (or pipe it in).",
)
@click.option(
    "--disable-ssl-warnings/--enable-ssl-warnings",
    default=None,
    help="Silence urllib3's warning when TLS verification is off.",
)
def set_command(prompt_key: bool, disable_ssl_warnings: bool | None) -> None:
    """Save --host, --tenant and the key of --access-key-file (or --access-key) for later.

    Example: sambastudio config set --host https://studio.example.com --tenant research
    """
    cli = cli_context()
    files = _files()
    changes: dict[str, str] = {}
    if cli.host:
        changes["HOST_NAME"] = normalize_host_url(cli.host, "--host")
    if cli.tenant:
        changes["TENANT_ID"] = cli.tenant
    if disable_ssl_warnings is not None:
        changes["DISABLE_SSL_WARNINGS"] = "true" if disable_ssl_warnings else "false"
    key = _prompted_key() if prompt_key else cli.access_key()
    if not changes and key is None:
        raise click.UsageError(
            "nothing to set: give --host, --tenant, --access-key-file, --access-key or "
            "--disable-ssl-warnings"
        )
    files.directory.mkdir(parents=True, exist_ok=True)
    if changes:
        written = {**_raw_config(files.config_path), **changes}
        files.config_path.write_text(json.dumps(written, indent=4) + "\n", encoding="utf-8")
    if key is not None:
        write_secret(files.secret_path, key)
    saved = sorted(changes) + (["access key"] if key is not None else [])
    show_done(
        f"Saved {', '.join(saved)} in {files.directory}.",
        saved=saved,
        directory=str(files.directory),
    )


def _prompted_key() -> str:
    """The key from a hidden prompt on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        return str(click.prompt("Access key", hide_input=True)).strip()
    key = sys.stdin.readline().strip()
    if not key:
        raise click.UsageError("--access-key read nothing from standard input")
    return key


def write_secret(path: Path, key: str) -> None:
    """``secret.txt`` readable by its owner only, from the moment it exists (snapi's chmod 600)."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key + "\n")
