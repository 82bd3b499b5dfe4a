"""The catalogue, promotion, composites, speculative decoding, imports and exports."""

from __future__ import annotations

import requests

from sambastudio.emulator import Emulator, _storage
from tests.emulator.conftest import Api
from tests.emulator.helpers import EMBEDDING, LLM, start_job
from tests.emulator.uploading import dataset_args, send_file, start_folder, upload_folder

DRAFT = "Meta-Llama-3.2-1B-Instruct"


def test_the_catalogue_has_llms_and_an_embedding_model(api: Api) -> None:
    models = {m["model_checkpoint_name"]: m for m in api.ok("list_models")["models"]}
    assert {LLM, DRAFT, EMBEDDING} <= set(models)
    assert models[LLM]["model_type"] == "llm"
    assert models[EMBEDDING]["model_type"] == "embedding"
    assert set(models[LLM]["jobTypes"]) >= {"train", "batch_predict", "deploy"}
    assert all(m["status"] == "Available" for m in models.values())
    apps = api.ok("list_apps")["apps"]
    assert models[LLM]["app_id"] in {a["id"] for a in apps}
    one = api.ok("app_info", app=apps[0]["name"])["apps"]
    assert one["id"] == apps[0]["id"]
    assert api("app_info", app="nope").status_code == 404


def test_model_info_has_per_arch_hyperparameter_metadata(api: Api) -> None:
    info = api.ok("model_info", model=LLM, job_type="train")
    assert set(info["hyperparams"]) == {"train"}
    assert set(info["hyperparams"]["train"]) == {"SN40L-8", "SN40L-16"}
    node = info["hyperparams"]["train"]["SN40L-16"]
    assert "supports_speculative_decoding" in node
    fields = {p["FIELD_NAME"]: p for p in node["user_params"]}
    rate = fields["learning_rate"]
    assert set(rate) >= {"FIELD_NAME", "DESCRIPTION", "TYPE_SPECIFIC_SETTINGS", "CONSTRAINTS"}
    assert rate["TYPE_SPECIFIC_SETTINGS"]["train"] == {
        "DEFAULT": "0.00001",
        "USER_MODIFIABLE": True,
    }
    assert rate["CONSTRAINTS"] == {"gt": 0, "le": 1}
    assert fields["batch_size"]["TYPE_SPECIFIC_SETTINGS"]["train"]["DEFAULT"] == "16"
    deploy = api.ok("model_info", model=LLM, job_type="deploy")["hyperparams"]["deploy"]
    assert deploy["SN40L-8"]["supports_speculative_decoding"] is True
    by_id = api.ok("model_info", model=info["model_id"])
    assert set(by_id["hyperparams"]) == {"train", "evaluation", "batch_predict", "deploy"}
    wrong = api("model_info", model=EMBEDDING, job_type="train")
    assert wrong.status_code == 400
    assert set(wrong.json()) == {"code", "message", "details"}
    assert api("model_info", model=LLM, job_type="dance").status_code == 400
    assert api("model_info", model="nope").json()["code"] == 5


def test_promoting_a_checkpoint_makes_a_model(emulator: Emulator, api: Api) -> None:
    job = start_job(api)
    emulator.clock.advance(3600)
    checkpoint = api.ok("list_checkpoints", project="p", job="ft")["checkpoints"][-1]["name"]
    promote = {
        "project": "p",
        "job": "ft",
        "model_checkpoint": checkpoint,
        "model_checkpoint_name": "mine",
        "description": "tuned",
        "checkpoint_type": "finetuned",
    }
    model_id = api.ok("add_model", **promote)["data"]["model_id"]
    assert api("add_model", **promote).status_code == 409
    assert api("add_model", **{**promote, "model_checkpoint_name": LLM}).status_code == 409
    assert api("add_model", **{**promote, "model_checkpoint": "x-1"}).status_code == 404
    assert api("add_model", **{**promote, "checkpoint_type": "odd"}).status_code == 400
    assert api.ok("search_model", model_name="mine") == {"data": {"model_id": model_id}}
    mine = api.ok("model_info", model="mine")
    assert mine["sambanova_provided"] is False
    assert mine["steps"] == 20
    assert mine["jobTypes"] == api.ok("model_info", model=LLM)["jobTypes"]
    assert job["job_id"] in checkpoint
    second = api.ok(
        "create_job",
        project="p",
        job_type="train",
        job_name="again",
        description="",
        model_checkpoint="mine",
        dataset="squad",
        hyperparams="{}",
        load_state=True,
        sub_path="",
        parallel_instances=1,
        rdu_arch="SN40L-8",
    )
    assert second["model_id"] == model_id
    assert api.ok("delete_job", project="p", job="again") == {}
    assert api.ok("delete_model", model="mine") == {}
    assert api("search_model", model_name="mine").status_code == 404


