"""Every command group against the emulator: create, list, info, the verbs, delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sambastudio.emulator import Emulator
from sambastudio.resources.api_keys import fingerprint
from tests.cli.conftest import ARCH, DEMO_DATA, LATER, MODEL, Cli, World, unique


def names(items: list[dict[str, Any]]) -> list[str]:
    return [item["name"] for item in items]


def test_project_create_list_info_update_delete(cli: Cli) -> None:
    name = unique("proj")
    created = cli.json("project", "create", "-p", name, "--description", "first")
    assert created["created"] == "project"
    assert name in names(cli.json("project", "list"))
    assert f"Name : {name}" in cli("project", "info", "-p", name).stdout
    cli("project", "update", "-p", name, "--description", "second")
    assert cli.json("project", "info", "-p", created["id"])["description"] == "second"
    assert f"Deleted project {name}." in cli("project", "delete", "-p", name).stdout
    assert f"no project named '{name}'" in cli("project", "info", "-p", name, code=1).stderr


def test_dataset_add_list_info_and_snapis_remove(cli: Cli, world: World) -> None:
    name = unique("data")
    cli("dataset", "add", "-n", name, "--path", str(DEMO_DATA), "-apps", world.app,
        "-j", "train", "-j", "evaluation", "--description", "capitals", "--yes")  # fmt: skip
    assert name in names(cli.json("dataset", "list"))
    info = cli.json("dataset", "info", "-d", name)
    assert sorted(info["job_types"]) == ["evaluation", "train"]
    assert "remove" not in cli("dataset", "--help").stdout  # snapi's name, kept out of sight
    cli("dataset", "remove", "-d", name)


def test_job_create_stop_resume_wait_delete(cli: Cli, world: World, emu: Emulator) -> None:
    name, project = unique("job"), world.project.name or ""
    dataset = world.job.dataset_id or ""
    hp = '{"num_iterations": 4, "save_steps": 2}'
    cli("job", "create", "-p", project, "-j", name, "-t", "train", "-m", MODEL, "-d", dataset,
        "-a", ARCH, "-hp", hp)  # fmt: skip
    assert name in names(cli.json("job", "list", "-p", project))
    assert name in names(cli.json("job", "list"))  # across projects
    assert cli.json("job", "stop", "-p", project, "-j", name)["status"] == "STOPPED"
    failed = cli("job", "wait", "-p", project, "-j", name, "--timeout", "600", code=1)
    assert "ended with status STOPPED" in failed.stderr
    cli("job", "resume", "-p", project, "-j", name)
    emu.clock.advance(LATER)
    assert (
        "ended EXIT_WITH_0"
        in cli("job", "wait", "-p", project, "-j", name, "--timeout", "600").stdout
    )
    assert "Status : EXIT_WITH_0" in cli("job", "info", "-p", project, "-j", name).stdout
    cli("job", "delete", "-p", project, "-j", name)
    assert name not in names(cli.json("job", "list", "-p", project))


def test_job_logs_download_and_checkpoints(cli: Cli, world: World, tmp_path: Path) -> None:
    at = ["-p", world.project.id, "-j", world.job.name or ""]
    logs = cli.json("job", "logs", *at)
    assert logs
    preview = cli("job", "logs", *at, "--preview", logs[0]["name"]).stdout
    assert preview.strip()
    saved = cli.json("job", "download", *at, "--dest", str(tmp_path))["path"]
    assert Path(saved).stat().st_size > 0
    table = cli("checkpoint", "list", *at).stdout.splitlines()
    assert table[0].split() == ["NAME", "STEPS", "TRAIN", "LOSS", "CREATED", "AT"]
    checkpoints = cli.json("checkpoint", "list", *at)
    assert [c["steps"] for c in checkpoints] == [2, 4]
    info = cli.json("checkpoint", "info", *at, "-c", checkpoints[0]["name"])
    assert info["metrics"]["single_value"]["train_loss"] > 0


def test_model_add_list_info_remove(cli: Cli, world: World) -> None:
    at = ["-p", world.project.name or "", "-j", world.job.id]
    checkpoint = cli.json("checkpoint", "list", *at)[0]["name"]
    name = unique("model")
    cli("model", "add", *at, "-m", checkpoint, "-n", name, "--description", "from step 2")
    assert name in names(cli.json("model", "list"))
    assert cli.json("model", "info", "-m", name)["description"] == "from step 2"
    cli("model", "remove", "-m", name)
    cli("model", "info", "-m", name, code=1)


def test_endpoint_lifecycle_and_keys(cli: Cli, world: World, emu: Emulator) -> None:
    name, project = unique("ep"), world.project.name or ""
    at = ["-p", project, "-e", name]
    cli(
        "endpoint", "create", "-p", project, "-n", name, "-m", world.model.id, "-a", ARCH, "-i", "1"
    )
    emu.clock.advance(LATER)
    assert f"Endpoint {name} is Live." in cli("endpoint", "wait", *at, "--timeout", "600").stdout
    assert name in names(cli.json("endpoint", "list", "-p", project))
    info = cli.json("endpoint", "info", *at)
    assert "api_key" not in info
    key = world.project.endpoints.get(name).api_key
    assert key is not None
    hidden = cli("endpoint", "info", *at)
    assert key.reveal() not in hidden.output
    assert "Status : Live" in hidden.stdout
    assert cli.json("endpoint", "info", *at, "--show-key")["api_key"] == key.reveal()

    created = cli.json("endpoint", "key", "create", *at, "--description", "ci")
    assert "api_key" not in created
    assert created["id"] in [k["id"] for k in cli.json("endpoint", "key", "list", *at)]
    assert cli.json("endpoint", "key", "revoke", *at, "-k", "ci")["status"] == "Revoked"
    shown = cli.json("endpoint", "key", "create", *at, "--show-key")
    assert fingerprint(shown["api_key"]) == shown["id"]
    assert shown["api_key"] not in cli("endpoint", "key", "list", *at).output

    assert cli.json("endpoint", "stop", *at)["status"] == "Stopped"
    cli("endpoint", "update", *at, "-i", "1")
    cli("endpoint", "delete", *at)
    assert name not in names(cli.json("endpoint", "list"))


def test_endpoint_predict(cli: Cli, world: World, emu: Emulator) -> None:
    name, project = unique("ep"), world.project.id
    world.project.endpoints.create(name=name, model=world.model, rdu_arch=ARCH)
    emu.clock.advance(LATER)
    at = ["-p", project, "-e", name]
    assert cli.json("endpoint", "predict", *at, "Hello", "--max-tokens", "8")["text"]
    streamed = cli.json("endpoint", "predict", *at, "Hello", "--stream")
    assert streamed["text"] == "".join(streamed["tokens"])
    assert cli("endpoint", "predict", *at, "Hello", "--stream").stdout.strip()


def test_app_list_and_info(cli: Cli, world: World) -> None:
    apps = cli.json("app", "list")
    assert world.app in [app["id"] for app in apps]
    assert cli.json("app", "info", "--app", apps[0]["name"])["id"] == apps[0]["id"]


def test_tenant_create_list_info_update_delete(cli: Cli) -> None:
    name = unique("tenant")
    cli("tenant", "create", "-n", name, "--display-name", "Research")
    assert name in names(cli.json("tenant", "list"))
    cli("tenant", "update", "-n", name, "--display-name", "R&D")
    assert cli.json("tenant", "info", "-n", name)["display_name"] == "R&D"
    cli("tenant", "delete", "-n", name)
    assert name not in names(cli.json("tenant", "list"))


def test_user_add_list_delete(cli: Cli) -> None:
    user = unique("user")
    assert cli.json("user", "add", "-u", user, "--email", f"{user}@example.com")["id"] == user
    assert user in [u["id"] for u in cli.json("user", "list")]
    cli("user", "delete", "-u", user)
    assert user not in [u["id"] for u in cli.json("user", "list")]


def test_notification_list_filters_by_level(cli: Cli, world: World) -> None:
    infos = cli.json("notification", "list", "--level", "20")
    assert infos
    assert {n["level"] for n in infos} == {20}
    assert cli("notification", "list", "--level", "50").stdout.strip() == "No notifications."
