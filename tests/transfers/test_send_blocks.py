"""How request bodies reach the socket: in blocks large enough not to cost a core per GiB."""

from __future__ import annotations

import io
import os
import pickle
from typing import Any

import pytest
import requests
import urllib3
from pytest_httpserver import HTTPServer

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES
from sambastudio._watchdog import SEND_BLOCKSIZE, WatchedAdapter


class RecordedReads(io.BytesIO):
    """A file body that remembers the size of every read made of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int | None] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(size)
        return super().read(size)


def test_a_file_body_is_read_and_sent_in_one_mib_blocks(
    transport: Pipeline, httpserver: HTTPServer
) -> None:
    data = os.urandom(3 * SEND_BLOCKSIZE + 5)
    httpserver.expect_request("/api/v1beta/upload/file/a.bin", method="PUT").respond_with_json({})
    body = RecordedReads(data)
    part = ROUTES["upload_part_file"].bind(
        file_path="a.bin", part_number=1, upload_id="u", folder_id="f", file=body
    )

    transport.send(part)

    assert httpserver.log[0][0].get_data() == data
    assert body.sizes == [SEND_BLOCKSIZE] * 5  # four blocks, then the read that finds the end


def test_the_large_blocks_survive_a_pickled_adapter(transport: Pipeline) -> None:
    pickled = pickle.dumps(transport.session.get_adapter("https://example.com"))
    adapter = pickle.loads(pickled)  # noqa: S301 - our own bytes
    assert adapter.poolmanager.connection_pool_kw["blocksize"] == SEND_BLOCKSIZE
    proxied = adapter.proxy_manager_for("http://proxy.example:3128")
    assert proxied.connection_pool_kw["blocksize"] == SEND_BLOCKSIZE


def test_a_session_given_to_the_transport_keeps_its_own_adapters() -> None:
    session = requests.Session()
    mine = session.get_adapter("https://example.com")
    with Pipeline(Settings(host_url="https://example.com", access_key="k"), session=session):
        assert session.get_adapter("https://example.com") is mine


def test_apart_from_the_block_size_the_pools_are_requests_own(transport: Pipeline) -> None:
    ours = transport.session.get_adapter("https://example.com").poolmanager.connection_pool_kw
    theirs = requests.adapters.HTTPAdapter().poolmanager.connection_pool_kw
    assert {name: value for name, value in ours.items() if name != "blocksize"} == theirs


def test_a_socks_proxy_keeps_its_own_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Watched pools would connect straight to the host, past the SOCKS proxy."""

    class SocksManager(urllib3.PoolManager):  # stands for PySocks' manager, not installed here
        def __init__(self, proxy_url: str, **kwargs: Any) -> None:
            kwargs.pop("username"), kwargs.pop("password")
            super().__init__(**kwargs)

    monkeypatch.setattr(requests.adapters, "SOCKSProxyManager", SocksManager)
    manager = WatchedAdapter().proxy_manager_for("SOCKS5h://127.0.0.1:1080")
    assert isinstance(manager, SocksManager)
    assert manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme
