"""Every argument of every public method of the object model, given a wrong type, is refused
with a TypeError/ValueError naming it, before any request.

The methods are found by introspection (every class of ``sambastudio.resources`` that users
call methods on), so a method added tomorrow is covered without touching this file. The
client talks to a local HTTP server that answers nothing: it only counts requests.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from os import PathLike
from typing import Any, Literal, NamedTuple, TypeVar, get_args, get_origin

import pytest
from pydantic import BaseModel
from pytest_httpserver import HTTPServer
from typing_extensions import is_typeddict

import sambastudio
import sambastudio.resources
from sambastudio import Client
from sambastudio._base import Collection, Resource
from sambastudio._collection import Scoped
from sambastudio._declaration import declaration


class Case(NamedTuple):
    owner: type
    method: str
    argument: str
    hint: Any


def _classes() -> Iterator[type]:
    """Classes users call methods on: resources, collections and their helpers (not plain
    records, typed dicts or wire descriptions)."""
    for module_info in pkgutil.iter_modules(sambastudio.resources.__path__):
        module = importlib.import_module(f"sambastudio.resources.{module_info.name}")
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            if is_typeddict(cls) or (issubclass(cls, BaseModel) and not issubclass(cls, Resource)):
                continue
            if issubclass(cls, Resource) or any(
                p.name == "client" or issubclass(p.annotation, Resource) for p in _init_params(cls)
            ):
                yield cls


def _init_params(cls: type) -> list[inspect.Parameter]:
    hints = typing.get_type_hints(cls.__init__, localns=vars(sambastudio))
    return [
        p.replace(annotation=hints.get(name, Any))
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self"
    ]


def _public_methods(cls: type) -> Iterator[tuple[str, Callable[..., Any]]]:
    for name in dir(cls):
        member = inspect.getattr_static(cls, name)
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        if member.__module__.startswith("sambastudio"):
            yield name, member


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    return typing.get_type_hints(inspect.unwrap(function), localns=vars(sambastudio))


def _cases() -> list[Case]:
    cases = []
    for cls in _classes():
        for name, function in _public_methods(cls):
            hints = _hints(function)
            for parameter in inspect.signature(function).parameters.values():
                if parameter.name == "self" or parameter.kind in (
                    parameter.VAR_POSITIONAL,
                    parameter.VAR_KEYWORD,
                ):
                    continue
                hint = hints.get(parameter.name, Any)
                if hint is not Any:
                    cases.append(Case(cls, name, parameter.name, hint))
    return cases


CASES = _cases()


def _alternatives(hint: Any) -> list[Any]:
    if get_origin(hint) in (typing.Union, types.UnionType):
        return [alt for arg in get_args(hint) for alt in _alternatives(arg)]
    return [hint]


def _resource(cls: type[Resource], client: Client) -> Resource:
    fields = {"id": "i", "name": "n", "project_id": "p", "job_id": "j", "endpoint_id": "e"}
    return cls.model_construct(**fields).attach(client)  # type: ignore[no-any-return]


def _sample(hint: Any, client: Client) -> Any:
    """A value of the right type for ``hint``."""
    alternative = _alternatives(hint)[0]
    origin = get_origin(alternative) or alternative
    if isinstance(alternative, TypeVar):
        return "n"
    if origin is Literal:
        return get_args(alternative)[0]
    if is_typeddict(alternative):
        fields = typing.get_type_hints(alternative)
        return {key: _sample(fields[key], client) for key in alternative.__required_keys__}
    if origin in (list, tuple, Sequence, Iterable):
        args = get_args(alternative)
        return [_sample(args[0], client)] if args else []
    if origin is Client:
        return client
    if isinstance(origin, type) and issubclass(origin, Resource):
        return _resource(origin, client)
    if isinstance(origin, type) and issubclass(origin, BaseModel):  # a value object: S3Source
        return origin.model_construct()
    simple = {
        str: "n",
        int: 1,
        float: 1.0,
        bool: True,
        dict: {},
        Mapping: {},
        PathLike: "n",
        datetime: datetime.now(timezone.utc),
        type(None): None,
    }
    if origin in simple:
        return simple[origin]
    if origin is typing.get_origin(Callable[[], None]):
        return lambda *_: None
    raise AssertionError(f"no sample for {hint!r}: teach this test the new type")


def _owner(cls: type, client: Client) -> Any:
    if issubclass(cls, Resource):
        return _resource(cls, client)
    if issubclass(cls, Scoped):  # the client, then the ids of the parents its scope declares
        return cls(client, *("n" for _ in declaration(cls).scope.parents))
    arguments = {
        p.name: client if p.name == "client" else _sample(p.annotation, client)
        for p in _init_params(cls)
    }
    return cls(**arguments)


def _wrong_values(hint: Any) -> list[Any]:
    """``object()`` fits no annotation; a string fits none that names no plain ``str``."""
    values: list[Any] = [object()]
    if not any(alt in (str, Any) or isinstance(alt, TypeVar) for alt in _alternatives(hint)):
        values.append("wrong")
    return values


def test_every_collection_and_resource_is_covered() -> None:
    owners = {case.owner.__name__ for case in CASES}
    assert {"Projects", "ProjectJobs", "Models", "Users", "Tenants", "Notifications"} <= owners
    assert {"Job", "Endpoint", "Checkpoint", "ApiKey", "Model"} <= owners
    assert {c.__name__ for c in _classes() if issubclass(c, Collection)} <= owners


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.owner.__name__}.{c.method}-{c.argument}" for c in CASES]
)
def test_a_wrong_type_is_refused_before_any_request(case: Case, httpserver: HTTPServer) -> None:
    client = Client(host_url=httpserver.url_for("/"), access_key="k-0123456789", max_retries=0)
    owner = _owner(case.owner, client)
    method = getattr(owner, case.method)
    parameters = inspect.signature(method).parameters
    hints = _hints(method)
    required = {
        name: _sample(hints.get(name, Any), client)
        for name, p in parameters.items()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    for wrong in _wrong_values(case.hint):
        with pytest.raises((TypeError, ValueError)) as caught:
            method(**{**required, case.argument: wrong})
        assert case.argument in str(caught.value), caught.value
        assert getattr(caught.value, "argument", case.argument) == case.argument
    assert httpserver.log == []
