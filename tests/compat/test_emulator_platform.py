"""SnSdk against the emulator, both flavors: projects, models, apps, tenants, users, misc.

Each test reads the keys real callers read (api-evidence.md §3.4); jobs, endpoints and
datasets are in the other test_emulator_* modules.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import ANY

import requests

from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from tests.compat.helpers import ok, project_id, project_name, projects, unique

BASE = "Meta-Llama-3-8B-Instruct"
DRAFT = "Meta-Llama-3.2-1B-Instruct"


def test_project_lifecycle_by_name_and_by_id(sdk: SnSdk, legacy: bool) -> None:
    name = unique("project")
    assert sdk.search_project(project_name=name)["status_code"] == 404
    created = ok(sdk.create_project(project_name=name, description="first"))
    assert ("data" in created) == legacy  # 2024: data.project_id; 2025: a flat object
    pid = project_id(created)
    assert ok(sdk.search_project(project_name=name))["data"]["project_id"] == pid
    assert project_id(ok(sdk.project_info(name))) == pid
    assert project_id(ok(sdk.project_info(project=pid))) == pid
    assert name in [project_name(p) for p in projects(ok(sdk.list_projects()))]

    renamed = unique("project")
    ok(sdk.update_project(project=name, name=renamed, description="second"))
    assert project_id(ok(sdk.project_info(renamed))) == pid
    deleted = ok(sdk.delete_project(project=renamed))
    assert set(deleted) <= {"status_code", "headers", "detail"}
    assert sdk.project_info(pid)["status_code"] == 404


def test_models_and_apps_as_callers_read_them(sdk: SnSdk) -> None:
    models = ok(sdk.list_models())["models"]
    trainable = [m for m in models if {"train"} <= set(m["jobTypes"])]
    model = next(m for m in trainable if m["model_checkpoint_name"] == BASE)
    assert ok(sdk.search_model(model_name=BASE))["data"]["model_id"] == model["model_id"]
    info = ok(sdk.model_info(BASE, "train"))
    user_params = info["hyperparams"]["train"]["SN40L-8"]["user_params"]
    assert {"FIELD_NAME", "TYPE_SPECIFIC_SETTINGS"} <= set(user_params[0])
    deploy = ok(sdk.model_info(model=model["model_id"], job_type="deploy"))
    assert deploy["type"] == "Basic"
    assert ok(sdk.list_models(verbose=True))["models"]

    apps = ok(sdk.list_apps())["apps"]
    app = apps[0]
    assert ok(sdk.app_info(app=app["name"]))["apps"]["id"] == app["id"]
    assert ok(sdk.app_info(app["id"]))["apps"]["name"] == app["name"]


def test_bundles_speculative_decoding_imports_and_exports(sdk: SnSdk, emu: Emulator) -> None:
    bundle = unique("bundle")
    dependencies = [{"name": BASE}, {"name": DRAFT}]
    made = ok(sdk.add_composite_model(bundle, "pair", dependencies, 8, {}, ""))
    assert made["model_id"]
    assert made["status"] == "Available"
    info = ok(sdk.model_info(bundle, job_type="deploy"))
    assert info["type"] == "Composite"
    assert [m["name"] for m in info["dependencies"]] == [BASE, DRAFT]
    checked = ok(sdk.validate_spec_decoding(BASE, DRAFT, 8, dependencies))
    assert checked["valid"] is True
    assert checked["validations"] == []
    assert ok(sdk.validate_spec_decoding(DRAFT, BASE, 8, []))["valid"] is False
    assert ok(sdk.validate_model_bundle(dependencies, 8)) == {
        "valid": True,
        "validations": [],
        "status_code": 200,
        "headers": checked["headers"] | {"x-correlation-id": ANY, "date": ANY},
    }
    refused = ok(sdk.validate_model_bundle([{"name": BASE}, {"name": BASE}], 12))
    assert [v["reason"] for v in refused["validations"]] == ["duplicate", "rdu_required"]
    assert sdk.validate_model_bundle([{"name": "no-such-model"}], 8)["status_code"] == 404

    name = unique("imported")
    started = ok(sdk.import_model(BASE, "checkpoints/my-llama", name, "LOCAL", 0))
    model_id = started["model_id"]
    emu.clock.advance(3600)
    status = ok(sdk.import_status(model_id))
    assert (status["status"], status["progress"]) == ("Available", 100)

    export = ok(sdk.export_model(model_id, "LOCAL"))
    activity = export["model_activity_id"]
    exported = ok(sdk.exported_model_list())["models"]
    assert activity in [e["model_activity_id"] for e in exported]
    ok(sdk.delete_exported_model(model_id=model_id, model_activity_id=activity))
    # the body of a delete is {} (a real answer, api-evidence §2): the dict holds only the
    # two keys the shim adds
    assert ok(sdk.delete_model(name)).keys() == {"status_code", "headers"}
    assert ok(sdk.delete_model(model=bundle)).keys() == {"status_code", "headers"}
    assert sdk.search_model(bundle)["status_code"] == 404


def test_tenants(sdk: SnSdk) -> None:
    name = unique("tenant")
    created = ok(sdk.create_tenant(tenant_name=name, display_name="Team"))
    tenant_id = created["data"]["tenant_id"]
    assert name in [t["tenant_name"] for t in ok(sdk.list_tenants())["data"]]
    assert ok(sdk.tenant_info(tenant=name))["data"]["tenant_id"] == tenant_id
    assert ok(sdk.tenant_info(tenant_id))["data"]["tenant_name"] == name
    updated = ok(sdk.update_tenant(name, "Team B", 2, "SN40L"))["data"]
    assert (updated["display_name"], updated["rdu_node_count"]) == ("Team B", 2)
    assert ok(sdk.tenant_default_tenant())["data"]["tenant_name"] == "default"
    ok(sdk.delete_tenant(tenant_name=name))
    assert sdk.tenant_info(name)["status_code"] == 404


def test_users_roles_and_login(sdk: SnSdk, emu: Emulator) -> None:
    user = unique("carol")
    password = "carol-password-1"
    added = ok(sdk.add_users([{"user_id": user, "role": "User", "password": password}]))
    assert [u["user_id"] for u in added["users"]] == [user]
    assert user in [u["user_id"] for u in ok(sdk.list_users())["users"]]
    roles = ok(sdk.list_roles())["roles"]
    assert {"OrgAdmin", "TenantAdmin", "User"} <= {r["name"] for r in roles}

    carol = SnSdk(emu.url, emu.access_key)
    key = ok(carol.login(server=emu.url, username=user, password=password))["key"]
    assert key != emu.access_key
    assert (
        projects(ok(carol.list_projects())) == []
    )  # as carol, a new user: login installed her key
    assert carol.login(emu.url, user, "wrong-password")["status_code"] == 401

    ok(sdk.delete_user(user_id=user, tenant="default"))
    assert carol.list_projects()["status_code"] == 403  # no longer a member of default
    ok(sdk.delete_user(user))
    assert carol.list_projects()["status_code"] == 401


def test_notifications_features_and_admin_views(sdk: SnSdk, emu: Emulator) -> None:
    listed = ok(sdk.list_notifications())
    assert isinstance(listed["notifications"], list)
    filtered = ok(sdk.list_notifications(page=1, limit=5, levels="40,50", archived=False))
    assert all(n["level"] in (40, 50) for n in filtered["notifications"])
    ok(sdk.list_notifications(levels=[10], type="user", ordering="asc", all=True))
    features = ok(sdk.get_feature_list())["features"]
    assert all({"name", "enabled"} <= set(f) for f in features)
    assert isinstance(ok(sdk.admin_job_list())["jobs"], list)
    usage = ok(sdk.admin_resource_usage())
    assert usage["total_rdus"] >= usage["available_rdus"] >= 0


def test_the_legacy_login_flow_without_a_key_at_construction(sdk: SnSdk, emu: Emulator) -> None:
    """``SnSdk(host, "")`` then ``login(...)``: scripts of the seed's era do this."""
    user, password = unique("dora"), "dora-password-1"
    ok(sdk.add_users([{"user_id": user, "role": "User", "password": password}]))
    fresh = SnSdk(emu.url, "")
    sent: list[str] = []
    send = fresh.http_session.request

    def counted(method: str, url: str, **options: Any) -> requests.Response:
        sent.append(url)
        return send(method, url, **options)

    fresh.http_session.request = counted  # type: ignore[method-assign]

    before = fresh.list_projects()
    assert (before["status_code"], before["headers"]) == (401, {})
    assert "login()" in before["detail"]
    assert fresh.download_results("p", "j", "/nonexistent")["status_code"] == 401
    assert sent == []  # refused without a request
    assert fresh.login(emu.url, user, "wrong-password")["status_code"] == 401
    assert fresh.list_projects()["status_code"] == 401
    assert len(sent) == 1  # only the failed login went out

    key = ok(fresh.login(emu.url, user, password))["key"]
    listed = ok(fresh.list_projects())
    assert "projects" in listed or "data" in listed
    assert len(sent) == 3
    assert key not in repr(fresh)
    created = ok(fresh.create_project(unique("mine"), ""))
    owner = created["metadata"]["owner"] if "metadata" in created else created["data"]["user_id"]
    assert owner == user  # the key login obtained is the one sent
