"""Fixtures of the shim's tests: one emulator per flavor and module, and an SnSdk bound to it."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from sambastudio.compat import SnSdk, SnSdkDeprecationWarning
from sambastudio.emulator import Emulator

FLAVORS = ("current", "legacy")
"""The 2025 response shapes and the 2024 ones (api-evidence.md §5)."""


@pytest.fixture(autouse=True)
def _quiet_deprecations() -> Iterator[None]:
    """The shim's own warnings are tested in test_shim.py; elsewhere they are noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnSdkDeprecationWarning)
        yield


@pytest.fixture(scope="module", params=FLAVORS)
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    # A module's tests share one tenant and leave their endpoints up: RDUs for all.
    with Emulator(port=0, flavor=request.param, seed=11, rdu_nodes=1024) as emulator:
        yield emulator


@pytest.fixture
def sdk(emu: Emulator) -> SnSdk:
    """An SnSdk of the emulator's admin, in the default tenant."""
    return SnSdk(emu.url, emu.access_key)


@pytest.fixture
def legacy(emu: Emulator) -> bool:
    return emu.config.flavor == "legacy"
