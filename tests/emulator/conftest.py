"""Fixtures: a running emulator per test, and ``api`` to call its routes by contract name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator

ADMIN = object()
"""The default of ``Api.__call__``'s ``as_user``: the emulator's admin key."""


class Api:
    """Send a route of the wire contract by name to an emulator, over real HTTP.

    ``api("create_project", project_name="p", description="")`` binds the arguments with
    ``ROUTES[name].bind`` and sends them with the admin's key. ``as_user=<platform key>``
    and ``in_tenant=<tenant>`` (the ``tenant`` cookie) change who calls; ``as_user=None``
    sends no platform key. Every other keyword is an argument of the route (including
    ``key``, the endpoint key of predict routes). ``api.ok(...)`` also checks for 200 and
    returns the JSON body.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies, no .netrc: only the loopback emulator

    def __call__(
        self,
        route: str,
        /,
        *,
        as_user: Any = ADMIN,
        in_tenant: str | None = None,
        **args: Any,
    ) -> requests.Response:
        wire = ROUTES[route].bind(**args)
        headers = dict(wire.headers)
        key = self.emulator.access_key if as_user is ADMIN else as_user
        if key is not None and "key" not in headers:
            headers["key"] = key
        return self.session.request(
            wire.method,
            self.emulator.url + wire.path,
            params=dict(wire.query),
            json=wire.json,
            data=wire.content,
            files=wire.files,
            headers=headers,
            cookies={"tenant": in_tenant} if in_tenant else None,
            timeout=30,
        )

    def ok(self, route: str, /, **args: Any) -> Any:
        response = self(route, **args)
        assert response.status_code == 200, (route, response.status_code, response.text)
        return response.json()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(port=0, seed=0) as emu:
        yield emu


@pytest.fixture
def api(emulator: Emulator) -> Iterator[Api]:
    client = Api(emulator)
    yield client
    client.session.close()


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[Emulator]:
    """One emulator for a module's read-only sweeps (starting one per test costs ~0.2 s)."""
    with Emulator(port=0, seed=0) as emu:
        yield emu


@pytest.fixture(scope="module")
def shared_api(shared_emulator: Emulator) -> Iterator[Api]:
    client = Api(shared_emulator)
    yield client
    client.session.close()
