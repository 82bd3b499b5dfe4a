"""Fixtures for the foundation tests: real loopback servers, recorded sleeps, test secrets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from pytest_httpserver import HTTPServer

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline

ACCESS_KEY = "test-access-key-5f1c0e7d9a2b4c6e8f0a1b3c5d7e9f10"
ENDPOINT_KEY = "test-endpoint-key-0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SECRETS = (ACCESS_KEY, ENDPOINT_KEY, AWS_SECRET)


def loopback_server() -> Iterator[HTTPServer]:
    """A pytest-httpserver on 127.0.0.1, threaded so that a handler that sleeps past a
    client timeout does not hold up the next request."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


_loopback_server = pytest.fixture(scope="session", name="_loopback_server")(loopback_server)


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    """A second server, on another port: another origin than ``httpserver``."""
    yield from loopback_server()


@pytest.fixture
def httpserver(_loopback_server: HTTPServer) -> Iterator[HTTPServer]:
    """pytest-httpserver's server, bound to 127.0.0.1 only, emptied after each test."""
    _loopback_server.clear()
    yield _loopback_server
    _loopback_server.clear()


@pytest.fixture
def sleeps() -> list[float]:
    """The delays the transport asked to sleep, in order; nothing really sleeps."""
    return []


@pytest.fixture
def make_transport(
    httpserver: HTTPServer, sleeps: list[float]
) -> Iterator[Callable[..., Pipeline]]:
    """Build transports aimed at the loopback server; no jitter, so backoff is exact."""
    built: list[Pipeline] = []

    def make(**overrides: Any) -> Pipeline:
        settings = Settings(
            host_url=httpserver.url_for("/"), access_key=ACCESS_KEY, tenant="tenant-1"
        )
        settings = attrs.evolve(settings, **overrides)
        transport = Pipeline(settings, sleep=sleeps.append, random=lambda: 0.0)
        built.append(transport)
        return transport

    yield make
    for transport in built:
        transport.close()


@pytest.fixture
def transport(make_transport: Callable[..., Pipeline]) -> Pipeline:
    return make_transport()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class HangUpServer:
    """Accepts each connection, reads the request, and closes without answering."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.connections = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._sock.settimeout(0.05)
        while not self._stopped.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                self.connections += 1

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture
def hang_up_server() -> Iterator[HangUpServer]:
    server = HangUpServer()
    yield server
    server.stop()
