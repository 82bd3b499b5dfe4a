"""Transfer rounds for the benchmark: each SDK transfer next to its raw baseline.

Every transfer runs in a fresh child process (``python -m tests.benchmarks.transfers``), so
its peak RSS is its own and no earlier run's caches help it. A round is one raw transfer
and one SDK transfer of the same bytes, back to back: a round's ratio is what a shared
machine's bursts of load move least.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tests.benchmarks import bench_upload, fixed_server

MiB = 1 << 20
_PROJECT = "00000000-0000-4000-8000-000000000000"
_JOB = "00000000-0000-4000-8000-000000000001"


def _child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.transfers", *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=fixed_server.REPO,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def upload_rounds(size_mib: int, runs: int) -> list[tuple[float, float, float]]:
    """(raw seconds, SDK seconds until the last part was acknowledged, SDK RSS growth MiB)."""
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="sambastudio-bench-") as folder:
        emulator_dir = Path(folder, "emulator")
        queue: Any = spawn.Queue()
        server = spawn.Process(
            target=bench_upload._serve, args=(queue, str(emulator_dir)), daemon=True
        )
        server.start()
        try:
            url = queue.get(timeout=60)
            file = bench_upload._make_file(Path(folder), size_mib * MiB)
            target = (url, str(server.pid), str(file))
            rounds = []
            for _ in range(runs):
                raw = min(
                    bench_upload._run_child("raw-file", *target)["seconds"],
                    bench_upload._run_child("raw-bytes", *target)["seconds"],
                )
                from sambastudio.transfers.upload import DEFAULT_CHUNK_SIZE, DEFAULT_CONCURRENCY

                sdk = bench_upload._run_child(
                    "sdk", *target, str(DEFAULT_CHUNK_SIZE), str(DEFAULT_CONCURRENCY)
                )
                rounds.append((raw, sdk["parts_seconds"], sdk["rss_growth_kib"] / 1024))
                for stored in ("files/datasets", "files/uploads"):  # keep the disk use small
                    shutil.rmtree(emulator_dir / stored, ignore_errors=True)
            return rounds
        finally:
            server.terminate()
            server.join()


def download_rounds(url: str, runs: int) -> list[tuple[float, float, float]]:
    """(raw seconds, SDK seconds, SDK RSS growth MiB) of the fixed server's results file."""
    rounds = []
    for _ in range(runs):
        raw = _child("download-raw", url)["seconds"]
        sdk = _child("download-sdk", url)
        rounds.append((raw, sdk["seconds"], sdk["rss_growth_kib"] / 1024))
    return rounds


def _download_raw(url: str) -> Callable[[Path], None]:
    path = f"/api/projects/{_PROJECT}/jobs/{_JOB}/results/download"
    headers = {"key": fixed_server.KEY}

    def download(dest: Path) -> None:
        with requests.get(url + path, headers=headers, stream=True, timeout=600) as response:
            response.raise_for_status()
            with (dest / "results.tar.gz").open("wb") as out:
                for block in response.iter_content(MiB):
                    out.write(block)

    return download


def _download_sdk(url: str) -> Callable[[Path], None]:
    """The job's ``download_results``; finding the job (two GETs, and the imports of the
    resources it needs) comes first, untimed: the figure is the transfer's, as the raw one."""
    from sambastudio import Client

    client = Client(host_url=url, access_key=fixed_server.KEY)
    job = client.projects.get(_PROJECT).jobs.get(_JOB)

    def download(dest: Path) -> None:
        job.download_results(dest, progress_bar=False)

    return download


def _measure(kind: str, url: str) -> dict[str, float]:
    download = (_download_raw if kind == "download-raw" else _download_sdk)(url)
    with tempfile.TemporaryDirectory(prefix="sambastudio-bench-") as folder:
        rss = bench_upload._rss_kib("VmRSS")
        started = time.perf_counter()
        download(Path(folder))
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "rss_growth_kib": bench_upload._rss_kib("VmHWM") - rss}


if __name__ == "__main__":
    print(json.dumps(_measure(sys.argv[1], sys.argv[2])))
