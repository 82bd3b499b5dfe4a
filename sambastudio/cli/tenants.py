"""``sambastudio tenant``: the organisation's partitions (admins create and change them).

A tenant is named with ``-n/--name``: ``--tenant`` is the global option that picks the
tenant every command acts in.
"""

from __future__ import annotations

import click

from sambastudio._client import Client
from sambastudio.cli._commands import (
    add_commands,
    delete_command,
    info_command,
    label,
    list_command,
    show_created,
)
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._output import show_done
from sambastudio.resources.tenants import Tenant

COLUMNS = ("name", "id", "display_name", "rdu_node_count", "arch", "users_count")
NAME = click.option("-n", "--name", "tenant", required=True, help="Tenant name or id.")


def find(client: Client, tenant: str) -> Tenant:
    return client.tenants.get(tenant)


@click.group(cls=Group)
def tenant() -> None:
    """Tenants (administrators).

    \b
    Examples:
      sambastudio tenant create -n research --display-name "Research"
      sambastudio tenant update -n research --rdu-node-count 2 --arch SN40L-8
      sambastudio tenant list
    """


@tenant.command("create")
@click.option("-n", "--name", required=True, help="Name of the new tenant.")
@click.option("--display-name", help="Name shown in the UI.")
def create(name: str, display_name: str | None) -> None:
    """Create a tenant (admins only)."""
    created = cli_context().client.tenants.create(name=name, display_name=display_name)
    show_created("tenant", created)


@tenant.command("update")
@NAME
@click.option("--display-name", help="Name shown in the UI.")
@click.option("--rdu-node-count", type=click.IntRange(min=0), help="RDU nodes allocated.")
@click.option("--arch", help="RDU architecture of those nodes.")
def update(
    tenant: str, display_name: str | None, rdu_node_count: int | None, arch: str | None
) -> None:
    """Change a tenant's display name or RDU allocation (admins only)."""
    updated = find(cli_context().client, tenant).update(
        display_name=display_name, rdu_node_count=rdu_node_count, arch=arch
    )
    show_done(f"Updated tenant {label(updated)}.", updated="tenant", id=updated.id)


add_commands(
    tenant,
    list_command("tenant", COLUMNS, lambda client: client.tenants.list()),
    info_command("tenant", find, NAME),
    delete_command("tenant", find, NAME),
)
