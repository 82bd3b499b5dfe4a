"""Many clients at once: no 5xx without injected faults, and the state adds up afterwards."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sambastudio.emulator import Emulator
from tests.emulator.conftest import Api
from tests.emulator.helpers import add_dataset, endpoint_args, job_args

THREADS = 32
REQUESTS_PER_THREAD = 100


def worker(emulator: Emulator, number: int) -> tuple[Counter[int], set[str], set[str]]:
    """Mixed traffic in its own project; returns statuses, and the jobs and keys it kept."""
    api = Api(emulator)
    rng = random.Random(number)
    project = f"p{number}"
    statuses: Counter[int] = Counter()
    jobs: set[str] = set()
    keys: set[str] = set()

    def call(route: str, **args: object) -> dict[str, object]:
        response = api(route, **args)
        statuses[response.status_code] += 1
        return response.json() if response.headers.get("content-type") == "application/json" else {}

    call("create_project", project_name=project, description="")
    endpoint = call("create_endpoint", **endpoint_args(project=project))
    for step in range(REQUESTS_PER_THREAD - 2):
        choice = rng.random()
        if choice < 0.2:
            name = f"j{step}"
            call("create_job", **job_args(project=project, job_name=name))
            jobs.add(name)
        elif choice < 0.35 and jobs:
            call("job_info", project=project, job=rng.choice(sorted(jobs)))
        elif choice < 0.45 and jobs:
            call("list_checkpoints", project=project, job=rng.choice(sorted(jobs)))
        elif choice < 0.5 and jobs:
            name = rng.choice(sorted(jobs))
            call("delete_job", project=project, job=name)
            jobs.discard(name)
        elif choice < 0.6:
            key = f"key-{number:02d}-{step:03d}"
            call(
                "add_endpoint_api_key",
                project_id=project,
                endpoint_id=endpoint["id"],
                api_key=key,
                description="",
            )
            keys.add(key)
        elif choice < 0.65:
            emulator.clock.advance(rng.uniform(0, 20))
            call("list_jobs", project_id=project)
        elif choice < 0.75:
            call("list_projects")
        elif choice < 0.85:
            call("endpoint_info", project=project, endpoint="ep")
        elif choice < 0.9:
            call("create_project", project_name=project, description="")  # a 409 on purpose
        else:
            call("list_jobs", project_id=project)
    api.session.close()
    return statuses, jobs, keys


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """RDUs for every job and endpoint at once: this test is about concurrency, not queues."""
    with Emulator(port=0, seed=0, rdu_nodes=1024) as emu:
        yield emu


@pytest.mark.timeout(120)  # 3,200 requests: seconds alone, far more beside other test runs
def test_concurrent_clients_see_no_5xx_and_consistent_state(emulator: Emulator) -> None:
    add_dataset(emulator)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda n: worker(emulator, n), range(THREADS)))
    statuses = sum((r[0] for r in results), Counter())
    assert sum(statuses.values()) == THREADS * REQUESTS_PER_THREAD, statuses
    assert all(code < 500 for code in statuses), statuses
    assert set(statuses) <= {200, 409}, statuses
    emulator.clock.advance(3600)
    api = Api(emulator)
    assert len(api.ok("list_projects")["projects"]) == THREADS
    for number, (_, jobs, keys) in enumerate(results):
        project = f"p{number}"
        listed = api.ok("list_jobs", project_id=project)["jobs"]
        assert {job["job_name"] for job in listed} == jobs
        assert all(job["status"] == "EXIT_WITH_0" for job in listed)
        endpoint = api.ok("endpoint_info", project=project, endpoint="ep")
        assert endpoint["status"] == "Live"
        assert {k["api_key"] for k in endpoint["api_keys"]} - {endpoint["api_key"]} == keys
    api.session.close()
    store = emulator.state.store
    by_job: dict[str, list[int]] = {}
    for checkpoint in store.list("checkpoint"):
        by_job.setdefault(checkpoint["job_id"], []).append(checkpoint["steps"])
    assert {job["id"] for job in store.list("job")} == set(by_job)
    assert all(sorted(steps) == [5, 10, 15, 20] for steps in by_job.values())
