"""The endpoint state machine: Deploying → SettingUp → Live, on the emulator's clock.

An endpoint document (kind ``endpoint``, parent its project) is::

    {id, name, description, project_id, tenant_id, user_id, model_id, model_type,
     targets: [{model, model_checkpoint_name, instances, rdu_arch, traffic, params,
                instances_before_stop}],
     api_keys: [{api_key, description, status: "Active"|"Revoked", time_created}],
     status, hyperparams, inference_api_openai_compatible, app_id, app_name, playground,
     prediction_input_type, deployed_at, stopped, failure, created_at, updated_at}

``status`` is derived from ``deployed_at``, ``stopped`` and ``failure`` and the clock; call
:func:`observe` before reading it. The URL an endpoint advertises follows the flavor
(:func:`url_for`); every predict route (nlp, generic, v2, OpenAI) reaches it by its ids.
"""

from __future__ import annotations

from typing import Any

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


def status_at(doc: dict[str, Any], now: float) -> str:
    """The status of an endpoint at emulated time ``now``."""
    if doc.get("stopped"):
        return "Stopped"
    elapsed = now - doc["deployed_at"]
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
