"""Who may call what: platform keys, tenant cookies, admin-only routes, tenant isolation."""

from __future__ import annotations

from typing import Any

import pytest

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from tests.emulator.conftest import Api
from tests.emulator.helpers import add_dataset, start_endpoint, start_job

PLACEHOLDER = "x"


def _placeholders(name: str) -> dict[str, Any]:
    """Arguments that bind every required slot of a route (their values do not matter)."""
    return {arg.name: PLACEHOLDER for arg in ROUTES[name].args if arg.where in ("path", "raw")}


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.auth == "platform"))
def test_platform_routes_refuse_a_missing_or_wrong_key(shared_api: Api, name: str) -> None:
    for key in (None, "wrong"):
        response = shared_api(name, as_user=key, **_placeholders(name))
        assert response.status_code == 401, (name, response.text)
        assert "key" in response.json()["detail"]


@pytest.mark.parametrize("name", sorted(n for n, r in ROUTES.items() if r.admin))
def test_admin_routes_answer_403_to_other_users(
    shared_emulator: Emulator, shared_api: Api, name: str
) -> None:
    key = shared_emulator.add_user("alice")
    response = shared_api(name, as_user=key, **_placeholders(name))
    assert response.status_code == 403, (name, response.text)
    assert "admin" in response.json()["detail"]


def test_the_tenant_cookie_selects_the_tenant_by_name_or_id(emulator: Emulator, api: Api) -> None:
    tenant = emulator.add_tenant("research")
    api.ok("create_project", project_name="shared-name", description="default's")
    api.ok(
        "create_project", project_name="shared-name", description="research's", in_tenant="research"
    )
    by_name = api.ok("project_info", project="shared-name", in_tenant="research")
    by_id = api.ok("project_info", project="shared-name", in_tenant=tenant["id"])
    assert by_name["description"] == by_id["description"] == "research's"
    assert api.ok("project_info", project="shared-name")["description"] == "default's"
    unknown = api("list_projects", in_tenant="nowhere")
    assert unknown.status_code == 404
    assert "nowhere" in unknown.json()["detail"]


def test_users_see_only_their_tenants(emulator: Emulator, api: Api) -> None:
    emulator.add_tenant("research")
    alice = emulator.add_user("alice", tenant="research")
    assert api("list_projects", as_user=alice).status_code == 403  # not in default
    assert api.ok("list_projects", as_user=alice, in_tenant="research") == {"projects": []}
    assert emulator.add_user("alice", tenant="default") == alice  # joins, keeps the key
    assert api("list_projects", as_user=alice).status_code == 200
    tenants = api.ok("list_tenants", as_user=alice)["data"]
    assert sorted(t["tenant_name"] for t in tenants) == ["default", "research"]


def test_resources_of_one_tenant_are_invisible_from_another(emulator: Emulator, api: Api) -> None:
    emulator.add_tenant("research")
    job = start_job(api)
    endpoint = start_endpoint(api)
    add_dataset(emulator, "private")
    mine = api.ok(
        "add_composite_model",
        name="bundle",
        description="",
        dependencies=[{"name": "e5-large-v2"}],
        rdu_required=8,
        config_params={},
        app="",
    )
    other = {"in_tenant": "research"}
    assert api.ok("list_projects", **other) == {"projects": []}
    assert api("project_info", project=job["project_id"], **other).status_code == 404
    assert api("job_info", project=job["project_id"], job=job["job_id"], **other).status_code == 404
    assert api.ok("list_jobs", **other)["count"] == 0
    assert api.ok("list_endpoints", **other) == {"endpoints": []}
    assert api("endpoint_info_by_id", endpoint=endpoint["id"], **other).status_code == 404
    assert api("model_info", model=mine["model_id"], **other).status_code == 404
    names = {m["model_checkpoint_name"] for m in api.ok("list_models", **other)["models"]}
    assert "bundle" not in names
    assert "Meta-Llama-3-8B-Instruct" in names
    api.ok("create_project", project_name="q", description="", **other)
    refused = api(
        "create_job",
        project="q",
        job_type="train",
        job_name="j",
        description="",
        model_checkpoint="Meta-Llama-3-8B-Instruct",
        dataset="private",
        hyperparams="{}",
        load_state=False,
        sub_path="",
        parallel_instances=1,
        rdu_arch="SN40L-8",
        **other,
    )
    assert refused.status_code == 404
    assert "dataset private" in refused.json()["message"]


def test_a_plain_user_works_within_its_tenant(emulator: Emulator, api: Api) -> None:
    bob = emulator.add_user("bob")
    api.ok("create_project", project_name="bobs", description="", as_user=bob)
    assert api.ok("project_info", project="bobs")["user_id"] == "bob"
    assert api("list_users", as_user=bob).status_code == 403
    assert api.ok("tenant_default_tenant", as_user=bob)["data"]["tenant_name"] == "default"


def test_login_exchanges_a_password_for_the_key(emulator: Emulator, api: Api) -> None:
    assert api.ok("login", username="admin", password=emulator.access_key, as_user=None) == {
        "key": emulator.access_key
    }
    carol = emulator.add_user("carol", password="s3cret-pass")
    assert api.ok("login", username="carol", password="s3cret-pass", as_user=None)["key"] == carol
    wrong = api("login", username="carol", password="nope", as_user=None)
    assert wrong.status_code == 401
    assert "s3cret" not in wrong.text
    assert api("login", username="ghost", password="x", as_user=None).status_code == 401
