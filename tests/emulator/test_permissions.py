"""The permission table, route by route and role by role, and the attacks it stops.

Tenant ``home`` is where each caller holds its role; tenant ``away`` is one where it holds
none. The expectations are written out here, not read from ``_permissions``, so the table
itself is under test as well as its enforcement.
"""

from __future__ import annotations

from typing import Any

import pytest

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from sambastudio.emulator._permissions import Role
from tests.emulator.conftest import Api
from tests.emulator.helpers import start_job

HOME, AWAY = "home", "away"
ROLES: tuple[Role, ...] = ("OrgAdmin", "TenantAdmin", "User")
TENANT_ADMIN_ROUTES = frozenset(
    {
        "list_users",
        "list_roles",
        "add_users",
        "delete_user",
        "update_tenant",
        "admin_job_list",
        "admin_resource_usage",
    }
)
PLATFORM_ADMIN_ROUTES = frozenset({"create_tenant", "delete_tenant"})
NAMED_TENANT_ROUTES = ("tenant_info", "update_tenant", "delete_tenant", "add_users", "delete_user")
PLATFORM_ROUTES = sorted(name for name, route in ROUTES.items() if route.auth == "platform")


def _allowed(role: str, route: str, *, member: bool) -> bool:
    """What each role may do: a platform admin anything anywhere; the others nothing where
    they hold no role, and at home what their rank covers."""
    if role == "OrgAdmin":
        return True
    if not member or route in PLATFORM_ADMIN_ROUTES:
        return False
    return route not in TENANT_ADMIN_ROUTES or role == "TenantAdmin"


def _arguments(route: str, target: str, tag: str) -> dict[str, Any]:
    """Arguments binding every slot; those naming a tenant name ``target``. An allowed
    call then fails harmlessly (a missing resource, a bad body, a tenant with projects)."""
    args: dict[str, Any] = {
        arg.name: "x" for arg in ROUTES[route].args if arg.where in ("path", "raw")
    }
    specific: dict[str, dict[str, Any]] = {
        "tenant_info": {"tenant": target},
        "update_tenant": {"tenant_name": target, "display_name": f"renamed by {tag}"},
        "delete_tenant": {"tenant_name": target},
        "add_users": {"users": [{"user_id": f"new-{tag}", "tenant": target}]},
        "delete_user": {"user_id": "nobody", "tenant": target},
        "create_tenant": {"tenant_name": f"t-{tag}"},
    }
    return {**args, **specific.get(route, {})}


