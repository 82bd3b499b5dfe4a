"""The endpoint state machine: (AwaitingRDU →) Deploying → SettingUp → Live, on the clock.

Each deployment (the first, and one per restart or new ``rdu_arch``/instance count) claims
the endpoint's RDUs (``_capacity``): it is AwaitingRDU until the tenant's capacity grants
them, and holds them until it fails, stops, is replaced or the endpoint is deleted.

An endpoint document (kind ``endpoint``, parent its project) is::

    {id, name, description, project_id, tenant_id, user_id, model_id, model_type,
     targets: [{model, model_checkpoint_name, instances, rdu_arch, traffic, params,
                instances_before_stop}],
     api_keys: [{api_key, description, status: "Active"|"Revoked", time_created}],
     status, hyperparams, inference_api_openai_compatible, app_id, app_name, playground,
     prediction_input_type, deployed_at, stopped, failure, created_at, updated_at,
     deployments: [{requested_at, rdus, granted_at, released_at}]}

``status`` is derived from the last deployment, ``stopped``, ``failure`` and the clock; call
:func:`observe` before reading it. The URL an endpoint advertises follows the flavor
(:func:`url_for`); every predict route (nlp, generic, v2, OpenAI) reaches it by its ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sambastudio.emulator import _capacity
from sambastudio.emulator._notify import notify
from sambastudio.emulator._state import EmulatorState

DEPLOYING_SECONDS = 10.0
SETTING_UP_SECONDS = 30.0
"""How long (emulated) an endpoint spends in each phase before it is Live."""


def url_for(project_id: str, endpoint_id: str, *, legacy: bool, stream: bool = False) -> str:
    """The predict URL an endpoint advertises: V1 nlp in the 2024 shapes (the 2024-07
    outputs show ``/api/predict/nlp/<p>/<e>``), V1 generic in the current ones (2024-11 on),
    so a client that picks its wire from the URL meets both (api-evidence §1.8)."""
    api = "nlp" if legacy else "generic"
    return f"/api/predict/{api}{'/stream' if stream else ''}/{project_id}/{endpoint_id}"


def _deployments(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The endpoint's deployments (one granted at once for documents stored before
    capacity existed)."""
    if "deployments" in doc:
        return list(doc["deployments"])
    at = doc["deployed_at"]
    released = doc["updated_at"] if doc["stopped"] else None
    return [{"requested_at": at, "rdus": 0, "granted_at": at, "released_at": released}]


def demand(doc: dict[str, Any]) -> int:
    """The RDUs the endpoint's targets take."""
    return sum(t["instances"] * _capacity.rdus_of(t["rdu_arch"]) for t in doc["targets"])


def deploy(doc: dict[str, Any], now: float) -> list[dict[str, Any]]:
    """The deployments after (re)deploying now: the current one released, a new one claimed.

    Store them as ``deployments``, then call :func:`claim`."""
    return [
        *release(doc, now),
        {"requested_at": now, "rdus": demand(doc), "granted_at": None, "released_at": None},
    ]


def release(doc: dict[str, Any], now: float) -> list[dict[str, Any]]:
    """The deployments with the current one released now (stopped, replaced)."""
    deployments = _deployments(doc)
    if deployments and deployments[-1]["released_at"] is None:
        deployments[-1] = {**deployments[-1], "released_at": now}
    return deployments


def claimed(doc: dict[str, Any]) -> int:
    """The RDUs the current deployment claimed."""
    deployments = _deployments(doc)
    return int(deployments[-1]["rdus"]) if deployments else 0


def claim(state: EmulatorState, doc: dict[str, Any]) -> None:
    """Put the endpoint's new deployment in line for its tenant's RDUs."""
    at = _deployments(doc)[-1]["requested_at"]
    _capacity.request(state, doc["tenant_id"], "endpoint", doc["id"], at)


def _claims(doc: dict[str, Any]) -> list[_capacity.Claim]:
    failed = bool(doc.get("failure"))

    def release(deployment: dict[str, Any]) -> Callable[[float], float]:
        released = deployment["released_at"]
        ends = _capacity.NEVER if released is None else float(released)
        if failed:  # a failed deployment lets its RDUs go as it fails
            return lambda granted: min(ends, granted + DEPLOYING_SECONDS)
        return lambda granted: ends

    return [
        _capacity.Claim(
            kind="endpoint",
            doc_id=doc["id"],
            index=index,
            rdus=deployment["rdus"],
            requested_at=deployment["requested_at"],
            granted_at=deployment["granted_at"],
            release=release(deployment),
            withdrawn=deployment["released_at"] is not None,
        )
        for index, deployment in enumerate(_deployments(doc))
    ]


def _record_grant(doc: dict[str, Any], index: int, time: float) -> dict[str, Any]:
    deployments = _deployments(doc)
    deployments[index] = {**deployments[index], "granted_at": time}
    return {"deployments": deployments}


_capacity.register("endpoint", _claims, _record_grant)


def status_at(doc: dict[str, Any], now: float) -> str:
    """The status of an endpoint at emulated time ``now``."""
    if doc.get("stopped"):
        return "Stopped"
    granted = _deployments(doc)[-1]["granted_at"]
    if granted is None:
        return "AwaitingRDU"
    elapsed = now - granted
    if elapsed < DEPLOYING_SECONDS:
        return "Deploying"
    if doc.get("failure"):
        return "Failed"
    if elapsed < DEPLOYING_SECONDS + SETTING_UP_SECONDS:
        return "SettingUp"
    return "Live"


def observe(state: EmulatorState, doc: dict[str, Any]) -> dict[str, Any]:
    """The endpoint with its status brought up to the clock (stored, and notified, when it
    moved)."""
    _capacity.settle(state, doc["tenant_id"])
    doc = state.store.get("endpoint", doc["id"]) or doc
    status = status_at(doc, state.now())
    if status == doc.get("status"):
        return doc
    with state.store.transaction():
        current = state.store.get("endpoint", doc["id"])
        if current is None:
            return {**doc, "status": status}
        status = status_at(current, state.now())
        if status in ("Live", "Failed") and current.get("status") != status:
            reason = f": {current['failure']}" if status == "Failed" else ""
            text = f"Endpoint {current['name']} is {status}{reason}"
            notify(
                state, current["tenant_id"], current["user_id"], 20 if reason == "" else 40, text
            )
        return state.store.update("endpoint", doc["id"], {"status": status})


def api_key_entry(state: EmulatorState, key: str, description: str) -> dict[str, Any]:
    return {
        "api_key": key,
        "description": description,
        "status": "Active",
        "time_created": state.now(),
    }
