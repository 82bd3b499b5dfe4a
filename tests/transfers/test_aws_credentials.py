"""upload_results_to_aws carries credentials: they never reach a log line or an error."""

from __future__ import annotations

import logging

import pytest
from pytest_httpserver import HTTPServer

from sambastudio._pipeline import Pipeline
from sambastudio._routes import ROUTES
from sambastudio.errors import BadRequestError

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"


def aws_request() -> object:
    return ROUTES["upload_results_to_aws"].bind(
        project="p",
        job="j",
        bucket="b",
        folder="f",
        access_key_id=KEY_ID,
        secret_access_key=SECRET,
        session_token=TOKEN,
        region_name="us-east-1",
    )


def test_credentials_travel_in_the_body_only(
    transport: Pipeline, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request(
        "/api/projects/p/jobs/j/exports/aws", method="POST"
    ).respond_with_json({"export_id": "e1", "status": "InProgress"})
    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        transport.send(aws_request())  # type: ignore[arg-type]

    sent = httpserver.log[0][0]
    assert sent.get_json()["secret_access_key"] == SECRET
    assert SECRET not in sent.url
    assert SECRET not in str(dict(sent.headers))
    for secret in (SECRET, KEY_ID, TOKEN):
        assert secret not in caplog.text


def test_an_error_that_echoes_the_credentials_does_not_repeat_them(
    transport: Pipeline, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request(
        "/api/projects/p/jobs/j/exports/aws", method="POST"
    ).respond_with_json(
        {"detail": f"access denied: secret_access_key={SECRET}; {TOKEN} and {SECRET} refused"},
        status=400,
    )
    with (
        caplog.at_level(logging.DEBUG, logger="sambastudio"),
        pytest.raises(BadRequestError) as caught,
    ):
        transport.send(aws_request())  # type: ignore[arg-type]

    for secret in (SECRET, TOKEN):
        assert secret not in str(caught.value)
        assert secret not in caplog.text