@pytest.fixture(scope="module")
def keys(shared_emulator: Emulator, shared_api: Api) -> dict[str, str]:
    """A caller of each role, at home; both tenants hold a project (so none is deleted)."""
    state = shared_emulator.state
    for tenant in (HOME, AWAY):
        shared_emulator.add_tenant(tenant)
        shared_api.ok("create_project", project_name="keep", description="", in_tenant=tenant)
    return {
        role: state.add_user(f"{role.lower()}-at-home", tenant=HOME, role=role)[1] for role in ROLES
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", PLATFORM_ROUTES)
@pytest.mark.parametrize("where", [HOME, AWAY])
def test_each_role_may_do_what_the_table_says_in_each_tenant(
    shared_api: Api, keys: dict[str, str], role: str, route: str, where: str
) -> None:
    tag = f"{role}-{route}-{where}".lower()
    response = shared_api(
        route, as_user=keys[role], in_tenant=where, **_arguments(route, where, tag)
    )
    if _allowed(role, route, member=where == HOME):
        assert response.status_code != 403, (response.status_code, response.text)
    else:
        assert response.status_code == 403, (response.status_code, response.text)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", NAMED_TENANT_ROUTES)
def test_an_argument_cannot_reach_a_tenant_the_caller_holds_no_role_in(
    shared_api: Api, keys: dict[str, str], role: str, route: str
) -> None:
    tag = f"{role}-{route}-reach".lower()
    response = shared_api(route, as_user=keys[role], in_tenant=HOME, **_arguments(route, AWAY, tag))
    if _allowed(role, route, member=False):
        assert response.status_code != 403, (response.status_code, response.text)
    else:
        assert response.status_code == 403, (response.status_code, response.text)
        if role == "TenantAdmin" and route not in PLATFORM_ADMIN_ROUTES:
            # allowed at home, refused for the tenant the argument named
            assert "tenant away" in response.json()["detail"]


# ------------------------------------------------------------------------------- attacks
@pytest.fixture
def mallory(emulator: Emulator, api: Api) -> str:
    """A tenant admin of B, next to tenant A: its project, its user alice, a running job."""
    emulator.add_tenant("a")
    emulator.add_tenant("b")
    emulator.add_user("alice", tenant="a")
    api.ok("create_project", project_name="secret", description="", in_tenant="a")
    return emulator.add_user("mallory", tenant="b", admin=True)


def test_a_tenant_admin_cannot_add_itself_to_another_tenant(api: Api, mallory: str) -> None:
    entry = {"user_id": "mallory", "tenant": "a"}
    joined = api("add_users", users=[entry], as_user=mallory, in_tenant="b")
    assert joined.status_code == 403
    assert "tenant a" in joined.json()["detail"]
    assert api("list_projects", as_user=mallory, in_tenant="a").status_code == 403


def test_a_tenant_admin_cannot_read_or_delete_another_tenants_projects(
    api: Api, mallory: str
) -> None:
    api("add_users", users=[{"user_id": "mallory", "tenant": "a"}], as_user=mallory, in_tenant="b")
    for route in ("project_info", "delete_project"):
        response = api(route, project="secret", as_user=mallory, in_tenant="a")
        assert response.status_code == 403, route
    assert api.ok("project_info", project="secret", in_tenant="a")["name"] == "secret"


def test_a_tenant_admin_cannot_add_an_admin_to_another_tenant(api: Api, mallory: str) -> None:
    entry = {"user_id": "eve", "role": "TenantAdmin", "tenant": "a"}
    assert api("add_users", users=[entry], as_user=mallory, in_tenant="b").status_code == 403
    assert "eve" not in {u["user_id"] for u in api.ok("list_users")["users"]}


def test_a_tenant_admin_cannot_delete_users_of_another_tenant(
    emulator: Emulator, api: Api, mallory: str
) -> None:
    for where in ({}, {"tenant": "a"}):
        refused = api("delete_user", user_id="alice", as_user=mallory, in_tenant="b", **where)
        assert refused.status_code == 403, where
    assert emulator.state.user("alice") is not None


def test_a_user_in_two_tenants_is_removed_only_by_an_admin_of_both(
    emulator: Emulator, api: Api, mallory: str
) -> None:
    emulator.add_user("alice", tenant="b")
    assert api("delete_user", user_id="alice", as_user=mallory, in_tenant="b").status_code == 403
    api.ok("delete_user", user_id="alice", tenant="b", as_user=mallory, in_tenant="b")
    assert api.ok("tenant_info", tenant="a")["data"]["users_count"] == 1


def test_a_tenant_admin_cannot_create_tenants(api: Api, mallory: str) -> None:
    response = api("create_tenant", tenant_name="mine", as_user=mallory, in_tenant="b")
    assert response.status_code == 403
    assert "platform admin" in response.json()["detail"]
    assert api("tenant_info", tenant="mine").status_code == 404


def test_a_tenant_admin_renames_its_tenant_but_cannot_raise_its_capacity(
    api: Api, mallory: str
) -> None:
    for change in ({"rdu_node_count": 100}, {"arch": "SN40L-16"}):
        raised = api("update_tenant", tenant_name="b", as_user=mallory, in_tenant="b", **change)
        assert raised.status_code == 403, change
    assert api.ok("tenant_info", tenant="b")["data"]["rdu_node_count"] == 4
    renamed = api.ok(
        "update_tenant", tenant_name="b", display_name="B", as_user=mallory, in_tenant="b"
    )
    assert renamed["data"]["display_name"] == "B"


def test_a_tenant_admin_sees_the_usage_and_jobs_of_its_tenants_only(
    emulator: Emulator, api: Api, mallory: str
) -> None:
    start_job(api)  # in the default tenant
    emulator.clock.advance(30)
    usage = api.ok("admin_resource_usage", as_user=mallory, in_tenant="b")
    assert [t["tenant_name"] for t in usage["tenants"]] == ["b"]
    assert usage["used_rdus"] == 0
    assert api.ok("admin_job_list", as_user=mallory, in_tenant="b")["jobs"] == []
    assert [j["job_name"] for j in api.ok("admin_job_list")["jobs"]] == ["ft"]


def test_a_role_is_held_per_tenant(emulator: Emulator, api: Api, mallory: str) -> None:
    api.ok("add_users", users=[{"user_id": "mallory", "tenant": "a"}], in_tenant="a")
    assert api("list_users", as_user=mallory, in_tenant="a").status_code == 403
    assert api("list_users", as_user=mallory, in_tenant="b").status_code == 200
    seen = {u["user_id"]: u["role"] for u in api.ok("list_users", in_tenant="a")["users"]}
    assert seen["mallory"] == "User"
