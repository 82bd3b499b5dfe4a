"""Hyperparameters checked against a model's metadata (api-evidence.md §1.6).

A job or endpoint gets the model's defaults for its job type and rdu_arch, overridden by
what the caller sent: only known, user-modifiable fields, with values of the right type
that meet the field's CONSTRAINTS. Values are kept as strings, as SambaStudio returns them.
"""

from __future__ import annotations

from typing import Any

from sambastudio.emulator._errors import ApiError, ss_error

Values = dict[str, str]


def _refuse(message: str) -> ApiError:
    return ApiError(400, message, details=[ss_error(message)])


def arch_for(model: dict[str, Any], job_type: str, rdu_arch: str) -> str:
    """The model's spelling of ``rdu_arch`` for ``job_type`` (matched case-insensitively)."""
    by_type = model.get("hyperparams", {})
    if job_type not in by_type:
        supported = ", ".join(sorted(by_type)) or "none"
        raise _refuse(
            f"model {model['name']} does not support job type {job_type} (supported: {supported})"
        )
    for arch in by_type[job_type]:
        if arch.lower() == rdu_arch.lower():
            return str(arch)
    raise _refuse(f"no valid images found for the model with mode {job_type} and arch {rdu_arch}")


def _coerce(field: str, datatype: str, value: Any) -> Any:
    text = str(value).strip()
    try:
        if datatype == "bool":
            if isinstance(value, bool) or text.lower() in ("true", "false"):
                return value if isinstance(value, bool) else text.lower() == "true"
            raise ValueError(text)
        if isinstance(value, bool):
            raise ValueError(text)
        if datatype == "int":
            number = float(text)
            if not number.is_integer():
                raise ValueError(text)
            return int(number)
        if datatype == "float":
            return float(text)
    except ValueError:
        raise _refuse(f"hyperparameter {field} must be of type {datatype}, not {value!r}") from None
    return text


def _check(field: str, value: Any, constraints: dict[str, Any] | None) -> None:
    limits = constraints or {}
    allowed = limits.get("values")
    if allowed is not None and value not in allowed and str(value) not in map(str, allowed):
        raise _refuse(f"hyperparameter {field} must be one of {allowed}, not {value!r}")
    bounds = {"ge": (">=", float.__ge__), "gt": (">", float.__gt__)}
    bounds.update({"le": ("<=", float.__le__), "lt": ("<", float.__lt__)})
    for key, (symbol, holds) in bounds.items():
        numeric = isinstance(value, (int, float))
        if key in limits and numeric and not holds(float(value), float(limits[key])):
            raise _refuse(f"hyperparameter {field} must be {symbol} {limits[key]}, not {value}")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def resolve(
    model: dict[str, Any], job_type: str, rdu_arch: str, given: dict[str, Any]
) -> tuple[str, Values, list[dict[str, Any]]]:
    """Check ``given`` and return the rdu_arch, the full values, and the fields' metadata."""
    arch = arch_for(model, job_type, rdu_arch)
    fields = model["hyperparams"][job_type][arch]["user_params"]
    by_name = {field["FIELD_NAME"]: field for field in fields}
    values = {
        name: str(field["TYPE_SPECIFIC_SETTINGS"][job_type]["DEFAULT"])
        for name, field in by_name.items()
    }
    for name, raw in given.items():
        field = by_name.get(name)
        if field is None:
            raise _refuse(
                f"unknown hyperparameter {name} for {job_type} on {arch} "
                f"(known: {', '.join(sorted(by_name))})"
            )
        if not field["TYPE_SPECIFIC_SETTINGS"][job_type]["USER_MODIFIABLE"]:
            if str(raw) == values[name]:
                continue
            raise _refuse(f"hyperparameter {name} cannot be changed for {job_type}")
        value = _coerce(name, field.get("DATATYPE", "str"), raw)
        _check(name, value, field.get("CONSTRAINTS"))
        values[name] = _text(value)
    return arch, values, fields
