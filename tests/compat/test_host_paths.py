"""A host URL holding the API path: corrected for the shim as for ``Client`` (issue #11)."""

from __future__ import annotations

import logging

import pytest

from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from sambastudio.errors import ConfigurationError


@pytest.mark.parametrize("tail", ["/api", "/api/v1", "/api/v2/"])
def test_the_shim_drops_an_api_tail_and_reaches_the_routes(
    emu: Emulator, tail: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sambastudio"):
        sdk = SnSdk(emu.url + tail, emu.access_key)
    answer = sdk.list_projects()
    assert answer.get("status_code", 200) == 200, answer
    assert "ends in an API path" in caplog.text
    assert emu.access_key not in caplog.text


def test_the_shim_refuses_a_route_path_with_the_site_to_use(emu: Emulator) -> None:
    with pytest.raises(ConfigurationError) as caught:
        SnSdk(emu.url + "/api/projects", emu.access_key)
    assert f"Client(host_url={emu.url!r})" in str(caught.value)
