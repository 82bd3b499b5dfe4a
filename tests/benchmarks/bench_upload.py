"""Upload benchmark: throughput against one raw ``requests.put`` of the same bytes, and the
peak RSS of the uploading process against the file size. A measurement, not a test: pytest
does not collect this file. Run it explicitly and copy its table into docs/performance.md::

    python tests/benchmarks/bench_upload.py --sizes 256 1024

The emulator serves from its own process and each measured upload runs in a fresh child
process, so the server's work never counts against the client and peak RSS is the
uploader's own. Per size, the file is written once (random bytes, then kept in the page
cache by a first untimed read) and deleted at the end.

Two tables come out. The first has the rates (best of ``--runs``) and two ratios: best SDK
over best raw, and the median of each round's own ratio (its SDK run over the raw runs
next to it), which a shared machine's bursts of load move less. The second has the CPU
seconds per GiB spent by the uploader and by the emulator over the same span (for the SDK,
until the last part was acknowledged): on a machine with few cores, where client and
server compete, that is what the rates follow.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout

MiB = 1 << 20
KEY = "bench-access-key-0123456789"


def _rss_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far, all its threads (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Span:
    """Wall time and the CPU time of this process and of the emulator since it began."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.started = time.perf_counter()
        self.cpu = time.process_time()
        self.server_cpu = _cpu_seconds(server_pid)
        self.rss = _rss_kib("VmRSS")

    def end(self) -> dict[str, float]:
        return {
            "seconds": time.perf_counter() - self.started,
            "client_cpu": time.process_time() - self.cpu,
            "server_cpu": _cpu_seconds(self.server_pid) - self.server_cpu,
            "rss_growth_kib": _rss_kib("VmHWM") - self.rss,
        }


def _serve(port_queue: Any, data_dir: str) -> None:
    from sambastudio.emulator import Emulator

    with Emulator(port=0, access_key=KEY, data_dir=data_dir) as emu:
        port_queue.put(emu.url)
        while True:
            time.sleep(3600)


def _api(url: str, method: str, path: str, **kwargs: Any) -> Any:
    response = requests.request(method, url + path, headers={"key": KEY}, timeout=600, **kwargs)
    response.raise_for_status()
    return response.json()


def child_raw(url: str, file: Path, mode: str, server_pid: int) -> dict[str, float]:
    """One ``requests.put`` of the whole file as a single part (the baseline)."""
    dataset_id = _api(url, "POST", "/api/v1beta/upload/dataset-id")["datasetId"]
    folder = _api(
        url,
        "POST",
        "/api/v1beta/upload/folder",
        json={"datasetId": dataset_id, "fileList": [file.name]},
    )
    upload = _api(
        url,
        "POST",
        "/api/v1beta/upload/multipart",
        json={
            "folderId": folder["folderId"],
            "filePath": file.name,
            "chunkSize": file.stat().st_size,
        },
    )
    params = {"partNumber": 1, "uploadId": upload["uploadId"], "folderId": folder["folderId"]}
    span = _Span(server_pid)
    with file.open("rb") as source:
        body: Any = source.read() if mode == "bytes" else source
        _api(url, "PUT", f"/api/v1beta/upload/file/{file.name}", params=params, data=body)
    return span.end()


def child_sdk(
    url: str, file: Path, chunk_size: int, concurrency: int, server_pid: int
) -> dict[str, float]:
    """The SDK's whole flow (apps check, name check, parts, completes, add_dataset)."""
    from sambastudio._config import Settings
    from sambastudio._pipeline import Pipeline
    from sambastudio.transfers.progress import TransferProgress
    from sambastudio.transfers.upload import upload_dataset

    transport = Pipeline(Settings(host_url=url, access_key=KEY))
    apps = _api(url, "GET", "/api/apps")["apps"]
    parts: dict[str, float] = {}
    span = _Span(server_pid)

    def on_progress(progress: TransferProgress) -> None:
        if progress.done == progress.total:
            parts.update(span.end())

    upload_dataset(
        transport,
        name=f"bench-{os.getpid()}",
        path=file,
        apps=[apps[0]["id"]],
        job_types=["train"],
        chunk_size=chunk_size,
        concurrency=concurrency,
        on_progress=on_progress,
        progress_bar=False,
    )
    whole = span.end()
    return {
        **whole,
        "parts_seconds": parts["seconds"],
        "client_cpu": parts["client_cpu"],
        "server_cpu": parts["server_cpu"],
    }


