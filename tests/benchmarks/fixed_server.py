"""A server of fixed answers, in its own process, for measuring the client's own cost.

The answers are the emulator's own (one project and one job, taken from a real emulator at
start-up) repeated as often as a figure needs, so the SDK parses what it parses in real use,
while the server spends almost nothing per request: what a benchmark measures is the client.
The ``tenant`` cookie picks the size of the project list (``n2000``: 2,000 projects), so the
SDK and the raw baseline ask for the very same bytes. A job's results download is a file of
any size, served with ``Range`` support.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

KEY = "bench-access-key-0123456789"
REPO = Path(__file__).resolve().parents[2]


def sample_answers() -> dict[str, Any]:
    """One project view and one job view, as the emulator answers them (current flavor)."""
    from sambastudio import Client
    from sambastudio.emulator import Emulator

    with Emulator(port=0, speed=100_000, access_key=KEY) as emu:
        client = Client(host_url=emu.url, access_key=KEY)
        project = client.projects.create(name="bench", description="fixed answers")
        dataset = client.datasets.create(
            name="bench-data",
            path=REPO / "sambastudio" / "demo_data",
            apps=["Generative Tuning"],
            job_types=["train", "evaluation"],
            progress_bar=False,
        )
        job = project.jobs.create(
            type="train",
            name="bench-job",
            model="Meta-Llama-3.2-1B-Instruct",
            dataset=dataset,
            rdu_arch="SN40L-8",
            hyperparams={"num_iterations": 2},
        )
        headers = {"key": KEY}
        project_body = requests.get(
            f"{emu.url}/api/projects/{project.id}", headers=headers, timeout=30
        )
        job_body = requests.get(
            f"{emu.url}/api/projects/{project.id}/jobs/{job.id}", headers=headers, timeout=30
        )
        return {"project": project_body.json(), "job": job_body.json()}


def _project_list(project: dict[str, Any], count: int) -> bytes:
    projects = []
    for number in range(count):
        item = dict(project)
        item["id"] = f"00000000-0000-4000-8000-{number:012d}"
        item["name"] = f"project-{number}"
        projects.append(item)
    return json.dumps({"projects": projects}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm the body then waits for
    # the client's delayed ACK, 40 ms per request on Linux, for the SDK and the baseline alike.
    disable_nagle_algorithm = True
    bodies: dict[str, bytes]
    project: bytes
    job: bytes
    download: Path

    def log_message(self, *args: Any) -> None:  # quiet
        return

    def _send(self, body: bytes, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.headers.get("key") != KEY:
            self._send(b'{"detail": "missing or wrong key"}', 401)
            return
        path = self.path.split("?", 1)[0]
        if path == "/api/projects":
            tenant = re.search(r"tenant=(n\d+)", self.headers.get("cookie", ""))
            self._send(self.bodies[tenant.group(1) if tenant else "n1"])
        elif path.endswith("/results/download"):
            self._file()
        elif re.fullmatch(r"/api/projects/[^/]+/jobs/[^/]+", path):
            self._send(self.job)
        elif re.fullmatch(r"/api/projects/[^/]+", path):
            self._send(self.project)
        else:
            self._send(b'{"detail": "not found"}', 404)

    def _file(self) -> None:
        size = self.download.stat().st_size
        start = 0
        wanted = re.fullmatch(r"bytes=(\d+)-", self.headers.get("range", ""))
        if wanted:
            start = int(wanted.group(1))
            self.send_response(206)
            self.send_header("content-range", f"bytes {start}-{size - 1}/{size}")
        else:
            self.send_response(200)
        self.send_header("content-type", "application/gzip")
        self.send_header("content-length", str(size - start))
        self.send_header("content-disposition", 'attachment; filename="results.tar.gz"')
        self.end_headers()
        with self.download.open("rb") as source:
            self.connection.sendfile(source, offset=start)


def serve(port_queue: Any, sizes: list[int], download_bytes: int) -> None:
    """Build the answers, then serve them forever (a child process's target)."""
    answers = sample_answers()
    folder = Path(tempfile.mkdtemp(prefix="sambastudio-bench-"))
    download = folder / "results.tar.gz"
    block = os.urandom(8 << 20)
    with download.open("wb") as out:
        for offset in range(0, download_bytes, len(block)):
            out.write(block[: min(len(block), download_bytes - offset)])
    handler = type(
        "Handler",
        (_Handler,),
        {
            "bodies": {f"n{n}": _project_list(answers["project"], n) for n in sizes},
            "project": json.dumps(answers["project"]).encode(),
            "job": json.dumps(answers["job"]).encode(),
            "download": download,
        },
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    port_queue.put(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        threading.Event().wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
