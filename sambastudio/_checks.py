"""Checks of argument types that the wire would otherwise take as something else.

A string passed where a list is expected is iterated letter by letter, ``"yes"`` for a
boolean is truthy, and a string for a mapping is sent as is: each is refused here, before
any request, with a ``TypeError`` naming the argument. Every public method of the object
model is checked against its own annotations (:class:`CheckedArguments`); the ``check_*``
functions serve code that takes arguments from elsewhere (the shim, the CLI).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from collections.abc import Callable as CallableABC
from os import PathLike
from types import UnionType
from typing import (
    Any,
    Final,
    ForwardRef,
    Literal,
    ParamSpec,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from typing_extensions import Self, is_typeddict

from sambastudio.errors import ArgumentTypeError, InvalidArgumentError

T = TypeVar("T")
P = ParamSpec("P")


def _refuse(argument: str, expected: str, value: object) -> ArgumentTypeError:
    return ArgumentTypeError(argument, f"{argument} must be {expected}, not {type(value).__name__}")


def check_bool(argument: str, value: bool) -> bool:
    if not isinstance(value, bool):
        raise _refuse(argument, "True or False", value)
    return value


def check_text(argument: str, value: str) -> str:
    """A string, possibly empty (descriptions, optional labels)."""
    if not isinstance(value, str):
        raise _refuse(argument, "a string", value)
    return value


def check_mapping(argument: str, value: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if value is not None and not isinstance(value, Mapping):
        raise _refuse(argument, "a dict", value)
    return value


def check_list(argument: str, value: Sequence[T]) -> list[T]:
    """A list or tuple, never a string (which would be taken letter by letter)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise _refuse(argument, f"a list (e.g. {argument}=[...])", value)
    return list(value)


# ------------------------------------------------------------ checks from the signature
#
# The type annotations of a public method are its declaration of what each argument may
# be: :class:`CheckedArguments` checks every call against them before the method runs,
# so a new method is covered the moment it is written.

_UNCHECKED: Final = object()
"""An annotation the checks cannot read (a name only imported for type checkers)."""


