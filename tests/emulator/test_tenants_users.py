"""Tenants, users, roles, notifications, features and projects' own rules."""

from __future__ import annotations

from sambastudio.emulator import Emulator
from tests.emulator.conftest import Api
from tests.emulator.helpers import start_endpoint, start_job


def test_tenant_lifecycle(emulator: Emulator, api: Api) -> None:
    created = api.ok("create_tenant", tenant_name="research", display_name="Research")["data"]
    assert created["tenant_name"] == "research"
    assert created["rdu_node_count"] == 4
    assert api("create_tenant", tenant_name="research").status_code == 409
    assert api("create_tenant", tenant_name="a/b").status_code == 400
    assert api("create_tenant").status_code == 400
    by_id = api.ok("tenant_info", tenant=created["tenant_id"])["data"]
    assert by_id["display_name"] == "Research"
    updated = api.ok("update_tenant", tenant_name="research", rdu_node_count=8, arch="SN40L")
    assert updated["data"]["rdu_node_count"] == 8
    assert api("update_tenant", tenant_name="research", rdu_node_count=-1).status_code == 400
    usage = api.ok("admin_resource_usage")
    assert usage["total_rdus"] == (4 + 8) * 8
    assert usage["available_rdus"] == usage["total_rdus"]
    api.ok("create_project", project_name="p", description="", in_tenant="research")
    assert api("delete_tenant", tenant_name="research").status_code == 409
    api.ok("delete_project", project="p", in_tenant="research")
    assert api.ok("delete_tenant", tenant_name="research")["data"]["tenant_name"] == "research"
    assert api("tenant_info", tenant="research").status_code == 404
    assert api("delete_tenant", tenant_name="default").status_code == 400
    admin_notes = api.ok("list_notifications", type="admin")["notifications"]
    assert [n["message"] for n in admin_notes] == [
        "Tenant research deleted",
        "Tenant research created",
    ]


def test_users_and_roles(emulator: Emulator, api: Api) -> None:
    emulator.add_tenant("research")
    added = api.ok(
        "add_users",
        users=[
            {
                "user_id": "dave",
                "email": "dave@example.com",
                "role": "User",
                "tenant": "research",
                "password": "pw-dave-123",
            },
            {"user_id": "erin"},
        ],
    )["users"]
    assert [(u["user_id"], u["tenants"]) for u in added] == [
        ("dave", ["research"]),
        ("erin", ["default"]),
    ]
    assert all("key" not in u and "password" not in str(u) for u in added)
    dave = api.ok("login", username="dave", password="pw-dave-123", as_user=None)["key"]
    assert api.ok("list_projects", as_user=dave, in_tenant="research") == {"projects": []}
    names = {u["user_id"] for u in api.ok("list_users")["users"]}
    assert names == {"admin", "dave", "erin"}
    roles = [r["name"] for r in api.ok("list_roles")["roles"]]
    assert roles == ["OrgAdmin", "TenantAdmin", "User"]
    assert api("add_users", users=[{"user_id": "x", "role": "King"}]).status_code == 400
    assert api("add_users", users=[]).status_code == 400
    assert api("add_users", users=[{"user_id": "../x"}]).status_code == 400
    tenant_admin = emulator.add_user("tina", admin=True)
    grab = api("add_users", users=[{"user_id": "boss", "role": "OrgAdmin"}], as_user=tenant_admin)
    assert grab.status_code == 403
    api.ok("delete_user", user_id="dave", tenant="research")
    assert api("list_projects", as_user=dave, in_tenant="research").status_code == 403
    api.ok("delete_user", user_id="dave")
    assert api("list_projects", as_user=dave).status_code == 401
    assert api("delete_user", user_id="dave").status_code == 404
    assert api("delete_user", user_id="admin").status_code == 400


def test_notifications_are_paged_and_filtered(emulator: Emulator, api: Api) -> None:
    for name in ("a", "b", "c"):
        start_endpoint(api, endpoint_name=name)
    emulator.clock.advance(3600)
    api.ok("list_endpoints")
    first = api.ok("list_notifications", page=1, limit=2)
    assert first["count"] == 3
    assert len(first["notifications"]) == 2
    assert first["next_page"] == 2
    second = api.ok("list_notifications", page=2, limit=2)
    assert len(second["notifications"]) == 1
    assert second["next_page"] is None
    oldest = api.ok("list_notifications", ordering="asc", limit=1)["notifications"][0]
    assert oldest["message"] == "Endpoint a is Live"
    assert api.ok("list_notifications", levels=[40, 50])["count"] == 0
    assert api.ok("list_notifications", archived=True)["count"] == 0
    for bad in (
        {"limit": 0},
        {"page": 0},
        {"levels": [15]},
        {"type": "robot"},
        {"created_start": "yesterday"},
        {"ordering": "sideways"},
    ):
        response = api("list_notifications", **bad)
        assert response.status_code == 400, bad
        (argument,) = bad
        assert argument in response.json()["detail"]  # the refusal names what it refused


def test_features_and_projects(emulator: Emulator, api: Api) -> None:
    features = api.ok("get_feature_list")["features"]
    assert all(set(f) == {"name", "enabled"} for f in features)
    start_job(api)
    assert api.ok("project_info", project="p")["job_count"] == 1
    refused = api("delete_project", project="p")
    assert refused.status_code == 409
    assert "delete them first" in refused.json()["detail"]
    api.ok("delete_job", project="p", job="ft")
    assert api.ok("update_project", project="p", name="q")["name"] == "q"
    assert api.ok("delete_project", project="q") == {}
    assert api("project_info", project="q").json() == {"detail": "project q not found"}
    assert api("search_project", project_name="q").status_code == 404


def test_admin_job_list_shows_running_jobs_of_every_tenant(emulator: Emulator, api: Api) -> None:
    start_job(api)
    assert [j["job_name"] for j in api.ok("admin_job_list")["jobs"]] == ["ft"]
    emulator.clock.advance(30)
    assert api.ok("admin_resource_usage")["used_rdus"] == 8
    emulator.clock.advance(3600)
    assert api.ok("admin_job_list")["jobs"] == []
