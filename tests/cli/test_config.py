"""``config show|set``: snapi's own files, read and written so that snapi reads them too."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.cli.conftest import Cli

SECRET = "s3cr3t-platform-key-value"


def snapi_dir(cli: Cli) -> Path:
    return Path(str(cli.env["SNAPI_CLI_CONFIG_DIR"]))


def test_set_writes_snapis_files_and_show_masks_the_key(offline: Cli, tmp_path: Path) -> None:
    key_file = tmp_path / "key.txt"
    key_file.write_text(SECRET)
    offline("config", "set", "--host", "https://studio.example.com/", "--tenant", "research",
            "--access-key-file", str(key_file))  # fmt: skip
    folder = snapi_dir(offline)
    assert json.loads((folder / "config.json").read_text()) == {
        "CONFIG_DIR": "./",
        "DISABLE_SSL_WARNINGS": "false",
        "HOST_NAME": "https://studio.example.com",
        "TENANT_ID": "research",
    }
    secret = folder / "secret.txt"
    assert secret.read_text().strip() == SECRET
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    shown = offline("config", "show")
    assert "HOST_NAME : https://studio.example.com" in shown.stdout
    assert f"Access Key File : {secret} (a key)" in shown.stdout
    assert SECRET not in shown.output
    assert SECRET not in offline("config", "show", "--json").output


def test_set_keeps_what_it_does_not_change(offline: Cli) -> None:
    folder = snapi_dir(offline)
    folder.mkdir()
    (folder / "config.json").write_text('{"HOST_NAME": "https://a.example", "CONFIG_DIR": "out"}')
    offline("config", "set", "--tenant", "t2", "--disable-ssl-warnings")
    assert json.loads((folder / "config.json").read_text()) == {
        "HOST_NAME": "https://a.example",
        "CONFIG_DIR": "out",
        "TENANT_ID": "t2",
        "DISABLE_SSL_WARNINGS": "true",
    }


def test_the_key_can_be_piped_in(offline: Cli) -> None:
    offline("config", "set", "--access-key", input=SECRET + "\n")
    assert (snapi_dir(offline) / "secret.txt").read_text().strip() == SECRET
    assert "--access-key read nothing" in offline("config", "set", "--access-key", code=2).stderr


def test_show_names_the_environment_that_overrides_the_files(offline: Cli) -> None:
    offline.env["SAMBASTUDIO_HOST_URL"] = "https://env.example"
    shown = offline.json("config", "show")
    assert shown["environment"] == ["SAMBASTUDIO_HOST_URL overrides HOST_NAME"]
    assert shown["access_key_file"].endswith("secret.txt (no key)")


def test_set_refuses_nothing_and_bad_hosts(offline: Cli) -> None:
    assert "nothing to set" in offline("config", "set", code=2).stderr
    assert (
        "host_url must be an http(s) URL"
        in offline("config", "set", "--host", "ftp://x", code=1).stderr
    )