def _resolve(annotation: Any, namespace: Mapping[str, Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    import sambastudio  # the public names, for annotations imported under TYPE_CHECKING

    try:
        return eval(annotation, {**vars(sambastudio), **namespace})  # noqa: S307 - own code
    except Exception:  # an unreadable annotation is left unchecked
        return _UNCHECKED


def _bound(hint: TypeVar, namespace: Mapping[str, Any]) -> Any:
    bound = hint.__bound__
    if isinstance(bound, ForwardRef):
        bound = _resolve(bound.__forward_arg__, namespace)
    return Any if bound is None else bound


def _alternatives(hint: Any, namespace: Mapping[str, Any], owner: object = None) -> list[Any]:
    """The members of a union (nested ones flattened), TypeVars replaced by the ``model``
    of the method's owner (a collection's ``_model``) or else by their bound."""
    if isinstance(hint, TypeVar):
        model = getattr(owner, "_model", None)
        return (
            [model]
            if isinstance(model, type)
            else _alternatives(_bound(hint, namespace), namespace)
        )
    if get_origin(hint) in (Union, UnionType):
        return [alt for arg in get_args(hint) for alt in _alternatives(arg, namespace, owner)]
    return [hint]


_TEXT: Final = (str, bytes)


def _conforms(value: Any, hint: Any, namespace: Mapping[str, Any]) -> bool:
    if type(value) is hint:  # the common case, and always right: a str for a str
        return True
    if hint in (Any, object, _UNCHECKED, Self) or isinstance(hint, TypeVar):
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = get_origin(hint) or hint
    if origin is Literal:
        return value in get_args(hint)
    if is_typeddict(hint):
        return isinstance(value, Mapping) and _fits_typeddict(value, hint, namespace)
    if origin is bool:
        return isinstance(value, bool)
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if origin in (Mapping, dict):
        return isinstance(value, Mapping)
    if origin in (list, tuple, Sequence):
        return isinstance(value, (list, tuple)) and _items_conform(value, hint, namespace)
    if origin in (Iterable, Collection):
        return isinstance(value, Iterable) and not isinstance(value, (*_TEXT, Mapping))
    if origin is CallableABC:
        return callable(value)
    if isinstance(origin, type):
        return isinstance(value, origin)
    return True


def _items_conform(value: Sequence[Any], hint: Any, namespace: Mapping[str, Any]) -> bool:
    args = get_args(hint)
    if not args or get_origin(hint) is tuple:
        return True
    return all(
        any(_conforms(item, alt, namespace) for alt in _alternatives(args[0], namespace))
        for item in value
    )


def _fits_typeddict(value: Mapping[str, Any], hint: Any, namespace: Mapping[str, Any]) -> bool:
    fields = get_type_hints(hint)
    return hint.__required_keys__ <= value.keys() and all(
        any(_conforms(item, alt, namespace) for alt in _alternatives(fields[key], namespace))
        for key, item in value.items()
        if key in fields
    )


def _describe(hint: Any) -> str:
    origin = get_origin(hint) or hint
    if hint is None or hint is type(None):
        return "None"
    if origin is Literal:
        return "one of " + ", ".join(repr(choice) for choice in get_args(hint))
    if is_typeddict(hint):
        keys = ", ".join(sorted(hint.__required_keys__))
        return f"a dict with {keys}" if keys else "a dict"
    names = {
        bool: "True or False",
        int: "an integer",
        float: "a number",
        str: "a string",
        bytes: "bytes",
        Mapping: "a dict",
        dict: "a dict",
        list: "a list",
        tuple: "a list",
        Sequence: "a list",
        Iterable: "a list",
        Collection: "a list",
        CallableABC: "a function",
        PathLike: "a path",
    }
    if origin in names:
        return names[origin]
    kind = getattr(origin, "kind", None)
    return f"a {kind}" if isinstance(kind, str) else f"a {getattr(origin, '__name__', origin)}"


def check_argument(
    argument: str, value: Any, hint: Any, namespace: Mapping[str, Any], owner: object = None
) -> None:
    """Raise ``TypeError`` (a wrong type) or ``InvalidArgumentError`` (a value outside a
    ``Literal``'s choices) naming ``argument`` unless ``value`` fits ``hint``.

    A string never fits a list (it would be taken letter by letter), nor ``True`` an
    integer, unless the annotation says so.
    """
    _check_alternatives(argument, value, _alternatives(hint, namespace, owner), namespace)


def _check_alternatives(
    argument: str, value: Any, alternatives: list[Any], namespace: Mapping[str, Any]
) -> None:
    if any(_conforms(value, alt, namespace) for alt in alternatives):
        return
    expected = " or ".join(dict.fromkeys(_describe(alt) for alt in alternatives))
    choices = [alt for alt in alternatives if get_origin(alt) is Literal]
    if any(type(value) is type(choice) for alt in choices for choice in get_args(alt)):
        raise InvalidArgumentError(argument, f"{argument} must be {expected}, not {value!r}")
    raise _refuse(argument, expected, value)


def checked(method: Callable[P, T]) -> Callable[P, T]:
    """``method`` checking its arguments against its annotations before it runs.

    This runs on every public call of the object model, so what can be worked out once is:
    the annotations (at the first call: they may name later classes), each one's
    alternatives per class of ``self`` (a collection's model), and, for calls that name
    each argument once, which value goes with which parameter (``Signature.bind`` only
    for the rest).
    """
    signature = inspect.signature(method)
    parameters = signature.parameters.values()
    by_position = [
        p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    by_keyword = frozenset(
        p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )
    required = frozenset(
        p.name
        for p in parameters
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    )
    namespace = method.__globals__
    hints: dict[str, Any] = {}
    alternatives: dict[tuple[str, type], list[Any]] = {}

    def read_hints() -> dict[str, Any]:
        if not hints:
            hints.update(
                {
                    name: _resolve(parameter.annotation, namespace)
                    for name, parameter in signature.parameters.items()
                    if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
                    and parameter.annotation is not parameter.empty
                    and name != "self"
                }
            )
        return hints

    def arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Each parameter's value; ``TypeError`` for a call Python would refuse."""
        if len(args) <= len(by_position) and kwargs.keys() <= by_keyword:
            given = dict(zip(by_position, args, strict=False))
            if not kwargs.keys() & given.keys():
                given.update(kwargs)
                if required <= given.keys():
                    return given
        return signature.bind(*args, **kwargs).arguments

    @functools.wraps(method)
    def checking(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            given = arguments(args, kwargs)
        except TypeError:
            return method(*args, **kwargs)  # Python's own message for a wrong call
        owner = given.get("self")
        for name, hint in read_hints().items():
            if name in given:
                key = (name, type(owner))
                if key not in alternatives:
                    alternatives[key] = _alternatives(hint, namespace, owner)
                _check_alternatives(name, given[name], alternatives[key], namespace)
        return method(*args, **kwargs)

    return checking


class CheckedArguments:
    """Base of every class whose methods users call: each public method a subclass defines
    checks its arguments against its annotations (see :func:`checked`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(member):
                setattr(cls, name, checked(member))
