"""Testing with SambaStudio: a pytest plugin, deterministic recordings and cassette scrubbing.

This package is the ``pytest11`` entry point ``sambastudio.testing``, so pytest loads it in
every run; its fixtures and hooks live in :mod:`~sambastudio.testing.plugin`, what makes a
recording repeat in :mod:`~sambastudio.testing.kit`, and what keeps secrets out of
cassettes in :mod:`~sambastudio.testing.scrubbing`. The names below are the public ones.
"""

from sambastudio.testing.kit import (
    EMULATOR_ACCESS_KEY,
    EMULATOR_SEED,
    EPOCH,
    InstantClock,
    deterministic_emulator,
    pinned_randomness,
)
from sambastudio.testing.plugin import (
    FLAVORS,
    Flavor,
    Target,
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
from sambastudio.testing.scrubbing import (
    ACCESS_KEY_PLACEHOLDER,
    MULTIPART_BOUNDARY,
    PLACEHOLDER_HOST,
    Scrubber,
    is_placeholder,
    scan_cassettes,
)

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
