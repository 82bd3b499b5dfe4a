"""Every performance goal of the SDK, measured side by side with its raw baseline in one run.

    python -m tests.benchmarks            # the goals, as docs/performance.md states them
    python -m tests.benchmarks --quick    # small sizes, few runs: checks the harness only

Prints one table of ratios (SDK over raw: lower is better for time and CPU, higher for
throughput) and exits 1 when a goal is missed (never with ``--quick``, whose sizes are not
the goals'). The servers run in their own processes, so only the client's work is counted:
CPU figures use the client's CPU time, start-up figures fresh interpreters, transfer
figures fresh child processes (their peak RSS is the transfer's own).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.benchmarks import fixed_server, transfers

MiB = 1 << 20
LIST_SIZES = (1, 100, 2_000, 20_000)
FIRST_RESULT_GOAL = 2.5


@dataclass(frozen=True)
class Figure:
    """One measured goal: the SDK's number, the baseline's, and whether the goal holds."""

    name: str
    work: str
    sdk: str
    raw: str
    ratio: float | None
    """SDK over baseline; ``None`` for a figure with an absolute goal."""
    goal: str
    met: bool

    def row(self) -> str:
        mark = "yes" if self.met else "**no**"
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}"
        cells = (self.name, self.work, self.sdk, self.raw, ratio, self.goal, mark)
        return "| " + " | ".join(cells) + " |"


def _at_most(limit: float) -> tuple[str, Callable[[float], bool]]:
    return f"<= {limit:g}", lambda ratio: ratio <= limit


def _at_least(limit: float) -> tuple[str, Callable[[float], bool]]:
    return f">= {limit:g}", lambda ratio: ratio >= limit


# ------------------------------------------------------------------ fresh interpreters
def _seconds_in_child(code: str, env: dict[str, str]) -> float:
    """What ``code`` prints (a duration it measured itself), in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    )
    return float(out.stdout.strip().splitlines()[-1])


