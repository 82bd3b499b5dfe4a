"""The pytest plugin: a deterministic emulator, a client bound to it, and cassette scrubbing.

Installed with the package (entry point ``pytest11``), so it loads in every pytest run:
it imports nothing heavy here. The emulator (the ``emulator`` extra) is imported by the
fixtures that start one.

Fixtures (function-scoped: each test gets a fresh, identical world):

``sambastudio_flavor``
    ``"current"`` (2025 response shapes) or ``"legacy"`` (2024); parametrize it to run a
    test against both.
``sambastudio_emulator_options``
    The ``Emulator`` keyword arguments (override the fixture to change them).
``sambastudio_emulator``
    A running emulator on a frozen clock, with a fixed seed and access key.
``sambastudio_target``
    What clients talk to: that emulator; in a ``@pytest.mark.vcr`` test replayed with
    record mode ``none``, nothing (the cassette answers, no emulator is started); with
    ``--sambastudio-live`` (or ``--live``), the SambaStudio at ``SAMBASTUDIO_HOST_URL``.
``sambastudio_clock``
    The waiters' clock: sleeping moves the emulator's time at once (real time when live).
``sambastudio_client`` / ``sambastudio_snsdk``
    A ``Client`` / legacy ``SnSdk`` bound to the target.
``sambastudio_vcr_config``
    pytest-recording settings that scrub secrets and the host from cassettes and match
    requests strictly; use it as your ``vcr_config``.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import pytest

if TYPE_CHECKING:
    from sambastudio._client import Client
    from sambastudio._waiting import Clock
    from sambastudio.compat import SnSdk
    from sambastudio.emulator import Emulator
    from sambastudio.testing.kit import Flavor, Target


FLAVORS: Final[tuple[Flavor, ...]] = ("current", "legacy")
LIVE: Final = "sambastudio_live"
LIVE_FLAVOR: Final = "sambastudio_live_flavor"
EMULATOR_ONLY: Final = "sambastudio_emulator_only"


def scrubbing_config(host_url: str | None = None, access_key: str | None = None) -> dict[str, Any]:
    """pytest-recording/vcrpy settings for a cassette recorded from ``host_url``.

    Requests match on method, path, query and JSON body, each recorded answer plays once
    (polls replay in order), and everything secret is replaced: see
    ``sambastudio.testing.scrubbing``. Build one per cassette (the scrubber learns the
    secrets it meets).
    """
    from sambastudio.testing.scrubbing import ACCESS_KEY_PLACEHOLDER, Scrubber

    secrets = {access_key: ACCESS_KEY_PLACEHOLDER} if access_key else {}
    scrubber = Scrubber([host_url] if host_url else [], secrets)
    return {
        "match_on": ("method", "path", "query", "body"),
        "allow_playback_repeats": False,
        "decode_compressed_response": True,
        "before_record_request": scrubber.request,
        "before_record_response": scrubber.response,
    }


# --------------------------------------------------------------------------- options
def pytest_addoption(parser: pytest.Parser) -> None:
    """Namespaced options only: pytest-recording owns ``--record-mode`` and friends."""
    group = parser.getgroup("sambastudio", "SambaStudio SDK testing")
    group.addoption(
        "--sambastudio-live",
        action="store_true",
        dest=LIVE,
        help="point the sambastudio_* fixtures at the SambaStudio of SAMBASTUDIO_HOST_URL and "
        "SAMBASTUDIO_ACCESS_KEY instead of an emulator (to record cassettes from it). "
        "Also spelled --live when no other plugin or conftest claims that name.",
    )
    group.addoption(
        "--sambastudio-live-flavor",
        choices=FLAVORS,
        default="current",
        dest=LIVE_FLAVOR,
        help="the response generation of the live server; tests parametrized with the other "
        "sambastudio_flavor are skipped (default: current)",
    )


@pytest.hookimpl(hookwrapper=True)  # old-style: works on every pytest
def pytest_load_initial_conftests(parser: pytest.Parser) -> Generator[None, None, None]:
    """Offer ``--live`` only once the project's own conftests are loaded, and only if
    none of them (nor another plugin) defines it: this plugin loads in every user's run."""
    yield
    taken = {
        name
        for group in getattr(parser, "_groups", [])
        for option in getattr(group, "options", [])
        for name in option.names()
    }
    if "--live" not in taken:
        group = parser.getgroup("sambastudio")
        group.addoption("--live", action="store_true", dest=LIVE, help="--sambastudio-live")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{EMULATOR_ONLY}(reason): the test needs the emulator (not a real server); "
        "skipped with --sambastudio-live",
    )
    if config.getoption(LIVE, default=False):
        _live_target(config.getoption(LIVE_FLAVOR))  # fail now, not in every test


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """With ``--live``, skip before any fixture runs: a skipped test must not reach
    pytest-recording's fixture, which deletes the cassette under ``--record-mode=rewrite``."""
    if not item.config.getoption(LIVE, default=False):
        return
    marker = item.get_closest_marker(EMULATOR_ONLY)
    if marker is not None:
        pytest.skip(f"needs the emulator: {marker.args[0] if marker.args else ''}".strip(": "))
    callspec = getattr(item, "callspec", None)
    flavor = callspec.params.get("sambastudio_flavor") if callspec is not None else None
    live_flavor = item.config.getoption(LIVE_FLAVOR)
    if flavor is not None and flavor != live_flavor:
        pytest.skip(f"the live server speaks the {live_flavor} flavor, not {flavor}")


