"""RDU capacity: work beyond a tenant's RDUs waits, in order, and starts as RDUs free up.

One node is 8 RDUs; a job or endpoint on SN40L-8 with one instance takes all of it. Jobs are
CREATED for 2 s, claim RDUs, then take 10 s more in PENDING_RDU and 3 s a step (20 steps).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sambastudio.emulator import Emulator, _capacity
from tests.emulator.conftest import Api
from tests.emulator.helpers import start_endpoint, start_job


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(port=0, seed=0, speed=0, rdu_nodes=1) as emu:
        yield emu


def _status(api: Api, job: str) -> str:
    return str(api.ok("job_info", project="p", job=job)["data"]["status"])


def _usage(api: Api) -> dict[str, Any]:
    usage: dict[str, Any] = api.ok("admin_resource_usage")
    assert usage["used_rdus"] <= usage["total_rdus"] == 8, usage
    return usage


def test_a_job_that_does_not_fit_waits_and_starts_when_rdus_free_up(
    emulator: Emulator, api: Api
) -> None:
    start_job(api, job_name="first")
    start_job(api, job_name="second")
    emulator.clock.advance(30)
    assert (_status(api, "first"), _status(api, "second")) == ("TRAINING", "PENDING_RDU")
    assert _usage(api)["used_rdus"] == 8
    emulator.clock.advance(43)  # t=73: the first ended at 72 and let its RDUs go
    assert (_status(api, "first"), _status(api, "second")) == ("EXIT_WITH_0", "PENDING_RDU")
    emulator.clock.advance(10)  # granted at 72, working from 82
    assert _status(api, "second") == "TRAINING"
    assert _usage(api)["used_rdus"] == 8
    emulator.clock.advance(3600)
    assert _status(api, "second") == "EXIT_WITH_0"
    assert _usage(api)["used_rdus"] == 0


def test_an_endpoint_awaits_rdus_until_a_job_stops(emulator: Emulator, api: Api) -> None:
    start_job(api, job_name="holder")
    emulator.clock.advance(5)
    endpoint = start_endpoint(api)
    assert endpoint["status"] == "AwaitingRDU"
    emulator.clock.advance(30)  # the job trains until t=72
    assert api.ok("endpoint_info", project="p", endpoint="ep")["status"] == "AwaitingRDU"
    api.ok("stop_job", project="p", job="holder")
    assert api.ok("endpoint_info", project="p", endpoint="ep")["status"] == "Deploying"
    emulator.clock.advance(40)
    assert api.ok("endpoint_info", project="p", endpoint="ep")["status"] == "Live"
    assert _usage(api)["used_rdus"] == 8


def test_stopping_or_deleting_an_endpoint_frees_its_rdus(emulator: Emulator, api: Api) -> None:
    start_endpoint(api, endpoint_name="a")
    start_endpoint(api, endpoint_name="b")
    emulator.clock.advance(60)
    statuses = {e["name"]: e["status"] for e in api.ok("list_endpoints")["endpoints"]}
    assert statuses == {"a": "Live", "b": "AwaitingRDU"}
    api.ok("stop_endpoint", project="p", endpoint="a")
    assert api.ok("endpoint_info", project="p", endpoint="b")["status"] == "Deploying"
    api.ok("update_endpoint", project="p", endpoint="a", instances=1)  # restart: waits now
    assert api.ok("endpoint_info", project="p", endpoint="a")["status"] == "AwaitingRDU"
    api.ok("delete_endpoint", project="p", endpoint="b")
    assert api.ok("endpoint_info", project="p", endpoint="a")["status"] == "Deploying"


def test_first_come_first_served_and_too_large_never_blocks(emulator: Emulator, api: Api) -> None:
    api.ok("update_tenant", tenant_name="default", rdu_node_count=2)
    start_job(api, job_name="small")
    emulator.clock.advance(1)
    start_job(api, job_name="big", parallel_instances=2)  # 16 RDUs: waits for the small one
    emulator.clock.advance(1)
    start_job(api, job_name="later")  # 8 RDUs would fit now, but the big one came first
    start_job(api, job_name="huge", parallel_instances=3)  # more than the tenant has
    emulator.clock.advance(30)
    status = {name: _status(api, name) for name in ("small", "big", "later", "huge")}
    assert status == {
        "small": "TRAINING",
        "big": "PENDING_RDU",
        "later": "PENDING_RDU",
        "huge": "PENDING_RDU",
    }
    emulator.clock.advance(60)  # the small one ended at 72: the big one holds all 16
    assert (_status(api, "big"), _status(api, "later")) == ("TRAINING", "PENDING_RDU")
    emulator.clock.advance(3600)
    assert [_status(api, n) for n in ("big", "later", "huge")] == [
        "EXIT_WITH_0",
        "EXIT_WITH_0",
        "PENDING_RDU",
    ]


def test_capacity_changes_start_waiting_work_but_never_strand_held_rdus(
    emulator: Emulator, api: Api
) -> None:
    start_job(api, job_name="first")
    start_job(api, job_name="second")
    emulator.clock.advance(30)
    shrink = api("update_tenant", tenant_name="default", rdu_node_count=0)
    assert shrink.status_code == 409
    assert "holds 8 RDUs" in shrink.json()["detail"]
    api.ok("update_tenant", tenant_name="default", rdu_node_count=2)
    assert _status(api, "second") == "PENDING_RDU"  # granted now, working 10 s later
    emulator.clock.advance(10)
    assert _status(api, "second") == "TRAINING"
    assert api.ok("admin_resource_usage")["used_rdus"] == 16


def test_the_default_capacity_is_configurable() -> None:
    with Emulator(port=0, rdu_nodes=3) as emu:
        emu.add_tenant("other")
        assert {t["rdu_node_count"] for t in emu.state.store.list("tenant")} == {3}


def test_claims_of_one_moment_are_served_in_arrival_order_not_by_id() -> None:
    # A frozen clock gives two claims the same moment; "b" arrived first but sorts last.
    def claim(doc_id: str) -> _capacity.Claim:
        return _capacity.Claim("job", doc_id, 0, 8, 0.0, None, lambda _: _capacity.NEVER)

    arrival = {_capacity.ticket("job", "b"): 0, _capacity.ticket("job", "a"): 1}
    grants, _ = _capacity.schedule(8, [claim("a"), claim("b")], 0.0, 0.0, arrival)
    assert [granted.doc_id for granted, _ in grants] == ["b"]
