"""Routes files: what they can change, where they are found, and every way one can be wrong."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from sambastudio import Client
from sambastudio._overrides import (
    RouteOverride,
    answer_of,
    apply_overrides,
    load_overrides,
    load_routes,
    override_between,
    resolve_routes,
    routes_document,
)
from sambastudio._routes import ROUTES
from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from sambastudio.errors import ConfigurationError, NotFoundError


def write(tmp_path: Path, routes: Any, name: str = "routes.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"version": 1, "routes": routes}), encoding="utf-8")
    return path


def test_an_override_changes_method_path_arguments_and_answer(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {
            "search_project": {
                "method": "POST",
                "path": "/api/v2/projects:search",
                "args": {"project_name": {"where": "body", "wire": "name"}},
                "answer": "data",
            },
            "list_jobs": {
                "path": "/api/v2/projects/{project_id}/jobs",
                "args": {"project_id": "path"},
            },
        },
    )
    routes = load_routes(path)
    search = routes["search_project"].bind(project_name="demo")
    assert (search.method, search.path, search.json, dict(search.query)) == (
        "POST",
        "/api/v2/projects:search",
        {"name": "demo"},
        {},
    )
    assert routes["search_project"].answer == "data"
    assert routes["list_jobs"].bind(project_id="p1").path == "/api/v2/projects/p1/jobs"
    assert ROUTES["search_project"].path == "/api/projects/search"  # the table is untouched
    assert ROUTES["search_project"].answer == ""


@pytest.mark.parametrize(
    ("routes", "words"),
    [
        ({"list_widgets": {"path": "/api/widgets"}}, ["'list_widgets'", "no such operation"]),
        ({"project_info": {"path": "/api/v2/projects/{id}"}}, ["'project_info'", "['id']"]),
        ({"project_info": {"path": "/api/v2/projects"}}, ["'project_info'", "['project']"]),
        ({"list_projects": {"method": "FETCH"}}, ["'list_projects'", "'FETCH'"]),
        ({"list_projects": {"method": "get"}}, ["'list_projects'", "'get'"]),
        ({"list_projects": {"path": "api/projects"}}, ["'list_projects'", "starting with '/'"]),
        ({"list_projects": {"paht": "/x"}}, ["'list_projects'", "'paht'"]),
        ({"job_info": {"args": {"jb": "path"}}}, ["'job_info'", "'jb'"]),
        ({"job_info": {"args": {"verbose": "cookie"}}}, ["'job_info'", "'cookie'"]),
        ({"upload_part_file": {"args": {"file": "body"}}}, ["'upload_part_file'", "cannot move"]),
        ({"list_projects": {"answer": ""}}, ["'list_projects'", "answer"]),
        ({"list_projects": "GET /api/v2/projects"}, ["'list_projects'", "must be an object"]),
    ],
)
def test_a_bad_entry_is_an_error_naming_the_file_and_the_entry(
    tmp_path: Path, routes: Any, words: list[str]
) -> None:
    path = write(tmp_path, routes)
    with pytest.raises(ConfigurationError) as caught:
        load_overrides(path)
    assert str(path) in str(caught.value)
    for word in words:
        assert word in str(caught.value)


def test_one_bad_entry_fails_the_whole_file(tmp_path: Path) -> None:
    path = write(tmp_path, {"list_projects": {"path": "/ok"}, "nope": {"path": "/x"}})
    with pytest.raises(ConfigurationError, match="'nope'"):
        load_routes(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not valid JSON"),
        ('["routes"]', "'routes' object"),
        ('{"routes": {}, "host": "x"}', "'host'"),
        ('{"version": 2, "routes": {}}', "version 2"),
    ],
)
def test_a_bad_file_is_an_error_naming_it(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "routes.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=words) as caught:
        load_overrides(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot be read"):
        Client(host_url="http://127.0.0.1:1", access_key="k" * 8, routes=tmp_path / "none.json")


@pytest.mark.skipif(
    sys.version_info < (3, 11), reason="tomllib is in the standard library from 3.11"
)
def test_toml_works_where_the_standard_library_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "routes.toml"
    path.write_text(
        'version = 1\n[routes.project_info]\npath = "/api/v2/projects/{project}"\n',
        encoding="utf-8",
    )
    assert load_routes(path)["project_info"].path == "/api/v2/projects/{project}"
    path.write_text("[routes\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_routes(path)


def test_where_the_routes_file_comes_from(tmp_path: Path) -> None:
    snapi = tmp_path / "snapi"
    snapi.mkdir()
    env = {"SNAPI_CLI_CONFIG_DIR": str(snapi)}
    assert resolve_routes(environ=env) is ROUTES  # no file anywhere: the table
    write(snapi, {"list_apps": {"path": "/api/v2/apps"}})
    assert resolve_routes(environ=env)["list_apps"].path == "/api/v2/apps"
    assert resolve_routes(environ=env, config_dir=False) is ROUTES  # the shim's rule
    named = write(tmp_path, {"list_apps": {"path": "/api/v3/apps"}})
    env["SAMBASTUDIO_ROUTES"] = str(named)
    assert resolve_routes(environ=env)["list_apps"].path == "/api/v3/apps"
    assert resolve_routes(environ=env, config_dir=False)["list_apps"].path == "/api/v3/apps"
    explicit = write(tmp_path, {"list_apps": {"path": "/api/v4/apps"}}, "mine.json")
    assert resolve_routes(explicit, environ=env)["list_apps"].path == "/api/v4/apps"


def test_answer_of_follows_the_key_and_leaves_other_answers_alone() -> None:
    routes = apply_overrides({"project_info": RouteOverride("project_info", answer="a.b")})
    route = routes["project_info"]
    assert answer_of(route, {"a": {"b": {"id": "1"}}}) == {"id": "1"}
    assert answer_of(route, {"detail": "gone"}) == {"detail": "gone"}
    assert answer_of(ROUTES["project_info"], {"a": 1}) == {"a": 1}


def test_a_document_round_trips(tmp_path: Path) -> None:
    overrides = {
        "list_jobs": RouteOverride("list_jobs", path="/api/v2/jobs"),
        "search_job": load_overrides(
            write(tmp_path, {"search_job": {"args": {"job_name": {"wire": "name"}}}})
        )["search_job"],
    }
    path = tmp_path / "again.json"
    path.write_text(json.dumps(routes_document(overrides, note="n")), encoding="utf-8")
    assert load_overrides(path) == overrides
    table = apply_overrides(overrides)
    assert override_between(ROUTES["search_job"], table["search_job"]) == overrides["search_job"]
    assert override_between(ROUTES["list_apps"], table["list_apps"]) is None


# ---------------------------------------------------------------- over the wire
def gateway_routes(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            "create_project": {"path": "/api/v2/projects"},
            "project_info": {"path": "/api/v2/projects/{project}"},
            "search_project": {"path": "/api/v2/projects:search"},
            "tenant_info": {"path": "/api/v2/tenants/{tenant}", "answer": "data"},
        },
    )


def test_each_client_holds_its_own_table(tmp_path: Path) -> None:
    with Emulator(api="v2") as emu:
        fixed = Client(host_url=emu.url, access_key=emu.access_key, routes=gateway_routes(tmp_path))
        plain = Client(host_url=emu.url, access_key=emu.access_key)
        project = fixed.projects.create(name="demo", description="")
        assert fixed.projects.get("demo") == project
        with pytest.raises(NotFoundError, match="404"):
            plain.projects.get(project.id)


def test_the_shim_honours_sambastudio_routes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(api="v2") as emu, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert SnSdk(emu.url, emu.access_key).create_project("p", "")["status_code"] == 404
        monkeypatch.setenv("SAMBASTUDIO_ROUTES", str(gateway_routes(tmp_path)))
        sdk = SnSdk(emu.url, emu.access_key)
        created = sdk.create_project(project_name="p", description="")
        assert created["status_code"] == 200
        assert sdk.search_project(project_name="p")["data"]["project_id"] == created["id"]
        tenant = sdk.tenant_info("default")  # the answer key lifts data to the top
        assert tenant["tenant_name"] == "default"
        assert tenant["status_code"] == 200
        assert "data" not in tenant
