"""Secrets the object model sends stay hidden when the server repeats them in free text.

Every call that carries a secret in its body (``export_to_s3``'s AWS secret and session
token, ``Client.login``'s password, an endpoint key added or revoked) is answered by a
server that quotes the bare values in a sentence: the error, its repr and the DEBUG log
must show none of them. Field-name and shape rules cannot catch these; masking by value
(every secret the request sent) must.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer

from sambastudio._client import Client
from sambastudio.errors import APIStatusError
from sambastudio.resources.api_keys import ApiKey, EndpointApiKeys
from sambastudio.resources.jobs import Job
from tests.echoing import STYLES, echo_everything, fresh_secret

PROJECT = "6f1c2a3e-0000-4000-8000-000000000001"
ENDPOINT = "6f1c2a3e-0000-4000-8000-000000000002"

SECRET_FIELDS = {"access_key_id", "secret_access_key", "session_token", "password", "api_key"}


def export_to_s3(url: str) -> None:
    with Client(host_url=url, access_key=fresh_secret("access")) as client:
        job = Job(id="j1", project_id=PROJECT).attach(client)
        job.export_to_s3(
            bucket="results",
            folder="runs/1",
            access_key_id=fresh_secret("AKIA"),
            secret_access_key=fresh_secret("aws-secret"),
            session_token=fresh_secret("aws-token"),
            region_name="us-west-2",
        )


def login(url: str) -> None:
    Client.login(url, "alice", fresh_secret("correct-horse"))


def add_endpoint_key(url: str) -> None:
    key = fresh_secret("endpoint-key")
    with Client(host_url=url, access_key=fresh_secret("access")) as client:
        EndpointApiKeys(client, PROJECT, ENDPOINT).create(description="ci", key=key)


def revoke_endpoint_key(url: str) -> None:
    key = fresh_secret("endpoint-key")
    with Client(host_url=url, access_key=fresh_secret("access")) as client:
        found = ApiKey.model_validate(
            {"api_key": key, "project_id": PROJECT, "endpoint_id": ENDPOINT, "status": "Active"}
        )
        found.attach(client).revoke()


CALLS: dict[str, tuple[Callable[[str], None], int]] = {
    # the call, and how many secrets it sends in its body
    "export_to_s3": (export_to_s3, 3),
    "login": (login, 1),
    "api_keys.create": (add_endpoint_key, 1),
    "api_key.revoke": (revoke_endpoint_key, 1),
}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("call", "count"), CALLS.values(), ids=CALLS.keys())
def test_an_echoed_secret_is_masked_in_the_error_and_the_log(
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    call: Callable[[str], None],
    count: int,
    style: str,
) -> None:
    echo_everything(httpserver, style)

    with (
        caplog.at_level(logging.DEBUG, logger="sambastudio"),
        pytest.raises(APIStatusError) as caught,
    ):
        call(httpserver.url_for("/"))
    logging.getLogger("sambastudio.app").error("request failed: %s", caught.value)

    request, response = httpserver.log[-1]
    secrets = [
        value
        for name, value in (request.get_json(silent=True) or {}).items()
        if name in SECRET_FIELDS and value in response.get_data(as_text=True)
    ]
    assert len(secrets) == count  # the server did repeat each secret the call sent
    shown = [str(caught.value), repr(caught.value), caplog.text]
    for text in shown:
        for secret in secrets:
            assert secret not in text
    assert "could not use" in str(caught.value)  # the server's words are kept, only masked
    assert "***" in str(caught.value)
