"""``sambastudio config``: named profiles, and the snapi CLI's files.

With a profile named (``--profile NAME`` or ``$SAMBASTUDIO_PROFILE``), ``config set`` and
``config show`` work on that profile in the profiles file (:mod:`sambastudio._profiles`);
``config list`` lists the profiles and ``config use NAME`` makes one active. Without one,
they work on snapi's own files, as snapi does: ``config.json`` (``HOST_NAME``,
``TENANT_ID``, ``CONFIG_DIR``, ``DISABLE_SSL_WARNINGS``, all strings) and ``secret.txt``
(the access key, mode 600) in ``~/.snapi`` or ``$SNAPI_CLI_CONFIG_DIR``, so one
configuration serves both tools. ``config set`` saves the global options ``--host``,
``--tenant``, ``--output`` (profiles only) and the key of ``--access-key-file``; a key can
also be typed at a hidden prompt (``--access-key``), never passed as an option value. Keys
are printed only with ``--show-key``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import attrs
import click

from sambastudio._config import (
    ENV_ACCESS_KEY,
    ENV_HOST_URL,
    ENV_TENANT,
    SnapiFiles,
    normalize_host_url,
)
from sambastudio._profiles import ENV_PROFILE, Profile, Profiles
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._output import show_done, show_list, show_one

_OVERRIDES = {ENV_HOST_URL: "HOST_NAME", ENV_TENANT: "TENANT_ID", ENV_ACCESS_KEY: "secret.txt"}
_NEW_CONFIG = {"CONFIG_DIR": "./", "DISABLE_SSL_WARNINGS": "false"}
"""What snapi writes into a config.json it creates, besides the host."""


def _files() -> SnapiFiles:
    return SnapiFiles.read(None, os.environ)


def configured_host(host_option: str | None) -> str | None:
    """The host the SDK would use: ``--host``, else the profile or the environment, else
    snapi's file."""
    profile = cli_context().selected_profile()
    in_profile = profile.host_url if profile else None
    if _profile_name():  # chosen by name: before the environment, as in Settings.resolve
        return host_option or in_profile or os.environ.get(ENV_HOST_URL) or _snapi_host()
    return host_option or os.environ.get(ENV_HOST_URL) or in_profile or _snapi_host()


def _snapi_host() -> str | None:
    return _files().config.get("HOST_NAME")


def _raw_config(path: Path) -> dict[str, Any]:
    """Every key of ``config.json`` (snapi's own ones included), or a new file's defaults."""
    if not path.exists():
        return dict(_NEW_CONFIG)
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data) if isinstance(data, dict) else {}


def _profile_name() -> str | None:
    """The profile the command line or the environment names, if any."""
    return cli_context().profile or os.environ.get(ENV_PROFILE) or None


@click.group(cls=Group)
def config() -> None:
    """Profiles for several hosts and tenants, and snapi's ~/.snapi files.

    \b
    Examples:
      sambastudio config set --profile prod --host https://studio.example.com \\
          --tenant research --access-key
      sambastudio config use prod && sambastudio config list
      sambastudio config set --tenant default      # snapi's own ~/.snapi files
    """


@config.command("show")
@click.option("--show-key", is_flag=True, help="Print the access key itself (a secret).")
def show(show_key: bool) -> None:
    """Show the selected profile, else snapi's configuration; the key only with --show-key."""
    name = _profile_name()
    profiles = Profiles.read()
    chosen = profiles.selected(name)
    if chosen is not None:
        active = " (active)" if chosen.name == profiles.active else ""
        shown_key = {"access_key": chosen.access_key} if show_key and chosen.access_key else {}
        show_one({**chosen.shown(), "file": f"{profiles.path}{active}"}, extra=shown_key)
        return
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
        },
        extra={"access_key": files.secret} if show_key and files.secret else None,
    )


@config.command("list")
def list_profiles() -> None:
    """List the profiles; the active one is marked."""
    profiles = Profiles.read()
    rows = [
        {**profile.shown(), "active": "*" if name == profiles.active else ""}
        for name, profile in sorted(profiles.profiles.items())
    ]
    show_list(rows, ("active", "profile", "host_url", "tenant", "access_key", "output"),
              kind="profile")  # fmt: skip


@config.command("use")
@click.argument("name")
def use(name: str) -> None:
    """Make profile NAME the active one (SAMBASTUDIO_PROFILE and --profile still win)."""
    profiles = Profiles.read().with_active(name)
    profiles.write()
    show_done(f"Profile {name} is now active.", active=name, file=str(profiles.path))


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
    name = _profile_name()
    if name is not None:
        _set_profile(name, prompt_key)
        return
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


def _set_profile(name: str, prompt_key: bool) -> None:
    """Create or change profile ``name``; the first profile made becomes the active one."""
    cli = cli_context()
    changes: dict[str, str] = {}
    if cli.host:
        changes["host_url"] = normalize_host_url(cli.host, "--host")
    if cli.tenant:
        changes["tenant"] = cli.tenant
    if cli.output:
        changes["output"] = cli.output
    key = _prompted_key() if prompt_key else cli.access_key()
    if key is not None:
        changes["access_key"] = key
    if not changes:
        raise click.UsageError(
            f"nothing to set in profile {name}: give --host, --tenant, --output, "
            "--access-key-file or --access-key"
        )
    profiles = Profiles.read()
    profile = attrs.evolve(profiles.profiles.get(name) or Profile(name), **changes)
    profiles = profiles.with_profile(profile)
    if profiles.active is None:
        profiles = profiles.with_active(name)
    profiles.write()
    saved = sorted(changes)
    active = " (active)" if profiles.active == name else ""
    show_done(
        f"Saved {', '.join(saved)} in profile {name}{active} ({profiles.path}).",
        saved=saved,
        profile=name,
        file=str(profiles.path),
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
