"""Datasets: registered from an upload, a storage path or S3; listed, found, deleted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from sambastudio.emulator import Emulator
from sambastudio.emulator._storage import dataset_files
from sambastudio.emulator._transfers import DATASET_IMPORT_SECONDS
from tests.emulator.conftest import Api
from tests.emulator.helpers import LLM
from tests.emulator.uploading import dataset_args, start_folder, upload_folder

FILES = {"train.jsonl": b'{"prompt": "a"}\n', "eval/valid.jsonl": b'{"prompt": "b"}\n'}
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def uploaded(dataset_id: str) -> dict[str, str]:
    return {"source_type": "localMachine", "dataset_id": dataset_id}


@pytest.fixture(params=["current", "legacy"])
def flavored(request: pytest.FixtureRequest) -> Iterator[Api]:
    with Emulator(port=0, seed=0, flavor=request.param) as emu:
        client = Api(emu)
        yield client
        client.session.close()


def test_the_dataset_lifecycle_in_both_flavors(flavored: Api) -> None:
    emulator = flavored.emulator
    dataset_id = upload_folder(flavored, FILES)

    added = flavored.ok("add_dataset", **dataset_args(flavored, "squad", uploaded(dataset_id)))

    assert added["id"] == dataset_id  # both flavors: callers read ["id"] (S3, 2024-07)
    assert added["status"] == "Available"
    listed = flavored.ok("list_datasets")["datasets"]
    assert [(d["id"], d["dataset_name"]) for d in listed] == [(dataset_id, "squad")]
    assert flavored.ok("search_dataset", dataset_name="squad") == {
        "data": {"dataset_id": dataset_id}
    }
    info = flavored.ok("dataset_info", dataset="squad")["data"]
    assert info == flavored.ok("dataset_info", dataset=dataset_id)["data"]
    assert info["dataset_id"] == dataset_id
    assert info["job_types"] == ["train", "evaluation"]
    assert info["metadata"] == {"source": "tests"}
    assert (info["file_count"], info["size_bytes"]) == (2, sum(map(len, FILES.values())))
    assert {
        path: file.read_bytes() for path, file in dataset_files(emulator.state, dataset_id).items()
    } == FILES

    deleted = flavored.ok("delete_dataset", dataset="squad")

    message = (
        f"The Dataset: {dataset_id} was successfully marked for deletion from the Dataset Hub."
    )
    assert deleted == {"detail": message}
    assert flavored.ok("list_datasets") == {"datasets": []}
    assert flavored("dataset_info", dataset=dataset_id).status_code == 404
    assert flavored("search_dataset", dataset_name="squad").status_code == 404
    assert not (emulator.state.files_dir / "datasets" / dataset_id).exists()


def test_a_dataset_from_a_storage_path_keeps_its_files_when_deleted(
    emulator: Emulator, api: Api
) -> None:
    folder = emulator.state.files_dir / "shared" / "corpus"
    (folder / "part").mkdir(parents=True)
    (folder / "a.txt").write_bytes(b"aaa")
    (folder / "part" / "b.txt").write_bytes(b"bb")

    added = api.ok(
        "add_dataset",
        **dataset_args(api, "corpus", {"source_type": "local", "source_path": "shared/corpus"}),
    )

    assert (added["source_type"], added["path"]) == ("local", "shared/corpus")
    assert (added["file_count"], added["size_bytes"]) == (2, 5)
    assert set(dataset_files(emulator.state, added["id"])) == {"a.txt", "part/b.txt"}
    api.ok("delete_dataset", dataset=added["id"])
    assert (folder / "a.txt").exists()


S3 = {
    "source_type": "aws",
    "bucket": "my-bucket",
    "folder": "squad/",
    "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
    "secretAccessKey": SECRET,
    "region": "us-east-1",
}


def test_an_s3_dataset_never_keeps_or_shows_its_credentials(emulator: Emulator, api: Api) -> None:
    response = api("add_dataset", **dataset_args(api, "s3", S3))

    assert response.status_code == 200
    assert response.json()["path"] == "s3://my-bucket/squad"
    stored = json.dumps(emulator.state.store.list("dataset"))
    for text in (response.text, api("list_datasets").text, stored):
        assert SECRET not in text
        assert "AKIAIOSFODNN7EXAMPLE" not in text
    assert dataset_files(emulator.state, response.json()["id"]) == {}


def test_an_s3_dataset_is_importing_until_its_emulated_copy_is_done(
    emulator: Emulator, api: Api
) -> None:
    added = api.ok("add_dataset", **dataset_args(api, "s3", S3))
    api.ok("create_project", project_name="p", description="")
    job = {"project": "p", "job_name": "ft", "description": "", "job_type": "train",
           "model_checkpoint": LLM, "dataset": "s3", "hyperparams": "{}",
           "rdu_arch": "SN40L-8"}  # fmt: skip

    assert added["status"] == "Importing"
    early = api("create_job", **job)
    assert early.status_code == 400
    assert "dataset s3 is Importing, not Available" in early.text

    emulator.clock.advance(DATASET_IMPORT_SECONDS)

    assert api.ok("dataset_info", dataset="s3")["data"]["status"] == "Available"
    assert [d["status"] for d in api.ok("list_datasets")["datasets"]] == ["Available"]
    assert api.ok("create_job", **job)["dataset_id"] == added["id"]


def test_a_job_trains_on_an_uploaded_dataset(api: Api) -> None:
    dataset_id = upload_folder(api, FILES)
    api.ok("add_dataset", **dataset_args(api, "squad", uploaded(dataset_id)))
    api.ok("create_project", project_name="p", description="")

    job = api.ok(
        "create_job",
        project="p",
        job_name="ft",
        description="",
        job_type="train",
        model_checkpoint=LLM,
        dataset="squad",
        hyperparams="{}",
        rdu_arch="SN40L-8",
    )

    assert job["dataset_id"] == dataset_id


def test_a_taken_name_is_refused_grpc_style_and_the_upload_stays_usable(api: Api) -> None:
    api.ok("add_dataset", **dataset_args(api, "squad", uploaded(upload_folder(api, FILES))))
    second = upload_folder(api, FILES)

    response = api("add_dataset", **dataset_args(api, "squad", uploaded(second)))

    assert response.status_code == 400
    assert response.json() == {
        "code": 3,
        "message": "Dataset with squad name already exists",
        "details": [],
    }
    assert api.ok("add_dataset", **dataset_args(api, "squad-2", uploaded(second)))["id"] == second
    again = api("add_dataset", **dataset_args(api, "squad-3", uploaded(second)))
    assert again.status_code == 400
    assert "registered already" in again.json()["message"]


def test_datasets_belong_to_their_tenant(emulator: Emulator, api: Api) -> None:
    api.ok("add_dataset", **dataset_args(api, "squad", uploaded(upload_folder(api, FILES))))
    emulator.add_tenant("other")
    outsider = emulator.add_user("eve", tenant="other")

    assert api.ok("list_datasets", as_user=outsider, in_tenant="other") == {"datasets": []}
    assert (
        api("dataset_info", dataset="squad", as_user=outsider, in_tenant="other").status_code == 404
    )
    assert (
        api("delete_dataset", dataset="squad", as_user=outsider, in_tenant="other").status_code
        == 404
    )


# ------------------------------------------------------------------ bad input
def _source(kind: str, api: Api) -> dict[str, Any]:
    """A source of each kind; those named ``bad-*`` break one rule."""
    if kind == "incomplete":
        dataset_id, _ = start_folder(api, ["a.txt"])
        return uploaded(dataset_id)
    dataset_id = upload_folder(api, {"a.txt": b"a"})
    sources: dict[str, dict[str, Any]] = {
        "good": uploaded(dataset_id),
        "unknown-id": uploaded("00000000-0000-4000-8000-000000000000"),
        "wrong-path": {**uploaded(dataset_id), "dataset_path": "datasets/elsewhere"},
        "climbing": {"source_type": "local", "source_path": "../outside"},
        "absolute": {"source_type": "local", "source_path": "/etc"},
        "absent": {"source_type": "local", "source_path": "no/such/folder"},
        "no-region": {key: value for key, value in S3.items() if key != "region"},
        "bad-bucket": {**S3, "bucket": "My Bucket!"},
        "bad-region": {**S3, "region": "the moon"},
        "no-secret": {**S3, "secretAccessKey": ""},
        "climbing-folder": {**S3, "folder": "a/../../b"},
        "unknown-type": {"source_type": "ftp", "dataset_id": dataset_id},
    }
    return sources[kind]


@pytest.mark.parametrize(
    ("source", "change", "status", "message"),
    [
        ("good", {"apps": ["Generative Tuning"]}, 400, "proto: syntax error: unexpected token ["),
        ("good", {"apps": {}}, 400, "apps must name at least one app"),
        ("good", {"apps": {"names": ["nope"]}}, 404, "apps not found by name: ['nope']"),
        ("good", {"apps": {"ids": ["Generative Tuning"]}}, 404, "apps not found by id"),
        ("good", {"job_type": []}, 400, "job_type must list some of"),
        ("good", {"job_type": ["train", "deploy"]}, 400, "job_type must list some of"),
        ("good", {"dataset_name": " "}, 400, "dataset_name must not be empty"),
        ("good", {"dataset_name": "a/b"}, 400, "may not contain"),
        ("good", {"dataset_metadata": "{not json"}, 400, "dataset_metadata is not valid JSON"),
        ("good", {"job_type": None}, 400, "job_type: field required"),
        ("unknown-id", {}, 404, "dataset id 00000000-0000-4000-8000-000000000000 not found"),
        ("incomplete", {}, 400, "complete_folder_upload first"),
        ("wrong-path", {}, 400, "dataset_path 'datasets/elsewhere' is not the upload's"),
        ("climbing", {}, 400, "may not contain '..'"),
        ("absolute", {}, 400, "must be a relative path"),
        ("absent", {}, 400, "does not exist in the emulator's storage"),
        ("no-region", {}, 400, "source.aws.region: field required"),
        ("bad-bucket", {}, 400, "source.aws.bucket: String should match pattern"),
        ("bad-region", {}, 400, "source.aws.region: String should match pattern"),
        ("no-secret", {}, 400, "source.aws.secretAccessKey: Value should have at least 1"),
        ("climbing-folder", {}, 400, "source.folder 'a/../../b' may not contain '..'"),
        ("unknown-type", {}, 400, "source"),
    ],
)
def test_bad_input_is_refused_grpc_style_and_creates_nothing(
    shared_api: Api, source: str, change: dict[str, Any], status: int, message: str
) -> None:
    api = shared_api
    args = dataset_args(api, "refused", _source(source, api), **change)

    response = api("add_dataset", **args)

    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == {400: 3, 404: 5}[status]
    assert message in body["message"]
    assert api("search_dataset", dataset_name="refused").status_code == 404
    assert not [d for d in api.ok("list_datasets")["datasets"] if d["dataset_name"] == "refused"]


@pytest.mark.parametrize(
    ("route", "args"),
    [
        ("dataset_info", {"dataset": "nope"}),
        ("delete_dataset", {"dataset": "nope"}),
        ("search_dataset", {"dataset_name": "nope"}),
    ],
)
def test_an_unknown_dataset_answers_404_in_the_detail_format(
    shared_api: Api, route: str, args: dict[str, str]
) -> None:
    response = shared_api(route, **args)

    assert response.status_code == 404
    assert response.json() == {"detail": "dataset nope not found"}
