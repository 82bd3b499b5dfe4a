"""The shim's result dicts hide the secrets the caller sent, even when the server repeats them.

``SnSdk`` callers print what a call returns. A server that answers
``upload_results_to_aws`` with the request quoted back (a 400 with the body repeated, or a
200 that echoes it) must not put the AWS secret in that printout; the same holds for
``login``'s password and the endpoint keys of ``add_endpoint_api_key``,
``edit_endpoint_api_key`` and ``nlp_predict``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer

from sambastudio.compat import SnSdk
from tests.echoing import STYLES, echo_everything, fresh_secret

Call = Callable[[SnSdk, str], dict[str, object]]
"""Calls the shim with the secret ``secret`` (fresh for each test); its result dict."""


def upload_results_to_aws(sdk: SnSdk, secret: str) -> dict[str, object]:
    return sdk.upload_results_to_aws(
        "p1", "j1", "results", "runs/1", "AKIAEXAMPLE1", secret, f"{secret}-token", "us-west-2"
    )


CALLS: dict[str, Call] = {
    # every secret a call sends contains ``secret``, the AWS session token too
    "upload_results_to_aws": upload_results_to_aws,
    "login": lambda sdk, secret: sdk.login(sdk.host_url, "alice", secret),
    "add_endpoint_api_key": lambda sdk, secret: sdk.add_endpoint_api_key("p", "e", secret, "ci"),
    "edit_endpoint_api_key": lambda sdk, secret: sdk.edit_endpoint_api_key(
        "p", secret, "Revoked", "ci"
    ),
    "nlp_predict": lambda sdk, secret: sdk.nlp_predict("p", "e", secret, "hello"),
}


@pytest.mark.parametrize("status", [400, 200])
@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_the_result_masks_every_secret_the_server_repeats(
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    call: Call,
    style: str,
    status: int,
) -> None:
    echo_everything(httpserver, style, status)
    secret = fresh_secret("sent-secret")
    sdk = SnSdk(httpserver.url_for("/"), fresh_secret("access"))

    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        result = call(sdk, secret)

    echoed = httpserver.log[-1][1].get_data(as_text=True)
    assert secret in echoed  # the server did repeat it
    assert result["status_code"] == status
    printed = [repr(result), str(result), json.dumps(result), caplog.text]
    for text in printed:
        assert secret not in text
    words = str(result.get("detail") or result.get("message"))
    assert words.startswith("could not use ")  # the server's words are kept, masked
    assert "***" in words


def test_values_the_caller_did_not_send_as_secrets_are_returned_as_is(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/api/projects/p1/jobs/j1/exports/aws").respond_with_json(
        {"export_id": "export-results-1", "bucket": "results", "folder": "runs/1"}
    )
    sdk = SnSdk(httpserver.url_for("/"), fresh_secret("access"))

    result = upload_results_to_aws(sdk, fresh_secret("aws-secret"))

    assert {key: result[key] for key in ("export_id", "bucket", "folder")} == {
        "export_id": "export-results-1",
        "bucket": "results",
        "folder": "runs/1",
    }


def test_a_key_listed_as_an_api_key_is_data_but_an_echoed_field_is_masked(
    httpserver: HTTPServer,
) -> None:
    key, secret = fresh_secret("endpoint-key"), fresh_secret("aws-secret")
    httpserver.expect_request("/api/projects/p/endpoints/e/api-keys").respond_with_json(
        {"api_keys": [{"api_key": key, "description": f"added {key}"}], "api_key": key}
    )
    httpserver.expect_request("/api/projects/p1/jobs/j1/exports/aws").respond_with_json(
        {"secret_access_key": secret, "api_key": secret}, status=400
    )
    sdk = SnSdk(httpserver.url_for("/"), fresh_secret("access"))

    added = sdk.add_endpoint_api_key("p", "e", key, "ci")
    refused = upload_results_to_aws(sdk, secret)

    assert added["api_keys"] == [{"api_key": key, "description": "added ***"}]
    assert added["api_key"] == key
    assert (refused["secret_access_key"], refused["api_key"]) == ("***", "***")
