"""No path argument may address another resource: empty, ``.``, ``..`` or a ``/``.

Each route with a path argument is checked in both layers, and the attacks that reached
another resource before are replayed against an emulator: nothing may be sent, and the
victim must still be there afterwards.
"""

from __future__ import annotations

import inspect
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sambastudio import Client
from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES, Route, WireRequest
from sambastudio.compat import SnSdk, SnSdkDeprecationWarning
from sambastudio.emulator import Emulator
from sambastudio.errors import PathArgumentError
from sambastudio.resources.checkpoints import Checkpoints

BAD_SEGMENTS = ("", ".", "..", " ", "a/b", "../x", "x/..")
BAD_NESTED = ("", ".", "..", "a/../b", "a//b", "/a", "a/.")
PATH_ROUTES = [route for route in ROUTES.values() if route.path_params()]


def _bad_values(route: Route, name: str) -> tuple[str, ...]:
    return BAD_NESTED if route.arg(name).nested else BAD_SEGMENTS


def _cases() -> list[Any]:
    return [
        pytest.param(route, arg.name, value, id=f"{route.name}-{arg.name}-{value!r}")
        for route in PATH_ROUTES
        for arg in route.args
        if arg.where == "path"
        for value in _bad_values(route, arg.name)
    ]


def _filled(route: Route) -> dict[str, Any]:
    """A valid value for every argument that needs one."""
    values: dict[str, Any] = {}
    for arg in route.args:
        if arg.where == "path":
            values[arg.name] = "ok"
        elif arg.where == "raw":
            values[arg.name] = b""
        elif arg.where == "multipart":
            values[arg.name] = ("f", io.BytesIO(b""))
        elif arg.where == "header":
            values[arg.name] = "k-0123456789"
    return values


@pytest.fixture
def no_requests(monkeypatch: pytest.MonkeyPatch) -> list[WireRequest]:
    sent: list[WireRequest] = []

    def refuse(self: Pipeline, request: WireRequest, **options: Any) -> Any:
        sent.append(request)
        raise AssertionError(f"{request.method} {request.path} was sent")

    monkeypatch.setattr(Pipeline, "send", refuse)
    return sent


@pytest.mark.parametrize(("route", "name", "value"), _cases())
def test_every_route_refuses_a_path_argument_addressing_another_resource(
    route: Route, name: str, value: str, no_requests: list[WireRequest]
) -> None:
    client = Client(host_url="http://127.0.0.1:9", access_key="k-0123456789")
    with pytest.raises(PathArgumentError) as raised:
        client._request(route.name, **{**_filled(route), name: value})
    assert raised.value.argument == name
    assert isinstance(raised.value, ValueError)
    assert no_requests == []


def test_a_file_inside_a_folder_keeps_its_slashes() -> None:
    wire = ROUTES["upload_part_file"].bind(
        file_path="sub/train.jsonl", folder_id="f", part_number=1, upload_id="u", file=b""
    )
    assert wire.path.endswith("/sub%2Ftrain.jsonl")


@pytest.mark.parametrize("value", [None, True, 1.5, ["a"], {"a": 1}, object()])
def test_a_path_argument_of_the_wrong_type_is_a_type_error_naming_it(value: object) -> None:
    with pytest.raises(TypeError, match="'project'"):
        ROUTES["project_info"].bind(project=value)


# --------------------------------------------------------------------------- the shim

_SHIM_VALUES: dict[str, Any] = {
    "job_type": "train",
    "storage_type": "local",
    "hyperparams": "{}",
    "load_state": False,
    "instances": 1,
    "parallel_instances": 1,
    "part_number": 1,
    "chunk_size": 1,
    "random_sample_limit": -1,
    "rdu_node_count": 1,
    "input": ["hi"],
    "status": "Active",
    "file": b"",
}


