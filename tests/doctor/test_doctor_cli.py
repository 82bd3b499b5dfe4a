"""``sambastudio doctor`` and ``client.doctor()``: writes only when allowed, cleanup, the
report's secrecy, the command's output and exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sambastudio import Client
from sambastudio._overrides import RouteOverride, apply_override
from sambastudio.cli import main
from sambastudio.doctor import run_doctor
from sambastudio.emulator import Emulator, _v2


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api="v2") as emu:
        yield emu


def projects(emu: Emulator) -> list[str]:
    return [doc["name"] for doc in emu.state.store.list("project")]


def test_without_allow_writes_nothing_is_written(emu: Emulator) -> None:
    with Client(host_url=emu.url, access_key=emu.access_key) as client:
        report = client.doctor()
    assert report.writes == ()
    assert projects(emu) == []
    assert report.exit_code == 0


def test_allow_writes_runs_the_project_cycle_and_cleans_up(emu: Emulator) -> None:
    with Client(host_url=emu.url, access_key=emu.access_key) as client:
        report = client.doctor(allow_writes=True)
    steps = [(row.operation, row.outcome, row.found_path) for row in report.writes]
    assert steps == [
        ("create_project", "moved", "/api/v2/projects"),
        ("project_info", "moved", "/api/v2/projects/{project}"),
        ("update_project", "moved", "/api/v2/projects/{project}"),
        ("delete_project", "moved", "/api/v2/projects/{project}"),
    ]
    assert projects(emu) == []
    assert report.overrides["update_project"].path == "/api/v2/projects/{project}"


def test_a_failed_step_still_deletes_the_project(emu: Emulator) -> None:
    with Client(host_url=emu.url, access_key=emu.access_key) as client:
        # update_project sent as PUT: the gateway refuses it (405), so the cycle breaks there
        wrong = RouteOverride("update_project", path="/api/v2/projects/{project}", method="PUT")
        broken = {"update_project": apply_override(client._route("update_project"), wrong)}
        report = run_doctor(client._with_routes(broken), allow_writes=True)
    outcomes = {row.operation: row.outcome for row in report.writes}
    assert outcomes["create_project"] == "moved"
    assert outcomes["update_project"] != "found"
    assert projects(emu) == []  # whatever failed, the throwaway project is gone


def test_the_report_holds_no_key_host_tenant_or_id() -> None:
    with Emulator() as emu, Client(emu.url, emu.access_key, tenant="default") as client:
        client.projects.create(name="kept", description="")
        report = client.doctor(allow_writes=True)
        tenant_id = emu.state.tenant("default")["id"]  # type: ignore[index]
        project_id = emu.state.store.list("project")[0]["id"]
        secrets = (emu.access_key, emu.url, "127.0.0.1", tenant_id, project_id, "kept")
    text = json.dumps(report.as_json())
    for secret in secrets:
        assert secret not in text
    assert report.as_json()["ok"] is True


def run_cli(emu: Emulator, *args: str, key: str | None = None) -> tuple[int, str]:
    env = {
        "SAMBASTUDIO_HOST_URL": emu.url,
        "SAMBASTUDIO_ACCESS_KEY": key or emu.access_key,
        "SNAPI_CLI_CONFIG_DIR": "/nonexistent-snapi",
    }
    result = CliRunner().invoke(main, ["doctor", *args], env=env)
    return result.exit_code, result.output


def test_the_command_prints_a_table_and_writes_routes_and_report(
    emu: Emulator, tmp_path: Path
) -> None:
    routes, report = tmp_path / "routes.json", tmp_path / "report.json"
    code, out = run_cli(emu, "--write-routes", str(routes), "--report", str(report))
    assert code == 0, out
    assert "OPERATION" in out
    assert "PATH FOUND" in out
    assert "GET /api/v2/projects" in out
    assert emu.access_key not in out
    assert json.loads(routes.read_text())["routes"]["list_projects"] == {"path": "/api/v2/projects"}
    assert json.loads(report.read_text())["ok"] is True
    code, out = run_cli(emu, "--json")
    assert code == 0
    assert json.loads(out)["api_document"].startswith("/api/v2/docs/swagger.json")


def test_exit_codes(emu: Emulator) -> None:
    code, out = run_cli(emu, key="f" * 64)
    assert code == 1
    assert "refused" in out
    assert "f" * 64 not in out
    code, _ = run_cli(emu, "--no-such-flag")
    assert code == 2
    result = CliRunner().invoke(
        main, ["doctor"], env={"SAMBASTUDIO_HOST_URL": "", "SNAPI_CLI_CONFIG_DIR": "/nonexistent"}
    )
    assert result.exit_code == 2


def test_an_operation_found_nowhere_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # A host serving one read-only operation at a path no known family spells.
    monkeypatch.setitem(_v2.LAYOUT, "list_roles", "/api/v2/iam/roleBindings")  # type: ignore[arg-type]
    with Emulator(api="v2", api_docs=False) as odd:
        code, out = run_cli(odd)
    assert code == 1
    assert "list_roles" in out
    assert "missing" in out
