"""SnSdk against the emulator, both flavors: endpoints, their API keys, and predictions.

``test_deploy_an_existing_model_by_names`` is the 2025 quickstart (api-evidence.md §3.2):
names instead of ids, the tenant given by name, ``api_keys``, ``targets``.
"""

from __future__ import annotations

from pathlib import Path

from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from tests.compat.helpers import (
    endpoint_key,
    ok,
    project_id,
    project_name,
    projects,
    unique,
    until_live,
)

MODEL = "Meta-Llama-3-8B-Instruct"


def test_deploy_an_existing_model_by_names(emu: Emulator, legacy: bool) -> None:
    sn_env = SnSdk(host_url=emu.url, access_key=emu.access_key, tenant_id="default")
    project, endpoint = unique("quickstart"), unique("qs-endpoint")
    pid = project_id(ok(sn_env.create_project(project_name=project, description="quickstart")))
    assert project in sorted(project_name(p) for p in projects(ok(sn_env.list_projects())))
    models = ok(sn_env.list_models())["models"]
    assert MODEL in [m["model_checkpoint_name"] for m in models if m["status"] == "Available"]

    created = sn_env.create_endpoint(
        project=project,
        endpoint_name=endpoint,
        description="quickstart endpoint",
        model_checkpoint=MODEL,
        model_version=1,
        instances=1,
        hyperparams='{"model_parallel_rdus": "16", "num_tokens_at_a_time": "10"}',
        rdu_arch="SN40L-16",
        inference_api_openai_compatible=True,
    )
    assert ok(created)["status"] == "Deploying"
    info = until_live(sn_env, emu, project, endpoint)
    assert info["api_keys"][0]["api_key"] == info["api_key"]  # both, in 2024 too (S3)
    assert endpoint_key(info)
    by_id = ok(sn_env.endpoint_info_by_id(info["id"]))
    model_id = by_id["targets"][0]["model"]
    assert ok(sn_env.model_info(model_id, job_type="deploy"))["type"] == "Basic"
    names = [e["name"] for e in ok(sn_env.list_endpoints(project=project))["endpoints"]]
    assert names == [endpoint]
    assert endpoint in [e["name"] for e in ok(sn_env.list_endpoints())["endpoints"]]

    stopped = ok(sn_env.stop_endpoint(project, endpoint))
    assert stopped["status"] == "Stopped"
    restarted = ok(sn_env.update_endpoint(project, endpoint, description="again", instances=2))
    assert restarted["description"] == "again"
    assert restarted["targets"][0]["instances"] == 2
    assert until_live(sn_env, emu, project, endpoint)["status"] == "Live"
    ok(sn_env.update_endpoint(project=pid, endpoint=info["id"], rdu_arch="SN40L-8"))
    ok(sn_env.delete_endpoint(project, endpoint))
    assert sn_env.endpoint_info(project, endpoint)["status_code"] == 404


def test_endpoint_api_keys_and_predictions(sdk: SnSdk, emu: Emulator, tmp_path: Path) -> None:
    project, endpoint = unique("keys"), unique("keys-ep")
    pid = project_id(ok(sdk.create_project(project, "")))
    eid = ok(sdk.create_endpoint(pid, endpoint, "", MODEL, 1, "{}", "SN40L-8"))["id"]
    first_key = endpoint_key(until_live(sdk, emu, pid, eid))

    added_key = "ci-key-0123456789"
    added = ok(sdk.add_endpoint_api_key(pid, eid, api_key=added_key, description="ci"))
    assert added_key in [k["api_key"] for k in added["api_keys"]]
    answer = ok(sdk.nlp_predict(pid, eid, added_key, ["Hello", "Bonjour"], trace_id="trace-1"))
    assert len(answer["data"]) == 2
    assert answer["data"][0]["completion"]

    source = tmp_path / "questions.txt"
    source.write_text("What is an RDU?\n", encoding="utf-8")
    assert ok(sdk.nlp_predict_file(pid, eid, first_key, str(source)))["data"]

    revoked = ok(sdk.edit_endpoint_api_key(pid, added_key, "Revoked", "rotated"))
    assert (revoked["status"], revoked["description"]) == ("Revoked", "rotated")
    refused = sdk.nlp_predict(pid, eid, added_key, "Hello")
    assert refused["status_code"] == 401
    ok(sdk.delete_endpoint(pid, eid))
