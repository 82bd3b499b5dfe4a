"""Datasets imported from S3: ``S3Source`` holds the AWS keys as secrets, ``import_from_s3``
checks everything before the one request that carries them, and ``wait()`` follows the copy.
"""

from __future__ import annotations

import logging
import re

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from sambastudio import Client, S3Source
from sambastudio.errors import APIStatusError, InvalidArgumentError, NameNotFoundError
from sambastudio.resources import Dataset
from tests.echoing import STYLES, echo_everything, fresh_secret
from tests.objects.conftest import APP, BASE_MODEL, RDU_ARCH, unique

KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def s3(secret: str, **changes: str) -> S3Source:
    fields = {"bucket": "my-bucket", "folder": "squad/v1", "region": "us-west-2", **changes}
    return S3Source(access_key_id=KEY_ID, secret_access_key=secret, **fields)


def test_the_source_never_shows_its_keys() -> None:
    secret = fresh_secret("aws-secret")
    source = s3(secret)

    shown = [repr(source), str(source), str(source.model_dump()), source.model_dump_json()]
    for text in shown:
        assert secret not in text
        assert KEY_ID not in text
    assert source.uri == "s3://my-bucket/squad/v1"
    assert source.to_wire()["secretAccessKey"] == secret


def test_snapis_source_file_fields_are_read() -> None:
    secret = fresh_secret("aws-secret")
    fields = {"bucket": "b-1", "folder": "f", "accessKeyId": KEY_ID, "secretAccessKey": secret,
              "region": "eu-central-1"}  # fmt: skip

    source = S3Source.model_validate(fields)

    assert source.to_wire() == {"source_type": "aws", **fields}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bucket": "My Bucket"}, "bucket"),
        ({"bucket": "ab"}, "bucket"),
        ({"region": "the moon"}, "region"),
        ({"secret_access_key": ""}, "secret_access_key"),
    ],
)
def test_a_malformed_source_names_the_field_and_never_the_secret(
    changes: dict[str, str], field: str
) -> None:
    secret = fresh_secret("aws-secret")
    fields = {"bucket": "my-bucket", "access_key_id": KEY_ID, "secret_access_key": secret,
              "region": "us-east-1", **changes}  # fmt: skip

    with pytest.raises(ValidationError) as caught:
        S3Source(**fields)

    assert [error["loc"] for error in caught.value.errors()] == [(field,)]
    assert secret not in str(caught.value)
    assert KEY_ID not in str(caught.value)


def test_an_import_runs_until_available_and_a_job_can_then_use_it(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    secret, name = fresh_secret("aws-secret"), unique("s3")

    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        dataset = client.datasets.import_from_s3(
            name=name, source=s3(secret), apps=[APP], job_types=["train", "evaluation"]
        )

    assert isinstance(dataset, Dataset)
    assert (dataset.name, dataset.status) == (name, "Importing")
    assert dataset.path == "s3://my-bucket/squad/v1"
    assert dataset.wait(timeout=120, poll_interval=1) is dataset
    assert dataset.status == "Available"
    project = client.projects.create(name=unique("p"))
    job = project.jobs.create(
        type="train", name=unique("ft"), model=BASE_MODEL, dataset=name, rdu_arch=RDU_ARCH
    )
    assert job.dataset_id == dataset.id
    for text in (caplog.text, repr(dataset), str(dataset.model_dump())):
        assert secret not in text
        assert KEY_ID not in text


def test_bad_input_is_refused_before_the_keys_are_sent(client: Client, sent: list[str]) -> None:
    source, name = s3(fresh_secret("aws-secret")), unique("s3")
    taken = client.datasets.import_from_s3(
        name=name, source=source, apps=[APP], job_types=["train"]
    )
    sent.clear()

    with pytest.raises(InvalidArgumentError, match="already exists"):
        client.datasets.import_from_s3(name=name, source=source, apps=[APP], job_types=["train"])
    with pytest.raises(InvalidArgumentError, match="job_types must be one of"):
        client.datasets.import_from_s3(
            name=unique("s3"), source=source, apps=[APP], job_types=["deploy"]
        )
    with pytest.raises(InvalidArgumentError, match="source must be a S3Source, not dict"):
        client.datasets.import_from_s3(
            name=unique("s3"),
            source={"bucket": "my-bucket"},  # type: ignore[arg-type]
            apps=[APP],
            job_types=["train"],
        )
    with pytest.raises(NameNotFoundError, match="no app named 'Nope'"):
        client.datasets.import_from_s3(
            name=unique("s3"), source=source, apps=["Nope"], job_types=["train"]
        )

    assert "add_dataset" not in sent
    assert taken.name == name


@pytest.mark.parametrize("style", STYLES)
def test_a_server_echoing_the_keys_gets_them_masked(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture, style: str
) -> None:
    httpserver.expect_request("/api/datasets/search").respond_with_json({"detail": "no"}, 404)
    echo_everything(httpserver, style)
    secret, key_id = fresh_secret("aws-secret"), fresh_secret("AKIA")
    source = S3Source(
        bucket="my-bucket", access_key_id=key_id, secret_access_key=secret, region="us-east-1"
    )
    app = "6f1c2a3e-0000-4000-8000-000000000003"

    with (
        caplog.at_level(logging.DEBUG, logger="sambastudio"),
        Client(host_url=httpserver.url_for("/"), access_key=fresh_secret("access")) as client,
        pytest.raises(APIStatusError) as caught,
    ):
        client.datasets.import_from_s3(name="s3", source=source, apps=[app], job_types=["train"])

    request, response = httpserver.log[-1]
    assert request.path == "/api/datasets"
    assert secret in response.get_data(as_text=True)  # the server did repeat it
    for text in (str(caught.value), repr(caught.value), caplog.text):
        assert secret not in text
        assert key_id not in text
    assert re.search(r"could not use .*\*\*\*", str(caught.value))
