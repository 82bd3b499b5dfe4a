"""Ctrl-C during a wait: the command stops at once, exits 130 and says how to resume,
while the job itself runs on untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sambastudio import Client
from sambastudio.emulator import Emulator
from tests.cli.conftest import ARCH, MODEL, World, unique


@pytest.mark.timeout(90)  # two interpreters start and stop here; a loaded machine is slow at it
def test_sigint_stops_waiting_and_names_the_command_to_resume(
    emu: Emulator, world: World, tmp_path: Path
) -> None:
    name = unique("job")
    job = world.project.jobs.create(
        type="train", name=name, model=MODEL, dataset=world.job.dataset_id or "", rdu_arch=ARCH
    )
    env = {
        **os.environ,
        "SAMBASTUDIO_HOST_URL": emu.url,
        "SAMBASTUDIO_ACCESS_KEY": emu.access_key,
        "SAMBASTUDIO_PROFILE": "",
        "SNAPI_CLI_CONFIG_DIR": str(tmp_path / ".snapi"),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    command = [sys.executable, "-m", "sambastudio.cli", "--debug", "job", "wait",
               "-p", world.project.id, "-j", name]  # fmt: skip
    waiting = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    assert waiting.stderr is not None
    seen = ""
    deadline = time.monotonic() + 20
    while seen.count(f"/jobs/{job.id}") < 2 and time.monotonic() < deadline:  # polling
        seen += waiting.stderr.readline()
    waiting.send_signal(signal.SIGINT)
    _, rest = waiting.communicate(timeout=45)
    assert waiting.returncode == 130
    message = seen + rest
    assert f"Interrupted waiting for job {name}." in message
    assert f"sambastudio job wait -p {world.project.id} -j {job.id}" in message
    assert "Traceback" not in message
    with Client(emu.url, emu.access_key) as client:
        assert client.projects.get(world.project.id).jobs.get(name).status not in (
            "STOPPED",
            "FAILED",
        )
