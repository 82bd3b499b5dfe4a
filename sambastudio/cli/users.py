"""``sambastudio user``: who may use the platform (admin commands).

``user add`` adds to the tenant the command acts in (the global ``--tenant``).
"""

from __future__ import annotations

from typing import Any

import click

from sambastudio.cli._commands import add_commands, list_command
from sambastudio.cli._context import Group, cli_context
from sambastudio.cli._output import show_done

COLUMNS = ("id", "email", "role", "tenants", "default_tenant")
USER = click.option("-u", "--user-id", required=True, help="User name (its id).")


@click.group(cls=Group)
def user() -> None:
    """Users (administrators).

    \b
    Examples:
      sambastudio user add -u alice --email alice@example.com
      sambastudio user delete -u alice --from-tenant research
      sambastudio user list
    """


@user.command("add")
@USER
@click.option("--email", help="E-mail address.")
@click.option(
    "--role",
    type=click.Choice(["User", "TenantAdmin", "OrgAdmin"]),
    default="User",
    show_default=True,
)
def add(user_id: str, email: str | None, role: Any) -> None:
    """Add a user to the current tenant (or an existing user to it)."""
    added = cli_context().client.users.add(user_id, email=email, role=role)
    show_done(f"Added user {added.id} as {added.role}.", created="user", id=added.id)


@user.command("delete")
@USER
@click.option("--from-tenant", help="Remove the user from this tenant only.")
def delete(user_id: str, from_tenant: str | None) -> None:
    """Remove a user from the organisation, or from one tenant."""
    cli_context().client.users.delete(user_id, tenant=from_tenant)
    where = f" from tenant {from_tenant}" if from_tenant else ""
    show_done(f"Removed user {user_id}{where}.", deleted="user", id=user_id, tenant=from_tenant)


add_commands(user, list_command("user", COLUMNS, lambda client: client.users.list()))
