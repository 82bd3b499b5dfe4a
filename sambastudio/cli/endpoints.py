"""``sambastudio endpoint``: deploy a model, call it, and manage its API keys.

Keys are secrets: they appear only with ``--show-key``; otherwise a key is named by its
fingerprint (``key-…``), which is safe to paste anywhere.
"""

from __future__ import annotations

from typing import Any

import click

from sambastudio._client import Client
from sambastudio.cli._commands import (
    ENDPOINT,
    HYPERPARAMS,
    IN_PROJECT,
    PROJECT,
    WAIT_TIMEOUT,
    add_commands,
    delete_command,
    label,
    list_command,
    show_created,
    stop_command,
    wait_command,
)
from sambastudio.cli._complete import names_of
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._interrupt import resumable
from sambastudio.cli._output import show_done, show_one
from sambastudio.resources.api_keys import ApiKey
from sambastudio.resources.endpoints import Endpoint

COLUMNS = ("name", "id", "status", "model_id", "instances", "rdu_arch", "project_id")
KEY_COLUMNS = ("id", "description", "status", "time_created")
SHOW_KEY = click.option("--show-key", is_flag=True, help="Print the API key itself (a secret).")
HIDDEN_KEY = "(hidden; add --show-key to print it)"


def find(client: Client, project: str, endpoint: str) -> Endpoint:
    return client.projects.get(project).endpoints.get(endpoint)


def find_all(client: Client, project: str | None) -> Any:
    return client.projects.get(project).endpoints.list() if project else client.endpoints.list()


def revealed(key: ApiKey | None, show_key: bool) -> dict[str, str]:
    """The key's value as an extra output field, only when the user asked for it."""
    return {"api_key": key.reveal()} if show_key and key is not None else {}


def wait_live(endpoint: Endpoint, timeout: float | None) -> None:
    """Wait with a bar on a terminal; ``EndpointFailed`` if it fails or is stopped. Ctrl-C
    stops watching only, the deployment goes on."""
    again = f"sambastudio endpoint wait -p {endpoint.project_id} -e {endpoint.id}"
    resume = f"The endpoint keeps deploying; wait for it again with: {again}"
    with resumable(f"waiting for endpoint {label(endpoint)}", resume):
        endpoint.wait(timeout)
    show_done(
        f"Endpoint {label(endpoint)} is {endpoint.status}.", id=endpoint.id, status=endpoint.status
    )


@click.group(cls=Group)
def endpoint() -> None:
    """Endpoints (deployed models).

    \b
    Examples:
      sambastudio endpoint create -p demo -n ep -m my-model -a SN40L-8 -i 1 --wait
      sambastudio endpoint info -p demo -e ep --show-key | grep "API Key :"
      sambastudio endpoint predict -p demo -e ep "Hello" --stream
    """


@endpoint.command("create")
@PROJECT
@click.option("-n", "--name", required=True, help="Name of the new endpoint.")
@click.option(
    "-m",
    "--model",
    required=True,
    help="Model to deploy (name or id).",
    shell_complete=names_of("model"),
)
@click.option("-a", "--rdu-arch", required=True, help="RDU architecture, e.g. SN40L-8.")
@click.option("-i", "--instances", type=click.IntRange(min=1), default=1, show_default=True)
@HYPERPARAMS
@click.option("--description", default="")
@click.option("--openai-compatible", is_flag=True, help="Also serve the OpenAI-style API.")
@click.option("--wait", is_flag=True, help="Wait until it is Live.")
@WAIT_TIMEOUT
def create(
    project: str,
    name: str,
    model: str,
    rdu_arch: str,
    instances: int,
    hyperparams: dict[str, Any] | None,
    description: str,
    openai_compatible: bool,
    wait: bool,
    timeout: float | None,
) -> None:
    """Deploy a model (snapi: endpoint create -p -n -m -a -i)."""
    created = (
        cli_context()
        .client.projects.get(project)
        .endpoints.create(
            name=name,
            model=model,
            rdu_arch=rdu_arch,
            instances=instances,
            hyperparams=hyperparams,
            description=description,
            openai_compatible=openai_compatible,
        )
    )
    show_created("endpoint", created, then=(lambda: wait_live(created, timeout)) if wait else None)