def test_catalogue_models_cannot_be_deleted_or_exported(api: Api) -> None:
    assert api("delete_model", model=LLM).status_code == 403
    assert api("export_model", model_id=LLM, storage_type="local").status_code == 403


def test_composites_and_speculative_pairs(api: Api) -> None:
    bundle = api.ok(
        "add_composite_model",
        name="bundle",
        description="",
        dependencies=[{"name": LLM}, {"name": EMBEDDING}],
        rdu_required=16,
        config_params={},
        app="",
    )
    assert bundle["status"] == "Available"
    info = api.ok("model_info", model="bundle", job_type="deploy")
    assert info["type"] == "Composite"
    assert [d["name"] for d in info["dependencies"]] == [LLM, EMBEDDING]
    pair = api.ok(
        "add_composite_model",
        name="sd",
        description="",
        dependencies=[{"name": LLM}],
        rdu_required=8,
        config_params={"target_model": LLM, "draft_model": DRAFT},
        app="",
    )
    assert api.ok("model_info", model=pair["model_id"])["config"]["target_model"] == LLM
    missing = api(
        "add_composite_model",
        name="x",
        description="",
        dependencies=[{"name": "no"}],
        rdu_required=8,
        config_params={},
        app="",
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == 5
    empty = api(
        "add_composite_model",
        name="x",
        description="",
        dependencies=[],
        rdu_required=8,
        config_params={},
        app="",
    )
    assert empty.status_code == 400
    assert "dependencies" in empty.json()["message"]
    good = api.ok(
        "validate_spec_decoding", target=LLM, draft=DRAFT, rdu_required=8, dependencies=[]
    )
    assert good == {"valid": True, "validations": []}
    bad = api.ok(
        "validate_spec_decoding", target=DRAFT, draft=EMBEDDING, rdu_required=8, dependencies=[]
    )
    assert bad["valid"] is False
    assert {v["reason"] for v in bad["validations"]} >= {"model_type", "vocab_size"}


def test_a_model_bundle_is_validated_before_it_is_made(api: Api) -> None:
    good = api.ok("validate_model_bundle", dependencies=[{"name": LLM}, {"name": DRAFT}])
    assert good == {"valid": True, "validations": []}
    importing = api.ok(
        "import_model",
        model_id=LLM,
        import_path="byoc/x",
        steps=0,
        import_model_name="importing",
        storage_type="local",
    )
    bad = api.ok(
        "validate_model_bundle",
        dependencies=[{"name": LLM}, {"name": LLM}, {"name": importing["model_id"]}],
        rdu_required=12,
    )
    assert bad["valid"] is False
    assert [(v["level"], v["reason"]) for v in bad["validations"]] == [
        ("error", "duplicate"),
        ("error", "not_ready"),
        ("error", "rdu_required"),
    ]
    empty = api("validate_model_bundle", dependencies=[], rdu_required=8)
    assert (empty.status_code, empty.json()["code"]) == (400, 3)
    missing = api("validate_model_bundle", dependencies=[{"name": "nope"}], rdu_required=8)
    assert (missing.status_code, missing.json()["code"]) == (404, 5)


def test_import_reports_progress_until_available(emulator: Emulator, api: Api) -> None:
    started = api.ok(
        "import_model",
        model_id=LLM,
        import_path="byoc/llama",
        steps=0,
        import_model_name="byoc",
        storage_type="local",
    )
    assert (started["status"], started["progress"], started["stage"]) == ("", 0, "Copy")
    emulator.clock.advance(15)
    assert api.ok("model_info", model="byoc", job_type="deploy")["status"] == "Importing"
    halfway = api.ok("import_status", model_id="byoc")
    assert halfway["status"] == ""
    assert 0 < halfway["progress"] < 100
    assert halfway["stage"] == "validate"
    emulator.clock.advance(60)
    assert api.ok("import_status", model_id=started["model_id"]) == {
        "model_id": started["model_id"],
        "status": "Available",
        "progress": 100,
        "stage": "convert",
    }
    assert (
        api(
            "import_model",
            model_id=LLM,
            import_path="a/../../b",
            import_model_name="x",
            storage_type="local",
            steps=0,
        ).status_code
        == 400
    )
    assert (
        api(
            "import_model",
            model_id=LLM,
            import_path="p",
            import_model_name="x",
            storage_type="ftp",
            steps=0,
        ).status_code
        == 400
    )


def test_export_reports_progress_and_can_be_deleted(emulator: Emulator, api: Api) -> None:
    api.ok(
        "import_model",
        model_id=LLM,
        import_path="byoc",
        steps=0,
        import_model_name="byoc",
        storage_type="local",
    )
    assert api("export_model", model_id="byoc", storage_type="local").status_code == 400
    emulator.clock.advance(60)
    export = api.ok("export_model", model_id="byoc", storage_type="aws")
    assert export["status"] == "InProgress"
    assert export["progress"] == 0
    emulator.clock.advance(10)
    listed = api.ok("exported_model_list")["models"]
    assert listed[0]["model_activity_id"] == export["model_activity_id"]
    assert 0 < listed[0]["progress"] < 100
    emulator.clock.advance(60)
    assert api.ok("exported_model_list")["models"][0]["status"] == "Completed"
    assert (
        api.ok(
            "delete_exported_model", model_id="byoc", model_activity_id=export["model_activity_id"]
        )
        == {}
    )
    assert api.ok("exported_model_list")["models"] == []
    assert api("delete_exported_model", model_id="byoc").status_code == 404


CHECKPOINT = {"config.json": b'{"model_type": "llama"}', "weights/model.bin": bytes(range(256)) * 9}


def import_upload(api: Api, path: str, name: str) -> requests.Response:
    return api(
        "import_model",
        model_id=LLM,
        import_path=path,
        import_model_name=name,
        storage_type="localMachine",
        steps=0,
    )


def test_an_uploaded_checkpoint_is_imported_once_with_its_files(
    emulator: Emulator, api: Api
) -> None:
    reserved, folder = start_folder(api, list(CHECKPOINT), "generate_model_upload_id")
    for path, data in CHECKPOINT.items():
        send_file(api, folder, path, data)
    path = f"checkpoints/{reserved}"
    early = import_upload(api, path, "too-early")
    assert early.status_code == 400
    assert "complete_folder_upload first" in early.text
    api.ok(
        "complete_folder_upload", dataset_id=reserved, folder_id=folder, file_list=list(CHECKPOINT)
    )
    started = import_upload(api, path, "uploaded")
    assert started.status_code == 200, started.text
    model_id = started.json()["model_id"]
    emulator.clock.advance(60)
    assert api.ok("import_status", model_id=model_id)["status"] == "Available"
    files = _storage.model_files(emulator.state, model_id)
    assert {name: file.read_bytes() for name, file in files.items()} == CHECKPOINT
    again = import_upload(api, path, "twice")
    assert again.status_code == 409
    assert "registered already" in again.text


def test_an_import_takes_only_a_model_upload_and_a_dataset_only_a_dataset_upload(
    api: Api,
) -> None:
    dataset_upload = upload_folder(api, {"train.jsonl": b"{}\n"})
    refused = import_upload(api, f"datasets/{dataset_upload}", "from-a-dataset")
    assert refused.status_code == 400
    assert "is for a dataset, not a model" in refused.text
    model_upload = upload_folder(api, CHECKPOINT, "generate_model_upload_id")
    source = {"source_type": "localMachine", "dataset_id": model_upload}
    as_dataset = api("add_dataset", **dataset_args(api, "from-a-model", source))
    assert as_dataset.status_code == 400
    assert "is for a model, not a dataset" in as_dataset.text
    nowhere = import_upload(api, "checkpoints/none", "nowhere")
    assert nowhere.status_code == 400
    assert "not the folder of an upload" in nowhere.text