def _shim_cases() -> list[Any]:
    cases = []
    for route in PATH_ROUTES:
        method = getattr(SnSdk, route.name, None)
        if method is None:
            continue
        parameters = inspect.signature(method).parameters
        for arg in route.args:
            if arg.where == "path" and arg.name in parameters:
                for value in _bad_values(route, arg.name):
                    cases.append(
                        pytest.param(route.name, arg.name, value, id=f"{route.name}-{value!r}")
                    )
    return cases


def _shim_arguments(method_name: str, tmp_path: Path) -> dict[str, Any]:
    parameters = inspect.signature(getattr(SnSdk, method_name)).parameters
    arguments: dict[str, Any] = {}
    for name, parameter in list(parameters.items())[1:]:
        if parameter.default is not inspect.Parameter.empty and name not in _SHIM_VALUES:
            continue
        if name == "file_path" and method_name == "nlp_predict_file":
            source = tmp_path / "input.txt"
            source.write_text("hi\n")
            arguments[name] = str(source)
        elif name == "dest_dir":
            arguments[name] = str(tmp_path)
        else:
            arguments[name] = _SHIM_VALUES.get(name, "ok")
    return arguments


def test_the_shim_covers_most_path_routes() -> None:
    assert len({case.values[0] for case in _shim_cases()}) >= 40


@pytest.mark.parametrize(("method", "name", "value"), _shim_cases())
def test_every_shim_method_returns_its_error_dict_for_such_a_path_argument(
    method: str, name: str, value: str, no_requests: list[WireRequest], tmp_path: Path
) -> None:
    sdk = SnSdk("http://127.0.0.1:9", "k-0123456789")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnSdkDeprecationWarning)
        result = getattr(sdk, method)(**{**_shim_arguments(method, tmp_path), name: value})
    assert result["status_code"] == 400, result
    assert result["argument"] == name
    assert name in result["detail"]
    assert no_requests == []


# ------------------------------------------------------------- the attacks, replayed


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(seed=3) as emu:
        yield emu


@pytest.fixture
def sdk(emulator: Emulator) -> Iterator[SnSdk]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnSdkDeprecationWarning)
        yield SnSdk(emulator.url, emulator.access_key)


def _project(sdk: SnSdk, name: str) -> str:
    assert sdk.create_project(name, "victim")["status_code"] == 200
    return name


def _still_there(sdk: SnSdk, project: str) -> None:
    assert sdk.project_info(project)["status_code"] == 200


def test_delete_job_dot_dot_leaves_the_project(sdk: SnSdk) -> None:
    victim = _project(sdk, "victim-job")
    assert sdk.delete_job(victim, "..")["status_code"] == 400
    _still_there(sdk, victim)


def test_delete_endpoint_dot_dot_leaves_the_project(sdk: SnSdk) -> None:
    victim = _project(sdk, "victim-endpoint")
    assert sdk.delete_endpoint(victim, "..")["status_code"] == 400
    _still_there(sdk, victim)


def test_job_info_dot_dot_does_not_return_the_project(sdk: SnSdk) -> None:
    victim = _project(sdk, "victim-info")
    result = sdk.job_info(victim, "..")
    assert result["status_code"] == 400
    assert "victim-info" not in str({k: v for k, v in result.items() if k != "detail"})


def test_project_info_of_nothing_does_not_return_the_list(sdk: SnSdk) -> None:
    result = sdk.project_info("")
    assert result["status_code"] == 400
    assert set(result) == {"detail", "argument", "status_code", "headers"}


def test_checkpoint_delete_dot_dot_sends_nothing(
    emulator: Emulator, no_requests: list[WireRequest]
) -> None:
    client = Client(host_url=emulator.url, access_key=emulator.access_key)
    with pytest.raises(PathArgumentError, match="checkpoint"):
        Checkpoints(client, "p", "j").delete("..")
    assert no_requests == []


def test_user_delete_dot_dot_sends_nothing(
    emulator: Emulator, no_requests: list[WireRequest]
) -> None:
    client = Client(host_url=emulator.url, access_key=emulator.access_key)
    with pytest.raises(PathArgumentError, match="user"):
        client.users.delete("..")
    assert no_requests == []
