"""A loopback HTTP proxy that forwards a request to the server and then loses its answer.

Requests that ``lose`` selects are forwarded whole to ``upstream`` (so the server acts);
the answer is then dropped the way ``mode`` says: ``reset`` (the connection is reset),
``timeout`` (no answer until the client gives up), ``502`` (a gateway error instead of the
answer) or ``unsent`` (the request never reaches the server: the control case). In
``busy`` mode the request is not forwarded either, and answered 503 with ``Retry-After:
<retry_after>`` (the server saying it did not act). Other requests pass through untouched.
"""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

Mode = Literal["reset", "timeout", "502", "unsent", "busy"]
HOP_HEADERS = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


@contextmanager
def lossy_proxy(
    upstream: str,
    lose: Callable[[str, str], bool],
    mode: Mode,
    *,
    hold: float = 2.0,
    retry_after: str = "1",
) -> Iterator[tuple[str, list[str]]]:
    """``(proxy URL, requests lost)``; ``lose(method, path)`` picks the requests to lose,
    once each (a retry of the same request passes)."""
    target = urlsplit(upstream)
    lost: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            request = f"{self.command} {self.path}"
            losing = request not in lost and lose(self.command, self.path.split("?")[0])
            if losing:
                lost.append(request)
            if losing and mode == "unsent":
                self._reset()
                return
            if losing and mode == "busy":
                self._send(503, [("Retry-After", retry_after)], b"busy")
                return
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            connection.close()
            if losing and mode == "reset":
                self._reset()
            elif losing and mode == "timeout":
                time.sleep(hold)
                self._reset()
            elif losing and mode == "502":
                self._send(502, [("Content-Type", "text/plain")], b"bad gateway")
            else:
                kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_HEADERS]
                self._send(answer.status, kept, data)

        def _send(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward  # noqa: N815 - http.server's names

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", lost
    finally:
        server.shutdown()
        server.server_close()