def _run_child(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _make_file(folder: Path, size: int) -> Path:
    path = folder / f"bench-{size // MiB}MiB.bin"
    block = os.urandom(8 * MiB)
    with path.open("wb") as out:
        for offset in range(0, size, len(block)):
            out.write(block[: min(len(block), size - offset)])
    with path.open("rb") as source:  # warm the page cache, so no run pays for the disk alone
        while source.read(64 * MiB):
            pass
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[256, 1024], help="MiB")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--chunk-size", type=int, default=0, help="bytes; 0: the SDK default")
    parser.add_argument("--concurrency", type=int, default=0, help="0: the SDK default")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, url, pid, file, *rest = options.child
        if kind == "sdk":
            result = child_sdk(url, Path(file), int(rest[0]), int(rest[1]), int(pid))
        else:
            result = child_raw(url, Path(file), kind.removeprefix("raw-"), int(pid))
        print(json.dumps(result))
        return

    from sambastudio.transfers.upload import DEFAULT_CHUNK_SIZE, DEFAULT_CONCURRENCY

    chunk = options.chunk_size or DEFAULT_CHUNK_SIZE
    concurrency = options.concurrency or DEFAULT_CONCURRENCY
    spawn = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="sambastudio-bench-") as folder:
        emulator_dir = Path(folder, "emulator")
        queue: Any = spawn.Queue()
        server = spawn.Process(target=_serve, args=(queue, str(emulator_dir)), daemon=True)
        server.start()
        try:
            url = queue.get(timeout=60)
            target = (url, str(server.pid))
            _measure(target, Path(folder), emulator_dir, options, chunk, concurrency)
        finally:
            server.terminate()
            server.join()


def _measure(
    target: tuple[str, str],
    folder: Path,
    emulator_dir: Path,
    options: Any,
    chunk: int,
    concurrency: int,
) -> None:
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"# chunk_size {chunk // MiB} MiB, concurrency {concurrency}, best of {options.runs}")
    rates, cpus = [], []
    for size_mib in options.sizes:
        file = _make_file(folder, size_mib * MiB)
        children = {
            "raw-file": ("raw-file", *target, str(file)),
            "raw-bytes": ("raw-bytes", *target, str(file)),
            "sdk": ("sdk", *target, str(file), str(chunk), str(concurrency)),
        }
        runs = {kind: [] for kind in children}  # type: dict[str, list[dict[str, float]]]
        for _ in range(options.runs):
            for kind, args in children.items():
                runs[kind].append(_run_child(*args))
                for stored in ("files/datasets", "files/uploads"):  # keep the disk use small
                    shutil.rmtree(emulator_dir / stored, ignore_errors=True)
        rates.append(_rate_row(size_mib, runs))
        cpus.append(_cpu_row(size_mib, runs))
        file.unlink()
    print(
        "| size | raw put (file) | raw put (bytes) | SDK parts | SDK whole call "
        "| parts / best raw | median of round ratios | whole / best raw | SDK RSS growth |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rates))
    print()
    print("| size | CPU s/GiB: raw put (file), client + server | SDK parts, client + server |")
    print("|---|---|---|")
    print("\n".join(cpus), flush=True)


def _rate_row(size_mib: int, runs: dict[str, list[dict[str, float]]]) -> str:
    rate = {kind: size_mib / min(r["seconds"] for r in rs) for kind, rs in runs.items()}
    rate["parts"] = size_mib / min(r["parts_seconds"] for r in runs["sdk"])
    raw = max(rate["raw-file"], rate["raw-bytes"])
    rounds = [
        min(file["seconds"], data["seconds"]) / sdk["parts_seconds"]
        for file, data, sdk in zip(runs["raw-file"], runs["raw-bytes"], runs["sdk"], strict=True)
    ]
    rss = max(r["rss_growth_kib"] for r in runs["sdk"]) / 1024
    cells = [f"{rate[kind]:.0f} MiB/s" for kind in ("raw-file", "raw-bytes", "parts", "sdk")]
    return (
        f"| {size_mib} MiB | {' | '.join(cells)} | {rate['parts'] / raw:.2f} "
        f"| {statistics.median(rounds):.2f} | {rate['sdk'] / raw:.2f} | {rss:.0f} MiB |"
    )


def _cpu_row(size_mib: int, runs: dict[str, list[dict[str, float]]]) -> str:
    def per_gib(kind: str) -> str:
        client = statistics.median(r["client_cpu"] for r in runs[kind]) * 1024 / size_mib
        server = statistics.median(r["server_cpu"] for r in runs[kind]) * 1024 / size_mib
        return f"{client:.2f} + {server:.2f} = {client + server:.2f}"

    return f"| {size_mib} MiB | {per_gib('raw-file')} | {per_gib('sdk')} |"


if __name__ == "__main__":
    main()
