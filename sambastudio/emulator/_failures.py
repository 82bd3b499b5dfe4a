"""Failures the emulator is told about: a bad dataset, hyperparameter value or model.

A job on a bad dataset ends FAILED, a job with a bad hyperparameter value ends EXIT_WITH_1
after it starts training, an endpoint of a bad model ends Failed; each with the rule's
message. Rules are stored (kind ``failure_rule``), so a persistent emulator keeps them.
"""

from __future__ import annotations

from typing import Any

from sambastudio.emulator._state import EmulatorState
from sambastudio.emulator._store import GLOBAL


def add_rule(
    state: EmulatorState,
    *,
    dataset: str | None = None,
    hyperparam: tuple[str, Any] | None = None,
    model: str | None = None,
    message: str | None = None,
) -> None:
    """Declare one dataset (name or id), hyperparameter ``(name, value)`` or model bad."""
    targets = [
        ("dataset", dataset),
        ("hyperparam", f"{hyperparam[0]}={hyperparam[1]}" if hyperparam else None),
        ("model", model),
    ]
    chosen = [(target, match) for target, match in targets if match is not None]
    if len(chosen) != 1:
        raise ValueError("name exactly one of dataset, hyperparam or model")
    target, match = chosen[0]
    default = {
        "dataset": f"dataset {match} is invalid: no valid records found",
        "hyperparam": f"training crashed with hyperparameter {match}",
        "model": f"model {match} could not be loaded on the RDUs",
    }[target]
    rule = {"id": state.new_id(), "target": target, "match": match, "message": message or default}
    state.store.insert("failure_rule", rule, tenant_id=GLOBAL)


def _rules(state: EmulatorState, target: str) -> dict[str, str]:
    return {
        rule["match"]: rule["message"]
        for rule in state.store.list("failure_rule", tenant_id=GLOBAL)
        if rule["target"] == target
    }


def dataset_failure(state: EmulatorState, dataset: dict[str, Any]) -> str | None:
    rules = _rules(state, "dataset")
    return rules.get(dataset["id"]) or rules.get(str(dataset.get("name")))


def hyperparam_failure(state: EmulatorState, values: dict[str, Any]) -> str | None:
    rules = _rules(state, "hyperparam")
    for name, value in values.items():
        message = rules.get(f"{name}={value}")
        if message:
            return message
    return None


def model_failure(state: EmulatorState, model: dict[str, Any]) -> str | None:
    rules = _rules(state, "model")
    return rules.get(model["id"]) or rules.get(str(model.get("name")))
