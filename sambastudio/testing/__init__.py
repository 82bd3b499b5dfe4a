"""Testing with SambaStudio: a pytest plugin, deterministic recordings and cassette scrubbing.

This package is the ``pytest11`` entry point ``sambastudio.testing``, so pytest loads it in
every run of every project that installs the package: it imports the plugin's hooks and
fixtures (:mod:`~sambastudio.testing.plugin`, which needs pytest only) and nothing else.
What makes a recording repeat (:mod:`~sambastudio.testing.kit`) and what keeps secrets out
of cassettes (:mod:`~sambastudio.testing.scrubbing`) load on first use of a name below
(PEP 562; docs/performance.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

from sambastudio.testing.plugin import (
    FLAVORS,
    pytest_addoption,
    pytest_configure,
    pytest_load_initial_conftests,
    pytest_runtest_setup,
    sambastudio_client,
    sambastudio_clock,
    sambastudio_emulator,
    sambastudio_emulator_options,
    sambastudio_flavor,
    sambastudio_snsdk,
    sambastudio_target,
    sambastudio_vcr_config,
    scrubbing_config,
)

if TYPE_CHECKING:
    from sambastudio.testing.kit import (
        EMULATOR_ACCESS_KEY,
        EMULATOR_SEED,
        EPOCH,
        Flavor,
        InstantClock,
        Target,
        deterministic_emulator,
        pinned_randomness,
    )
    from sambastudio.testing.scrubbing import (
        ACCESS_KEY_PLACEHOLDER,
        MULTIPART_BOUNDARY,
        PLACEHOLDER_HOST,
        Scrubber,
        is_placeholder,
        scan_cassettes,
    )

_EXPORTS: Final = {
    "sambastudio.testing.scrubbing": (
        "ACCESS_KEY_PLACEHOLDER",
        "MULTIPART_BOUNDARY",
        "PLACEHOLDER_HOST",
        "Scrubber",
        "is_placeholder",
        "scan_cassettes",
    ),
    "sambastudio.testing.kit": (
        "EMULATOR_ACCESS_KEY",
        "EMULATOR_SEED",
        "EPOCH",
        "Flavor",
        "InstantClock",
        "Target",
        "deterministic_emulator",
        "pinned_randomness",
    ),
}
"""The names this package offers from its modules, loaded on first use."""


def __getattr__(name: str) -> Any:
    for module, names in _EXPORTS.items():
        if name in names:
            value = getattr(importlib.import_module(module), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'sambastudio.testing' has no attribute {name!r}")


__all__ = [
    "ACCESS_KEY_PLACEHOLDER",
    "EMULATOR_ACCESS_KEY",
    "EMULATOR_SEED",
    "EPOCH",
    "FLAVORS",
    "MULTIPART_BOUNDARY",
    "PLACEHOLDER_HOST",
    "Flavor",
    "InstantClock",
    "Scrubber",
    "Target",
    "deterministic_emulator",
    "is_placeholder",
    "pinned_randomness",
    "pytest_addoption",
    "pytest_configure",
    "pytest_load_initial_conftests",
    "pytest_runtest_setup",
    "sambastudio_client",
    "sambastudio_clock",
    "sambastudio_emulator",
    "sambastudio_emulator_options",
    "sambastudio_flavor",
    "sambastudio_snsdk",
    "sambastudio_target",
    "sambastudio_vcr_config",
    "scan_cassettes",
    "scrubbing_config",
]