# -------------------------------------------------------------------------- fixtures
@pytest.fixture
def sambastudio_flavor() -> Flavor:
    """The emulator's response generation; ``@pytest.mark.parametrize`` it to change it."""
    return "current"


@pytest.fixture
def sambastudio_emulator_options(sambastudio_flavor: Flavor) -> dict[str, Any]:
    """Keyword arguments of the emulator: override this fixture for faults, latency..."""
    return {"flavor": sambastudio_flavor}


@pytest.fixture
def sambastudio_emulator(
    request: pytest.FixtureRequest, sambastudio_emulator_options: Mapping[str, Any]
) -> Iterator[Emulator]:
    """A fresh emulator on a frozen clock (``emu.clock.advance(s)`` moves it)."""
    if request.config.getoption(LIVE, default=False):
        pytest.skip("needs the emulator, and --sambastudio-live points at a real server")
    from sambastudio.testing.kit import deterministic_emulator

    with deterministic_emulator(**sambastudio_emulator_options) as emulator:
        yield emulator


@pytest.fixture
def sambastudio_target(request: pytest.FixtureRequest, sambastudio_flavor: Flavor) -> Target:
    """The emulator, a cassette or a live server (see the module's docstring)."""
    from sambastudio.testing.kit import Target
    from sambastudio.testing.scrubbing import ACCESS_KEY_PLACEHOLDER, PLACEHOLDER_HOST

    target: Target
    if request.config.getoption(LIVE, default=False):
        target = _live_target(request.config.getoption(LIVE_FLAVOR))
    elif _replaying(request):
        # The same tenant as when recording: the client then sends the same requests.
        target = Target(
            "replay", PLACEHOLDER_HOST, ACCESS_KEY_PLACEHOLDER, sambastudio_flavor, tenant="default"
        )
    else:
        emulator: Emulator = request.getfixturevalue("sambastudio_emulator")
        target = Target(
            "emulator",
            emulator.url,
            emulator.access_key,
            emulator.config.flavor,
            tenant="default",
            emulator=emulator,
        )
    return target


@pytest.fixture
def sambastudio_clock(sambastudio_target: Target) -> Clock:
    """What waiters read and sleep on: instant, and moving the emulator, unless live."""
    if sambastudio_target.kind == "live":
        from sambastudio._waiting import SYSTEM_CLOCK

        return SYSTEM_CLOCK
    from sambastudio.testing.kit import InstantClock

    emulator = sambastudio_target.emulator
    return InstantClock(emulator.clock if emulator is not None else None)


@pytest.fixture
def sambastudio_client(sambastudio_target: Target, sambastudio_clock: Clock) -> Iterator[Client]:
    """A ``Client`` of the target's admin; waits never sleep unless live."""
    from sambastudio._client import Client

    with Client(
        host_url=sambastudio_target.url,
        access_key=sambastudio_target.access_key,
        tenant=sambastudio_target.tenant,
        clock=sambastudio_clock,
    ) as client:
        yield client


@pytest.fixture
def sambastudio_snsdk(sambastudio_target: Target) -> SnSdk:
    """A legacy ``SnSdk`` of the target's admin."""
    from sambastudio.compat import SnSdk

    return SnSdk(
        sambastudio_target.url, sambastudio_target.access_key, tenant_id=sambastudio_target.tenant
    )


@pytest.fixture
def sambastudio_vcr_config(sambastudio_target: Target) -> dict[str, Any]:
    """:func:`scrubbing_config` for this test's target; return it from your ``vcr_config``."""
    if sambastudio_target.kind == "replay":
        return scrubbing_config()
    return scrubbing_config(sambastudio_target.url, sambastudio_target.access_key)


# --------------------------------------------------------------------------- helpers
def _replaying(request: pytest.FixtureRequest) -> bool:
    """Whether pytest-recording will answer this test from its cassette alone."""
    marker = request.node.get_closest_marker("vcr")
    if marker is None or request.config.getoption("--disable-recording", default=False):
        return False
    mode = marker.kwargs.get("record_mode") or request.config.getoption(
        "--record-mode", default=None
    )
    return (mode or "none") == "none"


def _live_target(flavor: Flavor) -> Target:
    url = os.environ.get("SAMBASTUDIO_HOST_URL", "").strip()
    key = os.environ.get("SAMBASTUDIO_ACCESS_KEY", "").strip()
    if not (url and key):
        raise pytest.UsageError(
            "--sambastudio-live needs SAMBASTUDIO_HOST_URL and SAMBASTUDIO_ACCESS_KEY"
        )
    tenant = os.environ.get("SAMBASTUDIO_TENANT") or None
    from sambastudio.testing.kit import Target

    return Target("live", url.rstrip("/"), key, flavor, tenant=tenant)