@endpoint.command("info")
@PROJECT
@ENDPOINT
@SHOW_KEY
def info(project: str, endpoint: str, show_key: bool) -> None:
    """Show an endpoint; its API key only with --show-key."""
    found = find(cli_context().client, project, endpoint)
    extra = revealed(found.api_key, show_key)
    if found.api_key is not None and not show_key and not cli_context().json:
        extra = {"api_key": HIDDEN_KEY}  # says where snapi's API Key line went
    show_one(found, extra=extra)


@endpoint.command("update")
@PROJECT
@ENDPOINT
@click.option(
    "-i", "--instances", type=click.IntRange(min=1), help="Instances (restarts a stopped one)."
)
@click.option("-a", "--rdu-arch", help="RDU architecture.")
@click.option("--description", help="New description.")
def update(
    project: str,
    endpoint: str,
    instances: int | None,
    rdu_arch: str | None,
    description: str | None,
) -> None:
    """Change an endpoint's instances, RDU architecture or description."""
    found = find(cli_context().client, project, endpoint)
    updated = found.update(instances=instances, rdu_arch=rdu_arch, description=description)
    show_done(f"Updated endpoint {label(updated)}.", id=updated.id, status=updated.status)


@endpoint.command("predict")
@PROJECT
@ENDPOINT
@click.argument("text")
@click.option("--stream", is_flag=True, help="Print the tokens as they arrive.")
@click.option("--max-tokens", type=click.IntRange(min=1), help="max_tokens_to_generate.")
def predict(project: str, endpoint: str, text: str, stream: bool, max_tokens: int | None) -> None:
    """Complete TEXT with the endpoint's model."""
    found = find(cli_context().client, project, endpoint)
    params = None if max_tokens is None else {"max_tokens_to_generate": max_tokens}
    if stream and not cli_context().json:
        for token in found.stream(text, params):
            click.echo(token, nl=False)
        click.echo()
    elif stream:
        tokens = list(found.stream(text, params))
        show_done("", text="".join(tokens), tokens=tokens)
    else:
        show_one(found.predict(text, params))


@endpoint.group("key", cls=Group)
def key() -> None:
    """API keys of an endpoint (the keys callers present)."""


@key.command("create")
@PROJECT
@ENDPOINT
@click.option("--description", default="", help="What the key is for.")
@SHOW_KEY
def create_key(project: str, endpoint: str, description: str, show_key: bool) -> None:
    """Add an API key; it is printed only with --show-key."""
    created = find(cli_context().client, project, endpoint).api_keys.create(description=description)
    hint = created.reveal() if show_key else "endpoint info --show-key prints it"
    show_done(
        f"Created API key {created.id} ({hint}).",
        created="api key",
        id=created.id,
        revealed=revealed(created, show_key),
    )


@key.command("revoke")
@PROJECT
@ENDPOINT
@click.option(
    "-k", "--key", "key_ref", required=True, help="The key's id (key-...) or description."
)
def revoke_key(project: str, endpoint: str, key_ref: str) -> None:
    """Revoke an API key: calls presenting it are refused from now on."""
    revoked = find(cli_context().client, project, endpoint).api_keys.get(key_ref).revoke()
    show_done(f"Revoked API key {revoked.id}.", id=revoked.id, status=revoked.status)


add_commands(
    key,
    list_command(
        "API key",
        KEY_COLUMNS,
        lambda client, **at: find(client, **at).api_keys.list(),
        PROJECT,
        ENDPOINT,
    ),
)
add_commands(
    endpoint,
    list_command("endpoint", COLUMNS, find_all, IN_PROJECT),
    wait_command(
        find,
        wait_live,
        PROJECT,
        ENDPOINT,
        help="Wait until an endpoint is Live; exit 1 if it failed or was stopped.",
    ),
    stop_command(
        "endpoint",
        find,
        PROJECT,
        ENDPOINT,
        help="Stop serving ('endpoint update -i N' starts it again).",
    ),
    delete_command("endpoint", find, PROJECT, ENDPOINT),
)
