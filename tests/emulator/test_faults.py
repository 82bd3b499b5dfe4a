"""Fault injection and latency: rates, kinds, per-route selection, determinism."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest
import requests

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from sambastudio.emulator._app import create_app
from sambastudio.emulator._faults import SHARED_REQUESTS, FaultInjection, targeted_by
from sambastudio.emulator._state import Config, EmulatorState
from tests.emulator.conftest import Api

REQUESTS = 300


def outcomes(
    emulator: Emulator, route: str = "get_feature_list", count: int = REQUESTS
) -> list[str]:
    api = Api(emulator)
    seen = []
    for _ in range(count):
        try:
            response = api(route)
        except requests.ConnectionError:
            seen.append("drop")
            continue
        seen.append(str(response.status_code))
        if response.status_code == 429:
            assert response.headers["retry-after"] == "1"
        if response.status_code >= 500:
            assert "injected fault" in response.json()["detail"]
    api.session.close()
    return seen


def test_faults_follow_the_rate_and_cover_every_kind() -> None:
    with Emulator(seed=7, fault_rate=0.3) as emulator:
        counts = Counter(outcomes(emulator))
    injected = REQUESTS - counts["200"]
    assert 0.2 * REQUESTS <= injected <= 0.4 * REQUESTS, counts
    assert set(counts) == {"200", "500", "502", "503", "429", "drop"}


def test_the_same_seed_gives_the_same_faults() -> None:
    runs = []
    for _ in range(2):
        with Emulator(seed=11, fault_rate=0.5) as emulator:
            runs.append(outcomes(emulator, count=60))
    assert runs[0] == runs[1]
    with Emulator(seed=12, fault_rate=0.5) as emulator:
        assert outcomes(emulator, count=60) != runs[0]


def test_faults_can_target_chosen_routes_and_happen_before_any_change() -> None:
    with Emulator(seed=1, fault_rate=1.0, fault_routes={"create_project"}) as emulator:
        api = Api(emulator)
        for attempt in range(10):
            try:
                response = api("create_project", project_name=f"p{attempt}", description="")
            except requests.ConnectionError:
                continue
            assert response.status_code in (429, 500, 502, 503)
        assert api.ok("list_projects") == {"projects": []}
        assert api("get_feature_list").status_code == 200


def test_no_faults_without_a_rate(emulator: Emulator) -> None:
    assert set(outcomes(emulator, count=50)) == {"200"}


def test_latency_delays_each_request() -> None:
    with Emulator(latency_ms=60) as emulator:
        api = Api(emulator)
        started = time.perf_counter()
        api.ok("get_feature_list")
        assert time.perf_counter() - started >= 0.06


@pytest.mark.parametrize(
    "options",
    [
        {"fault_rate": 1.5},
        {"fault_rate": -0.1},
        {"fault_routes": {"no_such_route"}},
        {"speed": -1},
        {"latency_ms": -1},
        {"flavor": "future"},
    ],
)
def test_bad_options_are_refused_up_front(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (each option has its own message)
        Emulator(**options)  # type: ignore[arg-type]


def _sample_path(template: str) -> str:
    return re.sub(r"\{(\w+)(:[^}]*)?\}", "x1", template)


def test_every_operation_can_be_targeted() -> None:
    """A request built from each route's own template is served by that route, so a fault
    aimed at the route meets it (a more general route registered first would take it)."""
    state = EmulatorState(Config())
    app = create_app(state)
    faults = FaultInjection(app, config=state.config, router=app.router)
    for name, route in ROUTES.items():
        scope = {"type": "http", "method": route.method, "path": _sample_path(route.path)}
        served = faults.route_name(scope)
        assert served is not None, name
        assert name in targeted_by(served), (name, served)


def _faulted(emulator: Emulator, route: str, **args: str) -> bool:
    api = Api(emulator)
    try:
        status = api(route, project="p", job="j", **args).status_code
    except requests.ConnectionError:
        return True
    finally:
        api.session.close()
    assert status in (404, 429, 500, 502, 503), status  # 404: no such project, no fault
    return status != 404


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("download_results", {"download_results": True, "logs": False, "results": True}),
        ("download_logs", {"download_results": False, "logs": True, "results": False}),
        ("download_job_artifacts", {"download_results": True, "logs": True, "results": True}),
    ],
)
def test_each_download_can_be_targeted(target: str, expected: dict[str, bool]) -> None:
    with Emulator(seed=3, fault_rate=1.0, fault_routes={target}) as emulator:
        met = {
            "download_results": _faulted(emulator, "download_results"),
            "logs": _faulted(emulator, "download_logs")
            and _faulted(emulator, "download_job_artifacts", artifact_type="logs"),
            "results": _faulted(emulator, "download_job_artifacts", artifact_type="results"),
        }
    assert met == expected


def test_shared_requests_are_what_the_route_table_says() -> None:
    artifacts = ROUTES["download_job_artifacts"]
    for kind, shared in (("results", "download_results"), ("logs", "download_logs")):
        assert artifacts.path.replace("{artifact_type}", kind) == ROUTES[shared].path
        assert artifacts.method == ROUTES[shared].method
        assert shared in SHARED_REQUESTS["download_job_artifacts"]
    assert set(SHARED_REQUESTS) == {"download_job_artifacts"}
