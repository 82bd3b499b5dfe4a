"""``sambastudio.testing`` as users meet it: a pytest plugin loaded in their own runs."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USES_THE_FIXTURES = """
import pytest
from sambastudio.testing import EPOCH

@pytest.mark.parametrize("sambastudio_flavor", ["current", "legacy"])
def test_a_fresh_frozen_emulator(sambastudio_emulator, sambastudio_client, sambastudio_flavor):
    assert sambastudio_emulator.config.flavor == sambastudio_flavor
    assert sambastudio_emulator.clock.now() == EPOCH
    assert sambastudio_client.projects.list().to_list() == []
    project = sambastudio_client.projects.create(name="mine")
    assert str(project.time_created).startswith("2025-01-01T00:00:00")

def test_waits_move_the_emulator_not_the_test(sambastudio_target, sambastudio_clock):
    sambastudio_clock.sleep(3600)
    assert sambastudio_target.emulator.clock.now() == EPOCH + 3600
"""


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])  # the emulator, under --block-network
def test_the_fixtures_give_a_deterministic_emulator_and_a_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(USES_THE_FIXTURES)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)


def test_a_replayed_cassette_needs_no_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def vcr_config(sambastudio_vcr_config):
            return sambastudio_vcr_config

        @pytest.mark.vcr
        def test_replay(sambastudio_target, request):
            assert sambastudio_target.kind == "replay"
            assert sambastudio_target.url == "https://sambastudio.test"
            assert "sambastudio_emulator" not in request.fixturenames
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_live_needs_a_host_and_a_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAMBASTUDIO_HOST_URL", raising=False)
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--sambastudio-live")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*needs SAMBASTUDIO_HOST_URL and SAMBASTUDIO_ACCESS_KEY*"])


def test_live_skips_emulator_only_tests_and_keeps_their_cassettes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A skip must come before pytest-recording's fixture, which deletes the cassette
    under ``--record-mode=rewrite``."""
    monkeypatch.setenv("SAMBASTUDIO_HOST_URL", "https://sambastudio.example.com")
    monkeypatch.setenv("SAMBASTUDIO_ACCESS_KEY", "not-a-real-key")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.vcr
        @pytest.mark.sambastudio_emulator_only("needs the emulator's admin")
        def test_emulator_only(sambastudio_client):
            pass

        @pytest.mark.vcr
        @pytest.mark.parametrize("sambastudio_flavor", ["legacy"])
        def test_other_flavor(sambastudio_client):
            pass
        """
    )
    cassettes = pytester.path / "cassettes" / pytester.path.name
    cassettes.mkdir(parents=True)
    kept = [cassettes / "test_emulator_only.yaml", cassettes / "test_other_flavor[legacy].yaml"]
    for path in kept:
        path.write_text("interactions: []\nversion: 1\n")
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--live", "--record-mode=rewrite"
    )
    result.assert_outcomes(skipped=2)
    assert all(path.exists() for path in kept)


def test_live_is_left_to_a_project_that_defines_it(pytester: pytest.Pytester) -> None:
    """The plugin loads in every user's run: ``--live`` is offered only when it is free."""
    pytester.makeconftest(
        """
        def pytest_addoption(parser):
            parser.addoption("--live", action="store_true", dest="their_live")
        """
    )
    pytester.makepyfile(
        """
        def test_theirs(request):
            assert request.config.getoption("their_live")
            assert not request.config.getoption("sambastudio_live")
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "--live").assert_outcomes(passed=1)
