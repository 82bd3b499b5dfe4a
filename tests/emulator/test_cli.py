"""``sambastudio emulator serve``: flags, output, and a clean stop on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner

from sambastudio.cli._emulator import emulator

REPO = Path(__file__).resolve().parents[2]


def test_serve_documents_every_flag() -> None:
    result = CliRunner().invoke(emulator, ["serve", "--help"])
    assert result.exit_code == 0
    for flag in (
        "--host",
        "--port",
        "--data-dir",
        "--flavor",
        "--access-key",
        "--speed",
        "--latency-ms",
        "--fault-rate",
        "--fault-route",
        "--seed",
    ):
        assert flag in result.output


def test_bad_flags_are_refused_before_serving() -> None:
    runner = CliRunner()
    for args in (
        ["--fault-rate", "2"],
        ["--flavor", "future"],
        ["--speed", "-1"],
        ["--port", "-1"],
        ["--fault-route", "no_such_route"],
    ):
        result = runner.invoke(emulator, ["serve", *args])
        assert result.exit_code == 2, args


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(emulator, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_prints_its_url_and_key_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sambastudio.cli",
            "emulator",
            "serve",
            "--port",
            "0",
            "--access-key",
            "k" * 64,
            "--flavor",
            "legacy",
            "--speed",
            "100",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split(" at ")[1].strip()
        assert process.stdout.readline().strip().endswith("k" * 64)
        projects = requests.get(url + "/api/projects", headers={"key": "k" * 64}, timeout=10)
        assert projects.json()["limit"] == -1  # the legacy flavor
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
