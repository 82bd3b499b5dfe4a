"""A real SIGINT during a long command: it stops at once, exits 130 and says how to go on,
and what it leaves behind is picked up by that command. A wait leaves the job or import
running; an upload leaves parts the server keeps; a download leaves a ``.part`` file."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sambastudio import Client
from sambastudio.emulator import Emulator, _artifacts, _storage
from tests.cli.conftest import ARCH, DEMO_DATA, LATER, MODEL, Cli, World, unique
from tests.cli.throttle import ThrottledProxy

SAMBASTUDIO = [
    sys.executable,
    "-c",
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'sambastudio'; runpy.run_module('sambastudio.cli', run_name='__main__')",
]
"""The command, with Ctrl-C handled as in a terminal even when this test runs as a
background job (a shell's background jobs, and so their children, ignore SIGINT)."""


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
    command = [*SAMBASTUDIO, "--debug", "job", "wait",
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


# --------------------------------------------------------------- transfers and imports
def run_env(url: str, access_key: str, home: Path) -> dict[str, str]:
    """The environment of a ``sambastudio`` subprocess: this host, nothing of the user's."""
    return {
        **os.environ,
        "SAMBASTUDIO_HOST_URL": url,
        "SAMBASTUDIO_ACCESS_KEY": access_key,
        "SAMBASTUDIO_PROFILE": "",
        "SNAPI_CLI_CONFIG_DIR": str(home / ".snapi"),
        "XDG_CONFIG_HOME": str(home),
        "SAMBASTUDIO_CACHE_DIR": str(home / "cache"),
    }


def interrupt(
    args: list[str], env: dict[str, str], ready: Callable[[str], bool]
) -> tuple[int, str]:
    """Run ``sambastudio --debug ARGS``, send SIGINT once ``ready(stderr so far)`` (checked
    every 20 ms), and return its exit code and whole stderr."""
    command = [*SAMBASTUDIO, "--debug", *args]
    running = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    stderr = running.stderr
    assert stderr is not None
    lines: list[str] = []

    def read() -> None:
        for line in stderr:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 20
    while not ready("".join(lines)) and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert running.poll() is None, "it ended before it could be interrupted:\n" + "".join(lines)
    running.send_signal(signal.SIGINT)
    running.wait(timeout=10)
    reader.join(timeout=5)
    seen = "".join(lines)
    assert "Traceback" not in seen
    return running.returncode, seen


def rerun(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [*SAMBASTUDIO, "--debug", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=25)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def slow() -> Iterator[Emulator]:
    """An emulator whose every request takes 100 ms, so an upload lasts long enough to stop."""
    with Emulator(port=0, latency_ms=100) as running:
        yield running


def folder_of(folder: Path, files: dict[str, bytes]) -> Path:
    """``folder``, holding ``files`` (by name)."""
    folder.mkdir()
    for relpath, data in files.items():
        (folder / relpath).write_bytes(data)
    return folder


def test_sigint_stops_an_upload_and_the_same_command_resumes_it(
    slow: Emulator, tmp_path: Path
) -> None:
    files = {f"part-{n:02}.jsonl": f'{{"prompt": "{n}"}}\n'.encode() * 50 for n in range(16)}
    folder = folder_of(tmp_path / "data", files)
    name, env = unique("upload"), run_env(slow.url, slow.access_key, tmp_path)
    add = ["dataset", "add", "-n", name, "-apps", "Generative Tuning", "-j", "train",
           "--path", str(folder), "--yes"]  # fmt: skip

    code, first = interrupt(add, env, lambda seen: seen.count("/multipart/complete ->") >= 2)

    assert code == 130
    assert f"Interrupted the upload of dataset {name}." in first
    assert "Run the same command again to resume the upload where it stopped." in first
    with Client(slow.url, slow.access_key) as client:
        assert name not in [d.name for d in client.datasets.list()]
        second = rerun(add, env)
        dataset = client.datasets.get(name)
    assert "Dataset added successfully." in second.stdout
    completed_before = first.count("/multipart/complete -> 200")
    assert 2 <= completed_before < len(files)
    assert "/upload/dataset-id" not in second.stderr  # the same reservation and folder go on
    assert "/upload/folder ->" not in second.stderr
    assert second.stderr.count("PUT /api/v1beta/upload/file/") <= len(files) - completed_before
    assert (dataset.status, dataset.file_count) == ("Available", len(files))


def test_sigint_stops_a_checkpoint_upload_and_the_same_command_resumes_it(
    slow: Emulator, tmp_path: Path
) -> None:
    files = {f"shard-{n:02}.bin": bytes([n]) * 700 for n in range(16)}
    folder = folder_of(tmp_path / "ckpt", files)
    name, env = unique("imported"), run_env(slow.url, slow.access_key, tmp_path)
    create = ["import", "model", "create", "--model-name", name, "--source-type", "LOCAL",
              "--source-path", str(folder), "--model-arch", MODEL, "-ni"]  # fmt: skip

    code, first = interrupt(create, env, lambda seen: seen.count("/multipart/complete ->") >= 2)

    assert code == 130
    assert f"Interrupted the upload of model {name}." in first
    assert "Run the same command again to resume the upload where it stopped." in first
    with Client(slow.url, slow.access_key) as client:
        assert name not in [model.name for model in client.models.list()]
        second = rerun(create, env)
        model = client.models.get(name)
    assert f"Importing model {name}" in second.stdout
    completed_before = first.count("/multipart/complete -> 200")
    assert 2 <= completed_before < len(files)
    assert "/upload/model-id" not in second.stderr  # the same reservation and folder go on
    assert second.stderr.count("PUT /api/v1beta/upload/file/") <= len(files) - completed_before
    stored = _storage.model_files(slow.state, model.id)
    assert {path: file.read_bytes() for path, file in stored.items()} == files


def test_sigint_stops_a_download_and_the_same_command_continues_it(
    emu: Emulator, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = random.Random(17).randbytes(3 << 20)  # incompressible
    monkeypatch.setattr(_artifacts, "_results", lambda job: {"results/output.bin": results})
    client = world.client
    dataset = client.datasets.create(
        name=unique("bp"), path=DEMO_DATA, apps=[world.app], job_types=["batch_predict"]
    )
    job = world.project.jobs.create(
        type="batch_predict", name=unique("bp"), model=MODEL, dataset=dataset, rdu_arch=ARCH
    )
    emu.clock.advance(LATER)
    job.wait(10, poll_interval=0.01)
    dest = tmp_path / "out"
    download = ["job", "download", "-p", world.project.id, "-j", job.id, "--kind", "results",
                "--dest", str(dest)]  # fmt: skip
    host = ("127.0.0.1", int(emu.url.rsplit(":", 1)[1]))

    def partial() -> int:
        return sum(part.stat().st_size for part in dest.glob("*.part"))

    with ThrottledProxy(host, step=32 << 10, tick=0.05) as proxy:
        env = run_env(proxy.url, emu.access_key, tmp_path)
        code, first = interrupt(download, env, lambda _: partial() >= 1 << 20)

    assert code == 130
    assert "Interrupted the download of the results." in first
    assert f"Continue it with: sambastudio {' '.join(download)}" in first
    kept = partial()
    assert 1 << 20 <= kept < len(results)
    second = rerun(download, run_env(emu.url, emu.access_key, tmp_path))
    assert "/results/download -> 206" in second.stderr  # only the rest was fetched
    assert not list(dest.glob("*.part"))
    saved = [path for path in dest.iterdir() if path.is_file()]
    reference = job.download_results(tmp_path / "reference")
    assert [path.read_bytes() for path in saved] == [reference.read_bytes()]


def test_sigint_stops_waiting_for_an_import_which_goes_on(
    emu: Emulator, world: World, cli: Cli, tmp_path: Path
) -> None:
    name = unique("imported")
    create = ["import", "model", "create", "--model-name", name, "--source-type", "STORAGE",
              "--source-path", "imports/ckpt", "--model-arch", MODEL, "-ni", "--wait"]  # fmt: skip
    env = run_env(emu.url, emu.access_key, tmp_path)

    code, seen = interrupt(create, env, lambda seen: seen.count("/import/status ->") >= 1)

    assert code == 130
    model = world.client.models.get(name)
    assert f"Interrupted waiting for the import of {name}." in seen
    resume = f"sambastudio model info -m {model.id}"
    assert resume in seen
    assert model.status == "Importing"  # the import goes on: its status starts '' (N5)
    assert model.import_status().status == ""
    emu.clock.advance(LATER)
    assert model.import_status().status == "Available"
    assert "Available" in cli(*resume.split()[1:]).stdout
