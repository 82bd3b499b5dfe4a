"""Advice that errors carry: what to do next, written once for each audience.

A :class:`Hint` holds the same advice twice: ``for_python`` (the call to make) and
``for_shell`` (the ``sambastudio`` command to run). Errors keep the hint beside their
message (``error.hint``); ``str(error)`` ends with the Python rendering and the CLI prints
the shell one, so the two cannot drift: both come from the builders below. Hints name
resources by the name or id the user gave; they never hold a secret.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from typing import Final, Literal

import attrs

Audience = Literal["python", "shell"]
AUDIENCES: Final[tuple[Audience, ...]] = ("python", "shell")

Parent = tuple[str, str]
"""A scope a resource lives in: its kind and the name (or id) the user knows it by."""


@attrs.frozen
class Hint:
    """One piece of advice, rendered for Python code and for a shell."""

    for_python: str
    for_shell: str

    def render(self, audience: Audience) -> str:
        return self.for_python if audience == "python" else self.for_shell


def _cmd(*words: str) -> str:
    """A ``sambastudio`` command line, each word quoted as a shell needs it."""
    return shlex.join(("sambastudio", *words))


# What lists each kind: the attribute of its parent (or the client) and the CLI group.
_PYTHON_ATTRIBUTE: Final = {
    "project": "projects",
    "job": "jobs",
    "endpoint": "endpoints",
    "checkpoint": "checkpoints",
    "dataset": "datasets",
    "model": "models",
    "app": "apps",
    "tenant": "tenants",
    "user": "users",
    "API key": "api_keys",
}
_SHELL_COMMAND: Final = {
    "project": ("project", "list"),
    "job": ("job", "list"),
    "endpoint": ("endpoint", "list"),
    "checkpoint": ("checkpoint", "list"),
    "dataset": ("dataset", "list"),
    "model": ("model", "list"),
    "app": ("app", "list"),
    "tenant": ("tenant", "list"),
    "user": ("user", "list"),
    "API key": ("endpoint", "key", "list"),
}
_SHELL_FLAG: Final = {"project": "-p", "job": "-j", "endpoint": "-e"}

LISTED_KINDS: Final = frozenset(_PYTHON_ATTRIBUTE)
"""The kinds :func:`list_them` knows how to list."""


def list_them(kind: str, parents: Sequence[Parent] = ()) -> Hint | None:
    """How to list the resources of ``kind`` in ``parents``; ``None`` for a kind not listed."""
    if kind not in LISTED_KINDS:
        return None
    path = "".join(f".{_PYTHON_ATTRIBUTE[k]}.get({label!r})" for k, label in parents)
    flags = [word for k, label in parents for word in (_SHELL_FLAG[k], label)]
    return Hint(
        for_python=f"List them with client{path}.{_PYTHON_ATTRIBUTE[kind]}.list().",
        for_shell=f"List them with: {_cmd(*_SHELL_COMMAND[kind], *flags)}",
    )


def job_logs(project: str, job: str) -> Hint:
    """Where a failed job's logs are."""
    return Hint(
        for_python="Its logs say why: job.logs.list(), job.logs.preview(name) or "
        "job.download_logs(dest).",
        for_shell=f"Its logs say why: {_cmd('job', 'logs', '-p', project, '-j', job)}, or "
        f"{_cmd('job', 'download', '-p', project, '-j', job, '--kind', 'logs')}",
    )


def start_endpoint(project: str, endpoint: str) -> Hint:
    """How to bring a stopped endpoint back."""
    return Hint(
        for_python="Start it again with endpoint.update(instances=1), then "
        "endpoint.wait_until_live(timeout).",
        for_shell="Start it again with: "
        f"{_cmd('endpoint', 'update', '-p', project, '-e', endpoint, '-i', '1')}",
    )


