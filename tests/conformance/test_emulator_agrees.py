"""The emulator answers with the keys a real SambaStudio answered with (the fixtures in ``data/``).

For each fixture and each flavor it names (``legacy``: 2024 shapes, ``current``: 2025), the
emulator is brought to the same situation and asked the same operation. Every key of the
real answer must be in the emulator's, at the same nesting (dicts inside dicts, the first
entry of a non-empty list inside the first entry of the emulator's list), and the status
must be the same. Only keys are compared: the fixtures' values are placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sambastudio.emulator import Emulator, _jobs
from tests.conformance.test_real_answers import DATA, fixture
from tests.emulator.conftest import Api
from tests.emulator.helpers import add_dataset, endpoint_args, job_args, start_job

Situation = Callable[[Api, pytest.MonkeyPatch], Any]


def _project(api: Api) -> dict[str, Any]:
    created: dict[str, Any] = api.ok("create_project", project_name="p", description="")
    return created


def _new_job(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    _project(api)
    add_dataset(api.emulator, "squad")
    return api("create_job", **job_args())


def _search_project(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    _project(api)
    return api("search_project", project_name="p")


def _duplicate_job(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    start_job(api)
    return api("create_job", **job_args())


def _internal_error(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A bug behind the gateway: grpc code 13 with a daas.v2.SSError entry."""
    _project(api)
    add_dataset(api.emulator, "squad")

    def broken(*_: Any) -> None:
        raise RuntimeError("the scheduler is down")

    monkeypatch.setattr(_jobs, "claim", broken)
    return api("create_job", **job_args())


def _forbidden_job(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    start_job(api)
    api.emulator.add_tenant("elsewhere")
    outsider = api.emulator.add_user("outsider", tenant="elsewhere")
    return api("job_info", project="p", job="ft", as_user=outsider, in_tenant="default")


def _training_job(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    start_job(api)
    api.emulator.clock.advance(60)
    return api("job_info", project="p", job="ft")


def _deleted_model(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    api.ok(
        "add_composite_model",
        name="bundle",
        description="",
        dependencies=[{"name": "Meta-Llama-3-8B-Instruct"}],
        rdu_required=8,
        config_params={},
        app="",
    )
    return api("delete_model", model="bundle")


def _new_endpoint(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    _project(api)
    return api("create_endpoint", **endpoint_args())


def _list_projects(api: Api, monkeypatch: pytest.MonkeyPatch) -> Any:
    _project(api)
    return api("list_projects")


SITUATIONS: dict[str, Situation] = {
    "create_endpoint": _new_endpoint,
    "create_job_created": _new_job,
    "create_job_duplicate": _duplicate_job,
    "create_job_internal": _internal_error,
    "delete_model": _deleted_model,
    "job_info_forbidden": _forbidden_job,
    "job_info_training": _training_job,
    "list_jobs_empty": lambda api, _: api("list_jobs"),
    "list_projects_2024": _list_projects,
    "list_projects_2025": _list_projects,
    "list_tenants": lambda api, _: api("list_tenants"),
    "search_project": _search_project,
}

CASES = [
    (name, flavor)
    for name in sorted(path.stem for path in DATA.glob("*.json"))
    for flavor in fixture(name)["flavors"]
]


def missing_keys(real: Any, ours: Any, where: str = "") -> list[str]:
    """The keys of ``real`` that ``ours`` lacks, as dotted paths (``[0]`` for list entries)."""
    if isinstance(real, dict):
        if not isinstance(ours, dict):
            return [f"{where or '<answer>'} (an object here, not {type(ours).__name__})"]
        return [
            found
            for key, value in real.items()
            for found in (
                missing_keys(value, ours[key], f"{where}.{key}".lstrip("."))
                if key in ours
                else [f"{where}.{key}".lstrip(".")]
            )
        ]
    if isinstance(real, list) and real and isinstance(real[0], dict):
        if not isinstance(ours, list) or not ours:
            return [f"{where}[0] (no entry to compare)"]
        return missing_keys(real[0], ours[0], f"{where}[0]")
    return []


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    with Emulator(port=0, seed=0, flavor=request.node.callspec.params["flavor"]) as emu:
        yield emu


@pytest.mark.parametrize(("name", "flavor"), CASES)
def test_the_emulator_answers_with_the_real_keys(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, name: str, flavor: str
) -> None:
    real = fixture(name)
    api = Api(emulator)
    response = SITUATIONS[name](api, monkeypatch)
    assert response.status_code == real["status"], response.text
    assert missing_keys(real["body"], response.json()) == []


def test_every_fixture_has_a_situation_and_a_known_flavor() -> None:
    assert set(SITUATIONS) == {path.stem for path in DATA.glob("*.json")}
    assert all(set(fixture(name)["flavors"]) <= {"current", "legacy"} for name, _ in CASES)


def test_missing_keys_finds_a_wrapped_answer() -> None:
    assert missing_keys({"job_id": 1, "config": {}}, {"data": {"job_id": 1}}) == [
        "job_id",
        "config",
    ]
    assert missing_keys({"a": [{"b": 1}]}, {"a": [{"c": 1}]}) == ["a[0].b"]
    assert missing_keys({"a": {"b": 1}}, {"a": "text"}) == ["a (an object here, not str)"]
