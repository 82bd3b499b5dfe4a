"""A transport adapter that fails chosen requests, to prove waits ride out transient errors."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter


class Flaky(HTTPAdapter):
    """Fails the next requests whose path contains ``marker``: an ``int`` entry answers
    that HTTP status, an exception entry is raised; then requests pass through."""

    def __init__(self, marker: str, failures: list[int | Exception]) -> None:
        super().__init__()
        self.marker = marker
        self.failures = list(failures)
        self.failed = 0

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if self.failures and self.marker in (request.url or ""):
            failure = self.failures.pop(0)
            self.failed += 1
            if isinstance(failure, Exception):
                raise failure
            response = requests.Response()
            response.status_code = failure
            response.request = request
            response.url = request.url or ""
            response.raw = io.BytesIO(b'{"detail": "try again later"}')  # as an adapter gives it
            response.headers["content-type"] = "application/json"
            return response
        return super().send(request, stream, timeout, verify, cert, proxies)
