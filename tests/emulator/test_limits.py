"""The request body limit: 413 with a clear message, configurable, dataset parts exempt."""

from __future__ import annotations

from collections.abc import Iterator

import requests

from sambastudio.emulator import Emulator

LIMIT = 1024


def _post(emu: Emulator, body: bytes | Iterator[bytes]) -> requests.Response:
    headers = {"key": emu.access_key, "content-type": "application/json"}
    return requests.post(emu.url + "/api/projects", data=body, headers=headers, timeout=10)


def test_a_body_over_the_limit_answers_413_declared_or_streamed() -> None:
    with Emulator(port=0, max_body_bytes=LIMIT) as emu:
        padding = "x" * LIMIT
        big = f'{{"project_name": "p", "description": "{padding}"}}'.encode()
        declared = _post(emu, big)
        assert declared.status_code == 413
        assert f"limit of {LIMIT} bytes (max_body_bytes)" in declared.json()["detail"]
        streamed = _post(emu, iter([big[:600], big[600:]]))  # chunked: no Content-Length
        assert streamed.status_code == 413
        assert "max_body_bytes" in streamed.json()["detail"]
        small = _post(emu, b'{"project_name": "p", "description": ""}')
        assert small.status_code == 200
        assert (
            len(
                requests.get(
                    emu.url + "/api/projects", headers={"key": emu.access_key}, timeout=10
                ).json()["projects"]
            )
            == 1
        )


def test_the_default_limit_takes_ordinary_bodies() -> None:
    with Emulator(port=0) as emu:
        body = f'{{"project_name": "p", "description": "{"x" * 100_000}"}}'.encode()
        assert _post(emu, body).status_code == 200
