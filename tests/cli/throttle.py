"""A loopback TCP relay whose answers trickle: a slow network in front of the emulator, so a
test can interrupt a download while its bytes are still arriving."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

from typing_extensions import Self


class ThrottledProxy:
    """Relays each connection to ``upstream``: requests at once, answers ``step`` bytes per
    ``tick`` seconds."""

    def __init__(self, upstream: tuple[str, int], *, step: int, tick: float) -> None:
        self.upstream, self.step, self.tick = upstream, step, tick
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._sockets: list[socket.socket] = [self._listener]
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> Self:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopped.set()
        for sock in self._sockets:
            sock.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, 0.0), daemon=True).start()
            threading.Thread(
                target=self._pump, args=(server, client, self.tick), daemon=True
            ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pause: float) -> None:
        try:
            while data := source.recv(self.step):
                sink.sendall(data)
                time.sleep(pause)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                sock.close()
