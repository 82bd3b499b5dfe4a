"""Named profiles: kept in one 0600 file, chosen by --profile, SAMBASTUDIO_PROFILE or
`config use`, honoured by the CLI and by a bare ``Client()``; keys never printed unasked."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from sambastudio import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import ConfigurationError
from tests.cli.conftest import Cli, unique

SECRET = "profile-secret-key-value"


def profiles_file(cli: Cli) -> Path:
    return Path(str(cli.env["XDG_CONFIG_HOME"])) / "sambastudio" / "config.json"


def key_file(tmp_path: Path, key: str) -> str:
    path = tmp_path / f"key-{unique('k')}.txt"
    path.write_text(key)
    return str(path)


def test_set_list_use_show_and_the_file_is_owner_only(offline: Cli, tmp_path: Path) -> None:
    offline("config", "set", "--profile", "prod", "--host", "https://prod.example.com/",
            "--tenant", "research", "--access-key-file", key_file(tmp_path, SECRET))  # fmt: skip
    offline("config", "set", "--profile", "staging", "--host", "https://staging.example.com",
            "--output", "snapi")  # fmt: skip
    path = profiles_file(offline)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["active"] == "prod"  # the first profile made
    assert data["profiles"]["prod"] == {
        "host_url": "https://prod.example.com",
        "tenant": "research",
        "access_key": SECRET,
    }
    listed = offline.json("config", "list")
    assert [(p["profile"], p["active"]) for p in listed] == [("prod", "*"), ("staging", "")]
    assert SECRET not in offline("config", "list").output
    offline("config", "use", "staging")
    assert json.loads(path.read_text())["active"] == "staging"
    shown = offline("config", "show", "--profile", "prod")
    assert "Host URL : https://prod.example.com" in shown.stdout
    assert SECRET not in shown.output
    revealed = offline("config", "show", "--profile", "prod", "--show-key").stdout
    assert f"Access Key : {SECRET}" in revealed
    assert "no profile named 'nope'" in offline("config", "use", "nope", code=1).stderr


def test_the_cli_and_a_bare_client_use_the_selected_profile(
    cli: Cli, emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SAMBASTUDIO_HOST_URL", "SAMBASTUDIO_ACCESS_KEY"):
        cli.env[name] = None
    cli("config", "set", "--profile", "emu", "--host", emu.url,
        "--access-key-file", key_file(tmp_path, emu.access_key))  # fmt: skip
    cli("config", "set", "--profile", "elsewhere", "--host", "http://127.0.0.1:9",
        "--access-key-file", key_file(tmp_path, "another-key"))  # fmt: skip
    cli("config", "use", "elsewhere")
    name = unique("proj")
    cli("project", "create", "-p", name, "--profile", "emu")
    cli.env["SAMBASTUDIO_PROFILE"] = "emu"
    assert name in [p["name"] for p in cli.json("project", "list")]

    for variable in ("SAMBASTUDIO_HOST_URL", "SAMBASTUDIO_ACCESS_KEY", "SAMBASTUDIO_TENANT"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(cli.env["XDG_CONFIG_HOME"]))
    monkeypatch.setenv("SNAPI_CLI_CONFIG_DIR", str(tmp_path / "no-snapi"))
    monkeypatch.setenv("SAMBASTUDIO_PROFILE", "emu")
    with Client() as client:
        assert client.projects.get(name).name == name
    monkeypatch.delenv("SAMBASTUDIO_PROFILE")
    with Client() as client:  # the active profile, "elsewhere"
        assert client.settings.host_url == "http://127.0.0.1:9"
    monkeypatch.setenv("SAMBASTUDIO_PROFILE", "missing")
    with pytest.raises(ConfigurationError, match="no profile named 'missing'"):
        Client()


def test_a_named_profile_beats_the_environment_the_active_one_does_not(
    offline: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline("config", "set", "--profile", "p", "--host", "https://profile.example.com",
            "--access-key-file", key_file(tmp_path, SECRET))  # fmt: skip
    monkeypatch.setenv("XDG_CONFIG_HOME", str(offline.env["XDG_CONFIG_HOME"]))
    monkeypatch.setenv("SAMBASTUDIO_HOST_URL", "https://env.example.com")
    monkeypatch.setenv("SAMBASTUDIO_ACCESS_KEY", "env-key")
    monkeypatch.delenv("SAMBASTUDIO_PROFILE", raising=False)
    with Client() as client:
        assert client.settings.host_url == "https://env.example.com"
    monkeypatch.setenv("SAMBASTUDIO_PROFILE", "p")
    with Client() as client:
        assert client.settings.host_url == "https://profile.example.com"
        assert SECRET not in repr(client.settings)


def test_a_profile_can_make_snapi_output_the_default(cli: Cli, tmp_path: Path) -> None:
    cli("config", "set", "--profile", "scripts", "--output", "snapi")
    cli.env["SAMBASTUDIO_PROFILE"] = "scripts"
    name = unique("proj")
    created = cli("project", "create", "-p", name).stdout
    assert f"Name : {name}" in created
    assert cli.json("project", "info", "-p", name)["name"] == name  # --json still wins


def test_snapis_files_stay_readable_next_to_profiles(offline: Cli, tmp_path: Path) -> None:
    snapi = Path(str(offline.env["SNAPI_CLI_CONFIG_DIR"]))
    snapi.mkdir()
    (snapi / "config.json").write_text('{"HOST_NAME": "https://snapi.example.com"}')
    offline("config", "set", "--profile", "other", "--host", "https://other.example.com")
    offline("config", "use", "other")
    offline.env["SAMBASTUDIO_PROFILE"] = None
    assert "HOST_NAME : https://snapi.example.com" not in offline("config", "show").stdout
    shown = offline("config", "show", "--profile", "other").stdout
    assert "Host URL : https://other.example.com" in shown