def _wall_of_child(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def _alternate(
    runs: int, sdk: Callable[[], float], raw: Callable[[], float]
) -> tuple[float, float]:
    """Medians of both, measured turn by turn so that bursts of load hit both alike, after
    one unmeasured turn of each (it writes the bytecode caches, see ``_child_env``)."""
    raw(), sdk()
    sdk_times, raw_times = [], []
    for _ in range(runs):
        raw_times.append(raw())
        sdk_times.append(sdk())
    return statistics.median(sdk_times), statistics.median(raw_times)


_PYCACHE = tempfile.mkdtemp(prefix="sambastudio-bench-pycache-")


def _child_env() -> dict[str, str]:
    """A fresh interpreter as a user's: no snapi files, and bytecode caches that are written
    (``pip install`` compiles them; ``PYTHONDONTWRITEBYTECODE``, set on some machines, would
    make every start compile the SDK from source, which no installed copy does). They go to
    a folder of this run, for the baseline's modules and the SDK's alike."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    env["SNAPI_CLI_CONFIG_DIR"] = tempfile.mkdtemp(prefix="no-snapi-")  # nothing to read
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(fixed_server.REPO), env.get("PYTHONPATH")])
    )
    for name in ("SAMBASTUDIO_HOST_URL", "SAMBASTUDIO_ACCESS_KEY", "SAMBASTUDIO_TENANT"):
        env.pop(name, None)
    return env


_TIMED = "import time; t = time.perf_counter(); {}; print(time.perf_counter() - t)"


def first_use(runs: int) -> Figure:
    env = _child_env()
    client = (
        "from sambastudio import Client; "
        "Client(host_url='http://127.0.0.1:9', access_key='bench-key-0123456789')"
    )
    sdk, raw = _alternate(
        runs,
        lambda: _seconds_in_child(_TIMED.format(client), env),
        lambda: _seconds_in_child(_TIMED.format("import requests"), env),
    )
    goal, check = _at_most(1.5)
    ratio = sdk / raw
    return Figure(
        "first use", "import + Client(...)", f"{sdk * 1e3:.0f} ms",
        f"{raw * 1e3:.0f} ms (import requests)", ratio, goal, check(ratio),
    )  # fmt: skip


def cli_help(runs: int) -> Figure:
    env = _child_env()
    sdk, raw = _alternate(
        runs,
        lambda: _wall_of_child(["-m", "sambastudio.cli", "--help"], env),
        lambda: _wall_of_child(["-c", "import requests"], env),
    )
    goal, check = _at_most(2.0)
    ratio = sdk / raw
    return Figure(
        "CLI start", "sambastudio --help", f"{sdk * 1e3:.0f} ms",
        f"{raw * 1e3:.0f} ms (python -c 'import requests')", ratio, goal, check(ratio),
    )  # fmt: skip


def testing_plugin(runs: int) -> Figure:
    env = _child_env()
    code = "import pytest; " + _TIMED.format("import sambastudio.testing")
    sdk, _ = _alternate(runs, lambda: _seconds_in_child(code, env), lambda: 0.0)
    return Figure(
        "pytest plugin", "import sambastudio.testing after pytest", f"{sdk * 1e3:.1f} ms",
        "-", None, "< 30 ms", sdk < 0.030,
    )  # fmt: skip


def first_call(url: str, runs: int) -> Figure:
    env = _child_env()
    code = (
        "import time; from sambastudio import Client; "
        f"c = Client(host_url={url!r}, access_key={fixed_server.KEY!r}, tenant='n100'); "
        "t = time.perf_counter(); c.projects.list().to_list(); first = time.perf_counter() - t; "
        "later = []\n"
        "for _ in range(5):\n"
        "    t = time.perf_counter(); c.projects.list().to_list(); "
        "later.append(time.perf_counter() - t)\n"
        "print(first / min(later))"
    )
    _seconds_in_child(code, env)  # writes the bytecode caches
    ratio = statistics.median(_seconds_in_child(code, env) for _ in range(runs))
    goal, check = _at_most(1.5)
    return Figure(
        "first call", "first projects.list() of 100 / a later one", f"{ratio:.2f}x", "1x",
        ratio, goal, check(ratio),
    )  # fmt: skip


def first_result(url: str, runs: int) -> Figure:
    """A program's whole start: import, client, and the first answer read, in a fresh
    interpreter. The goal adds to first use's 1.5x what the first call cannot avoid: importing
    pydantic and building the projects model (docs/performance.md)."""
    env = _child_env()
    sdk_code = (
        "from sambastudio import Client; "
        f"Client(host_url={url!r}, access_key={fixed_server.KEY!r}, tenant='n100')"
        ".projects.list().to_list()"
    )
    raw_code = (
        "import requests; session = requests.Session(); session.cookies.set('tenant', 'n100'); "
        f"session.get({url + '/api/projects'!r}, headers={{'key': {fixed_server.KEY!r}}}, "
        "timeout=60).json()"
    )
    sdk, raw = _alternate(
        runs,
        lambda: _seconds_in_child(_TIMED.format(sdk_code), env),
        lambda: _seconds_in_child(_TIMED.format(raw_code), env),
    )
    goal, check = _at_most(FIRST_RESULT_GOAL)
    ratio = sdk / raw
    return Figure(
        "first result", "import + Client(...) + first projects.list() of 100",
        f"{sdk * 1e3:.0f} ms", f"{raw * 1e3:.0f} ms (import requests + get().json())", ratio,
        goal, check(ratio),
    )  # fmt: skip


# ----------------------------------------------------------------------- client CPU
def _cpu(repeat: int, call: Callable[[], Any]) -> float:
    started = time.process_time()
    for _ in range(repeat):
        call()
    return (time.process_time() - started) / repeat


def _client_and_session(url: str, tenant: str) -> tuple[Any, Callable[[str], Any]]:
    import requests

    from sambastudio import Client

    client = Client(host_url=url, access_key=fixed_server.KEY, tenant=tenant)
    session = requests.Session()
    session.cookies.set("tenant", tenant)

    def raw(path: str) -> Any:
        return session.get(url + path, headers={"key": fixed_server.KEY}, timeout=60).json()

    return client, raw


def per_call(url: str, rounds: int, repeat: int) -> Figure:
    client, raw = _client_and_session(url, "n1")
    project_id = "00000000-0000-4000-8000-000000000000"
    for _ in range(20):  # warm both: connections, caches, lazy imports
        client.projects.get(project_id)
        raw(f"/api/projects/{project_id}")
    sdk_cpu, raw_cpu = _alternate(
        rounds,
        lambda: _cpu(repeat, lambda: client.projects.get(project_id)),
        lambda: _cpu(repeat, lambda: raw(f"/api/projects/{project_id}")),
    )
    goal, check = _at_most(1.25)
    ratio = sdk_cpu / raw_cpu
    return Figure(
        "per call", "client.projects.get(id)", f"{sdk_cpu * 1e6:.0f} µs CPU",
        f"{raw_cpu * 1e6:.0f} µs CPU (session.get().json())", ratio, goal, check(ratio),
    )  # fmt: skip


def list_cost(url: str, count: int, rounds: int) -> Figure:
    client, raw = _client_and_session(url, f"n{count}")
    repeat = max(1, 2_000 // count)
    client.projects.list().to_list()
    raw("/api/projects")
    sdk_cpu, raw_cpu = _alternate(
        rounds,
        lambda: _cpu(repeat, lambda: client.projects.list().to_list()),
        lambda: _cpu(repeat, lambda: raw("/api/projects")),
    )
    ratio = sdk_cpu / raw_cpu
    goal, check = _at_most(2.0) if count == 2_000 else ("(scaling)", lambda _: True)
    return Figure(
        "list", f"projects.list().to_list() of {count:,}", f"{sdk_cpu * 1e3:.2f} ms CPU",
        f"{raw_cpu * 1e3:.2f} ms CPU (get().json())", ratio, goal, check(ratio),
    )  # fmt: skip


# ------------------------------------------------------------------------ transfers
Runs = list[tuple[float, float, float]]
"""Per run: (baseline seconds, measured seconds, measured RSS growth in MiB)."""


def _throughput(name: str, baseline: str, work: str, runs: Runs) -> Figure:
    """Throughput in every run: the baseline's seconds over the measured side's."""
    goal, check = _at_least(0.95)
    ratios = [raw / sdk for raw, sdk, _ in runs]
    return Figure(
        name, work, f"worst {min(ratios):.2f}, median {statistics.median(ratios):.2f}",
        baseline, min(ratios), goal + " every run", all(map(check, ratios)),
    )  # fmt: skip


def _memory(name: str, work: str, runs: Runs) -> Figure:
    """The SDK's worst RSS growth over every transfer of the runs."""
    growth = max(rss for _, _, rss in runs)
    return Figure(name, work, f"{growth:.0f} MiB RSS growth", "-", None, "< 100 MiB", growth < 100)


def _transfer_figures(
    name: str, baseline: str, size_mib: int, best_of: int, runs_of: Callable[[bool], Runs]
) -> list[Figure]:
    """The control (the baseline against itself), the SDK's throughput and its memory;
    ``runs_of(control)`` measures the runs."""
    control, measured = runs_of(True), runs_of(False)
    work = f"{name} {size_mib} MiB, {len(measured)} runs of best of {best_of}"
    return [
        _throughput(f"{name} control", f"{baseline}, against itself", work, control),
        _throughput(name, baseline, work, measured),
        _memory(f"{name} memory", work, measured),
    ]


def upload(size_mib: int, runs: int, best_of: int) -> list[Figure]:
    def runs_of(control: bool) -> Runs:
        return transfers.upload_runs(size_mib, runs, best_of, control)

    return _transfer_figures("upload", "one raw PUT", size_mib, best_of, runs_of)


def download(url: str, size_mib: int, runs: int, best_of: int) -> list[Figure]:
    def runs_of(control: bool) -> Runs:
        return transfers.download_runs(url, runs, best_of, control)

    return _transfer_figures("download", "one streamed GET to disk", size_mib, best_of, runs_of)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the harness")
    parser.add_argument("--only", nargs="+", help="figure groups: startup cpu upload download")
    parser.add_argument("--runs", type=int, help="rounds of each measurement (default 5, quick 2)")
    options = parser.parse_args()
    quick = options.quick
    groups = set(options.only or ("startup", "cpu", "upload", "download"))
    size_mib = 32 if quick else 1024
    runs = options.runs or (2 if quick else 5)
    best_of = 2 if quick else transfers.BEST_OF
    sizes = LIST_SIZES[:3] if quick else LIST_SIZES
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    figures: list[Figure] = []
    spawn = multiprocessing.get_context("spawn")
    queue: Any = spawn.Queue()
    server = spawn.Process(
        target=fixed_server.serve, args=(queue, list(sizes), size_mib * MiB), daemon=True
    )
    server.start()
    try:
        url = queue.get(timeout=120)
        if "startup" in groups:
            starts = runs if quick else 15
            figures += [first_use(starts), cli_help(starts), testing_plugin(starts)]
            figures.append(first_call(url, runs if quick else 9))
            figures.append(first_result(url, starts))
        if "cpu" in groups:
            figures.append(per_call(url, runs if quick else 7, 50 if quick else 300))
            figures += [list_cost(url, count, runs if quick else 7) for count in sizes]
        if "download" in groups:
            figures += download(url, size_mib, runs, best_of)
    finally:
        server.terminate()
        server.join()
    if "upload" in groups:
        figures += upload(size_mib, runs, best_of)
    print("| figure | work | SDK | raw baseline | ratio | goal | met |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(figure.row() for figure in figures))
    missed = [figure.name for figure in figures if not figure.met]
    if missed and not quick:
        print(f"# goals missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
