"""Fault injection and latency: rates, kinds, per-route selection, determinism."""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from typing import get_args

import pytest
import requests
from fastapi import FastAPI
from fastapi.routing import APIRoute

from sambastudio._routes import ROUTES
from sambastudio.emulator import Emulator
from sambastudio.emulator._app import create_app
from sambastudio.emulator._faults import FaultInjection
from sambastudio.emulator._state import Config, EmulatorState
from sambastudio.emulator._v2 import LAYOUT as V2_LAYOUT
from sambastudio.emulator._v2 import _rules
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


def _values(app: FastAPI) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per operation, the values of each path argument its handler accepts from a closed
    set (``Literal``); an open one (an id, a name) is sampled as ``x1``."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for route in app.router.routes:
        if isinstance(route, APIRoute) and route.name in ROUTES:
            found[route.name] = {
                param.name: get_args(param.field_info.annotation) or ("x1",)
                for param in route.dependant.path_params
            }
    return found


def _requests(template: str, values: dict[str, tuple[str, ...]]) -> list[str]:
    """Every path ``template`` makes from ``values`` (``x1`` for a placeholder not in it)."""
    parts = re.split(r"\{(\w+)[^}]*\}", template)  # literal, name, literal, name, ...
    literals, names = parts[0::2], parts[1::2]
    choices = [values.get(name, ("x1",)) for name in names]
    return [
        "".join(itertools.chain(*itertools.zip_longest(literals, chosen, fillvalue="")))
        for chosen in itertools.product(*choices)
    ]


def test_every_request_of_every_operation_is_served_by_that_operation() -> None:
    """A fault aimed at an operation meets every request it can send and no other's: no
    route's template takes another's requests (``{artifact_type}/download`` once took
    every ``logs/download``), as a more general route registered first would."""
    state = EmulatorState(Config())
    app = create_app(state)
    faults = FaultInjection(app, config=state.config, router=app.router)
    values = _values(app)
    for name, route in ROUTES.items():
        for path in _requests(route.path, values.get(name, {})):
            scope = {"type": "http", "method": route.method, "path": path}
            assert faults.route_name(scope) == name, (name, path)


def test_every_request_of_the_grpc_gateway_layout_reaches_its_own_operation() -> None:
    """The same at the v2 gateway, which takes the first of its paths a request matches."""
    rules = _rules()
    values = _values(create_app(EmulatorState(Config())))
    for name, template in V2_LAYOUT.items():
        method = ROUTES[name].method
        for path in _requests(template, values.get(name, {})):
            chosen = next(
                rule for rule in rules if rule.route.method == method and rule.pattern.match(path)
            )
            assert chosen.route.name == name, (name, path)


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


DOWNLOADS = {
    "download_results": {},
    "download_logs": {},
    "download_job_artifacts": {"artifact_type": "logs"},
}


@pytest.mark.parametrize("target", sorted(DOWNLOADS))
def test_a_fault_aimed_at_one_download_meets_only_that_one(target: str) -> None:
    with Emulator(seed=3, fault_rate=1.0, fault_routes={target}) as emulator:
        met = {name: _faulted(emulator, name, **args) for name, args in DOWNLOADS.items()}
    assert met == {name: name == target for name in DOWNLOADS}
