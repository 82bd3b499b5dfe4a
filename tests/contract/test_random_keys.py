"""A recording made with random endpoint keys, as a live one is, is secret-free and replays.

The committed cassettes come from the emulator, where the SDK draws its keys at random
too; this test makes the point on its own: it records a key's life with a key value known
only to this run, checks that value is nowhere in the cassette, and replays the cassette
with the network blocked, where the SDK draws another random key.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import vcr  # type: ignore[import-untyped]

from sambastudio import Client
from sambastudio.errors import AuthenticationError
from sambastudio.testing import (
    ACCESS_KEY_PLACEHOLDER,
    EMULATOR_ACCESS_KEY,
    PLACEHOLDER_HOST,
    InstantClock,
    deterministic_emulator,
    pinned_randomness,
    scan_cassettes,
    scrubbing_config,
)
from tests.contract._world import BASE_MODEL, RDU_ARCH


def key_life(client: Client, key: str | None) -> str:
    """Create a key, predict with it, revoke it; the value the client sent."""
    project = client.projects.create(name="keys")
    endpoint = project.endpoints.create(name="ep", model=BASE_MODEL, rdu_arch=RDU_ARCH)
    endpoint.wait_until_live(timeout=3600)
    created = endpoint.api_keys.create(description="rotation", key=key)
    assert created.description == "rotation"
    assert created.is_active
    assert endpoint.predict("Hello", api_key=created).text
    assert created.revoke().status == "Revoked"
    try:
        endpoint.predict("Hello", api_key=created)
    except AuthenticationError:
        return created.reveal()
    raise AssertionError("a revoked key was accepted")


def test_a_cassette_recorded_with_a_random_key_is_clean_and_replays(tmp_path: Path) -> None:
    cassette = tmp_path / "keys.yaml"
    random_key = str(uuid.uuid4())
    with deterministic_emulator() as emulator, pinned_randomness():
        recording = scrubbing_config(emulator.url, emulator.access_key)
        with (
            vcr.use_cassette(str(cassette), record_mode="all", **recording),
            Client(
                host_url=emulator.url,
                access_key=emulator.access_key,
                clock=InstantClock(emulator.clock),
            ) as client,
        ):
            assert key_life(client, random_key) == random_key
    assert random_key not in cassette.read_text()
    assert scan_cassettes(tmp_path, secrets=[random_key, EMULATOR_ACCESS_KEY]) == []

    with (
        pinned_randomness(),
        vcr.use_cassette(str(cassette), record_mode="none", **scrubbing_config()) as played,
        Client(
            host_url=PLACEHOLDER_HOST, access_key=ACCESS_KEY_PLACEHOLDER, clock=InstantClock()
        ) as client,
    ):
        key_life(client, None)  # the SDK draws a key of its own: another random value
        assert played.play_count == len(played) > 0
