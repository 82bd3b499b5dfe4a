"""Running the emulator: in a background thread for tests (:class:`Emulator`), or in the
foreground for the CLI (:func:`serve`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from sambastudio.emulator._app import create_app
from sambastudio.emulator._clock import Clock
from sambastudio.emulator._failures import add_rule
from sambastudio.emulator._state import Api, Config, EmulatorState, Flavor

_START_TIMEOUT = 10.0


def _bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; its explicit protocol number lets asyncio set TCP_NODELAY
    on every connection (without it, Nagle's algorithm adds 40 ms to each response)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _uvicorn(state: EmulatorState) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(state), log_level="warning", access_log=False, lifespan="off"
    )
    return uvicorn.Server(config)


class Emulator:
    """A SambaStudio-compatible server on a loopback port, for tests and scripts::

        with Emulator(port=0, speed=100) as emu:
            client = Client(host_url=emu.url, access_key=emu.access_key)

    ``emu.access_key`` belongs to ``admin``, an admin of the ``default`` tenant. The keyword
    arguments match the ``sambastudio emulator serve`` flags; ``port=0`` picks a free port.
    ``speed=0`` freezes time (only ``emu.clock.advance()`` moves it) and ``epoch`` (epoch
    seconds or ISO-8601) says where a fresh emulator's time starts, for reproducible
    timestamps; a ``data_dir`` that already holds a clock keeps its own time.
    ``rdu_nodes`` sets each new tenant's capacity (8 RDUs a node; jobs and endpoints beyond
    it wait in PENDING_RDU/AwaitingRDU), ``max_body_bytes`` the largest request body.
    ``api="v2"`` serves the management routes under grpc-gateway paths (``/api/v2/...``)
    instead of the route table's, and ``api_docs=False`` hides the API description.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        data_dir: str | Path | None = None,
        flavor: Flavor = "current",
        access_key: str | None = None,
        speed: float = 1.0,
        epoch: float | str | None = None,
        latency_ms: float = 0,
        fault_rate: float = 0.0,
        fault_routes: Iterable[str] | None = None,
        seed: int | None = None,
        rdu_nodes: int = 4,
        max_body_bytes: int = 64 << 20,
        api: Api = "v1",
        api_docs: bool = True,
    ) -> None:
        self.config = Config(
            host=host,
            port=port,
            data_dir=data_dir,
            flavor=flavor,
            access_key=access_key,
            speed=speed,
            epoch=epoch,
            latency_ms=latency_ms,
            fault_rate=fault_rate,
            fault_routes=fault_routes,
            seed=seed,
            rdu_nodes=rdu_nodes,
            max_body_bytes=max_body_bytes,
            api=api,
            api_docs=api_docs,
        )
        self._state: EmulatorState | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # -------------------------------------------------------------- lifecycle
    def start(self) -> Emulator:
        """Serve in a daemon thread; return once the server accepts connections."""
        if self._thread is not None:
            return self
        self._socket = _bind(self.config.host, self.config.port)
        self._state = EmulatorState(self.config)
        self._server = _uvicorn(self._state)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="sambastudio-emulator",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the emulator did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stop serving and release the store (a persistent one stays on disk)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(_START_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        if self._state is not None:
            self._state.close()
        self._state = self._server = self._thread = self._socket = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------- properties
    @property
    def state(self) -> EmulatorState:
        if self._state is None:
            raise RuntimeError("the emulator is not running; use it as a context manager")
        return self._state

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the emulator is not running")
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        return _url(self.config.host, self.port)

    @property
    def access_key(self) -> str:
        return self.state.access_key

    @property
    def clock(self) -> Clock:
        """The emulated clock: ``emu.clock.advance(60)`` moves every job and endpoint on."""
        return self.state.clock

    # ---------------------------------------------------------------- helpers
    def add_tenant(self, name: str, *, display_name: str | None = None) -> dict[str, Any]:
        """Create a tenant and return its document (``id``, ``name``, ...)."""
        return self.state.add_tenant(name, display_name=display_name)

    def add_user(
        self,
        user_id: str,
        *,
        tenant: str = "default",
        admin: bool = False,
        password: str | None = None,
    ) -> str:
        """Create a user in a tenant (by name or id) and return its platform key.

        An existing user joins the tenant and keeps its key.
        """
        _, key = self.state.add_user(
            user_id, tenant=tenant, role="TenantAdmin" if admin else "User", password=password
        )
        return key

    def fail_on(
        self,
        *,
        dataset: str | None = None,
        hyperparam: tuple[str, Any] | None = None,
        model: str | None = None,
        message: str | None = None,
    ) -> None:
        """Declare something bad: jobs on this dataset end FAILED, jobs with this
        ``(name, value)`` hyperparameter end EXIT_WITH_1, endpoints of this model end Failed.
        """
        add_rule(self.state, dataset=dataset, hyperparam=hyperparam, model=model, message=message)


def serve(config: Config, *, echo: Callable[[str], None] = print) -> None:
    """Serve in the foreground until interrupted, after printing the URL and access key."""
    sock = _bind(config.host, config.port)
    state = EmulatorState(config)
    try:
        server = _uvicorn(state)
        echo(f"SambaStudio emulator at {_url(config.host, sock.getsockname()[1])}")
        echo(f"access key (user admin, tenant default): {state.access_key}")
        server.run(sockets=[sock])
    finally:
        sock.close()
        state.close()
