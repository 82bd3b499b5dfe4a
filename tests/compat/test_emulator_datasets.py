"""SnSdk against the emulator, both flavors: datasets and the multipart upload flow."""

from __future__ import annotations

from sambastudio.compat import SnSdk
from tests.compat.helpers import TRAINING_DATA, ok, unique, upload_dataset


def test_upload_find_and_delete_a_dataset(sdk: SnSdk) -> None:
    name = unique("dataset")
    added = upload_dataset(sdk, name, TRAINING_DATA, ["train", "evaluation"])
    dataset_id = added["id"] if "id" in added else added["data"]["dataset_id"]
    assert ok(sdk.search_dataset(dataset_name=name))["data"]["dataset_id"] == dataset_id
    listed = ok(sdk.list_datasets())["datasets"]
    assert dataset_id in [d["id"] for d in listed if d["dataset_name"] == name]
    assert ok(sdk.dataset_info(name))["data"]["status"] == "Available"
    assert ok(sdk.dataset_info(dataset=dataset_id))["data"]["dataset_name"] == name
    ok(sdk.delete_dataset(dataset=name))
    assert sdk.search_dataset(name)["status_code"] == 404
