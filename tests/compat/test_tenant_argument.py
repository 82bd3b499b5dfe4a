"""``SnSdk(host, key, "<tenant>")``: the seed puts ``command`` third, the 2025 SnSdk and
SambaStudio's own example put ``tenant_id`` there. A tenant is never dropped silently."""

from __future__ import annotations

import warnings

import pytest

from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator

HOST, KEY = "http://127.0.0.1:9", "k" * 16


def tenant_cookie(sdk: SnSdk) -> str | None:
    return sdk.http_session.cookies.get("tenant")


def test_a_third_value_that_is_no_snapi_command_is_the_tenant() -> None:
    with pytest.warns(UserWarning, match=r"not a snapi command: it is used as tenant_id") as seen:
        sdk = SnSdk(HOST, KEY, "research")
    assert tenant_cookie(sdk) == "research"
    assert seen[0].filename == __file__  # the warning points at the caller's line


@pytest.mark.parametrize("command", ["project list", "snapi job create", "version", None, ""])
def test_a_snapi_command_stays_a_command(command: str | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sdk = SnSdk(HOST, KEY, command)
    assert tenant_cookie(sdk) is None


def test_an_explicit_tenant_id_wins_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sdk = SnSdk(HOST, KEY, "whatever", tenant_id="default")
    assert tenant_cookie(sdk) == "default"


def test_the_positional_tenant_reaches_the_server() -> None:
    with Emulator() as emu:
        other = emu.add_tenant("research")
        key = emu.add_user("ada", tenant="default")  # her default tenant
        emu.add_user("ada", tenant="research")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sdk = SnSdk(emu.url, key, other["id"])
            created = sdk.create_project(project_name="in-research", description="")
        assert created["status_code"] == 200
        (doc,) = emu.state.store.list("project")
        assert doc["tenant_id"] == other["id"]