_SHELL_OPTION: Final = {"host_url": "--host URL", "access_key": "--access-key"}
_ENVIRONMENT: Final = {"host_url": "SAMBASTUDIO_HOST_URL", "access_key": "SAMBASTUDIO_ACCESS_KEY"}


def configure(fields: Sequence[str]) -> Hint:
    """How to give the settings ``fields`` (``host_url``, ``access_key``) that were missing."""
    names = " and ".join(fields)
    variables = " and ".join(_ENVIRONMENT[field] for field in fields)
    options = " ".join(_SHELL_OPTION[field] for field in fields)
    return Hint(
        for_python=f"Pass {names} to Client(...), set {variables}, or save a profile "
        f"in a shell (sambastudio config set --profile NAME {options}).",
        for_shell=f"Save them with: sambastudio config set {options} (add --profile NAME for "
        f"a named profile), or set {variables}.",
    )


@attrs.frozen
class KeySource:
    """Where the access key came from, in words (never the key itself); ``profile`` names
    the profile it came from, if it did."""

    where: str = "the access_key argument"
    profile: str | None = None

    def __str__(self) -> str:
        return self.where


def replace_key(source: KeySource) -> Hint:
    """What to do when the server refused the key that came from ``source``."""
    refused = (
        f"The access key came from {source}; the server did not accept it (mistyped, "
        "revoked, or for another host)."
    )
    if source.where == "SAMBASTUDIO_ACCESS_KEY":  # it comes before every saved setting
        in_shell = "Set SAMBASTUDIO_ACCESS_KEY to a current key, or unset it."
    elif source.where.startswith("--access-key-file"):
        in_shell = "Put a current key in that file."
    else:
        profile = f" --profile {shlex.quote(source.profile)}" if source.profile else ""
        in_shell = f"Save a current one with: sambastudio config set{profile} --access-key"
    return Hint(
        for_python=f"{refused} Pass a current one as Client(access_key=...) or in "
        "SAMBASTUDIO_ACCESS_KEY.",
        for_shell=f"{refused} {in_shell}",
    )


def choose_tenant(tenant: str, visible: Sequence[str] | None) -> Hint:
    """What to do when ``tenant`` is not one the key can act in; ``visible`` are the ones
    it can (``None`` when they could not be listed)."""
    if visible is None:
        return Hint(
            for_python=f"Check the tenant {tenant!r}: list the ones the key can see with "
            "client.tenants.list(), from a client made without a tenant.",
            for_shell=f"Check the tenant {tenant!r}: list the ones the key can see with: "
            f"{_cmd('tenant', 'list')} (without --tenant)",
        )
    names = ", ".join(repr(name) for name in visible) or "none"
    return Hint(
        for_python=f"The tenant {tenant!r} is not one this key can see; it can see {names}. "
        "Pass one as Client(tenant=...) or in SAMBASTUDIO_TENANT.",
        for_shell=f"The tenant {tenant!r} is not one this key can see; it can see {names}. "
        "Pass one with --tenant NAME, or save it with: sambastudio config set --tenant NAME",
    )


def fix_host(host: str) -> Hint:
    """How to give the host without the API path the SDK adds itself."""
    return Hint(
        for_python=f"Pass the site's address only: Client(host_url={host!r}).",
        for_shell=f"Pass the site's address only: --host {shlex.quote(host)}, or save it "
        f"with: {_cmd('config', 'set', '--host', host)}",
    )


ENV_LIMITS: Final = "SAMBASTUDIO_LIMITS"


def raise_limit(limit: str) -> Hint:
    """How to raise the bound ``limit`` of ``Limits``: in code, or in the environment, the
    one way the CLI and the ``SnSdk`` shim (whose signature is snapi's) can be given it."""
    variable = f"{ENV_LIMITS}={limit}=<value>"
    return Hint(
        for_python=f"Raise it with Client(limits=Limits({limit}=...)), or set {variable}.",
        for_shell=f"Raise it by setting {variable} in the environment.",
    )
