"""SnSdk against the emulator, both flavors: datasets and the multipart upload flow."""

from __future__ import annotations

import logging

import pytest

from sambastudio.compat import SnSdk
from sambastudio.emulator import Emulator
from sambastudio.emulator._transfers import DATASET_IMPORT_SECONDS
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


def test_add_dataset_from_s3_carries_the_source_and_never_returns_the_secret(
    sdk: SnSdk, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    name, secret = unique("s3"), "aws-secret-" + unique("shim")
    source = {"source_type": "aws", "bucket": "my-bucket", "folder": "squad",
              "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": secret,
              "region": "us-east-1"}  # fmt: skip
    apps = {"names": ["Generative Tuning"]}

    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        added = ok(sdk.add_dataset(name, apps, "{}", "", "", "", "", ["train"], source))
        bad = sdk.add_dataset(unique("s3"), apps, "{}", "", "", "", "", ["train"],
                              {**source, "region": "nowhere"})  # fmt: skip

    dataset_id = added["id"] if "id" in added else added["data"]["dataset_id"]
    assert ok(sdk.dataset_info(name))["data"]["status"] == "Importing"
    emu.clock.advance(DATASET_IMPORT_SECONDS)
    info = ok(sdk.dataset_info(dataset_id))["data"]
    assert (info["status"], info["path"]) == ("Available", "s3://my-bucket/squad")
    assert bad["status_code"] == 400
    assert "region" in bad["message"]
    for text in (str(added), str(bad), str(info), caplog.text, repr(sdk)):
        assert secret not in text
