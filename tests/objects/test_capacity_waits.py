"""Waits on work that waits for RDUs: progress shows the queue, a timeout says why."""

from __future__ import annotations

import pytest

from sambastudio._client import Client
from sambastudio.emulator import Emulator
from sambastudio.errors import WaitTimeout
from tests.objects._endpoint_fixtures import deploy
from tests.objects.conftest import unique
from tests.objects.fakes import FakeClock


def test_an_endpoint_wait_reports_awaiting_rdus_and_times_out_saying_so(
    client: Client, emulator: Emulator, clock: FakeClock
) -> None:
    tenant = client.tenants.create(name=unique("one-node"))
    tenant.update(rdu_node_count=1)
    assert tenant.name is not None
    with Client(emulator.url, emulator.access_key, tenant=tenant.name, clock=clock) as inside:
        project = inside.projects.create(name=unique("p"))
        holder = deploy(project).wait_until_live(timeout=600)
        queued = deploy(project)
        seen: list[str | None] = []
        with pytest.raises(WaitTimeout) as caught:
            queued.wait_until_live(timeout=300, on_progress=lambda e: seen.append(e.status))
        assert caught.value.waiting_for_capacity
        assert "waited for RDU capacity (last status: AwaitingRDU)" in str(caught.value)
        assert set(seen) == {"AwaitingRDU"}
        holder.stop()
        seen.clear()
        queued.wait_until_live(timeout=600, on_progress=lambda e: seen.append(e.status))
        assert seen[0] in ("Deploying", "SettingUp")
        assert seen[-1] == "Live"
