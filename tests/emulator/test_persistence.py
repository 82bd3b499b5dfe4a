"""State under --data-dir survives a restart, and a kill -9 loses no acknowledged write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from sambastudio.emulator import Emulator
from tests.emulator.conftest import Api
from tests.emulator.helpers import start_endpoint, start_job

REPO = Path(__file__).resolve().parents[2]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    with Emulator(data_dir=tmp_path, seed=5) as first:
        api = Api(first)
        job = start_job(api)
        start_endpoint(api)
        first.clock.advance(3600)
        checkpoints = api.ok("list_checkpoints", project="p", job="ft")["checkpoints"]
        bob = first.add_user("bob")
        first.fail_on(dataset="cursed")
        key, now = first.access_key, first.clock.now()
    with Emulator(data_dir=tmp_path, seed=5) as second:
        api = Api(second)
        assert second.access_key == key
        assert second.clock.now() >= now  # time does not run backwards across a restart
        assert api.ok("job_info", project="p", job="ft")["data"]["status"] == "EXIT_WITH_0"
        assert api.ok("list_checkpoints", project="p", job="ft")["checkpoints"] == checkpoints
        assert api.ok("endpoint_info", project="p", endpoint="ep")["status"] == "Live"
        assert api.ok("list_projects", as_user=bob)["projects"][0]["name"] == "p"
        again = start_job(api, job_name="after-restart")
        assert again["job_id"] != job["job_id"]
        assert len(second.state.store.list("failure_rule")) == 1
        models = api.ok("list_models")["models"]
        assert len(models) == 3  # the catalogue is seeded once
    with Emulator(data_dir=tmp_path, speed=1000) as fast:
        fast_now = fast.clock.now()
        time.sleep(0.01)  # ten emulated seconds pass at this speed
    with Emulator(data_dir=tmp_path, speed=1) as slow:
        assert slow.clock.now() >= fast_now + 10
    with Emulator(data_dir=tmp_path, access_key="chosen-key") as third:
        assert Api(third).ok("list_projects")["projects"]
        assert Api(third)("list_projects", as_user=key).status_code == 401


@contextmanager
def served(data_dir: Path) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """``python -m sambastudio.emulator`` in a subprocess: the process, its URL and key."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sambastudio.emulator",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--seed",
            "9",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" at ")[1].strip()
        key = process.stdout.readline().rsplit(": ", 1)[1].strip()
        yield process, url, key
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    with served(tmp_path) as (process, url, key):
        assert url.startswith("http://127.0.0.1:")
        session = requests.Session()
        names = [f"project-{number}" for number in range(20)]
        for name in names:
            response = session.post(
                url + "/api/projects", json={"project_name": name}, headers={"key": key}, timeout=10
            )
            assert response.status_code == 200
        session.close()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        assert process.returncode == -signal.SIGKILL
    with served(tmp_path) as (_, url, again):
        assert again == key
        listed = requests.get(url + "/api/projects", headers={"key": key}, timeout=10).json()
        assert [p["name"] for p in listed["projects"]] == names
