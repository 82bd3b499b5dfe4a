"""Secrets never leave: not in logs, reprs or messages; request lines logged as promised."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline, RequestOptions
from sambastudio._redact import (
    LOGGER,
    MASK,
    configure_logging_from_env,
    mask_text,
    redact_headers,
    redact_json,
    remember_secret,
    secret_header_values,
    secret_json_values,
)
from sambastudio._routes import ROUTES
from sambastudio.errors import APIConnectionError, APIStatusError

from .conftest import ACCESS_KEY, AWS_SECRET, ENDPOINT_KEY, SECRETS

LIST = ROUTES["list_projects"].bind()


def test_redact_headers_masks_credentials_only() -> None:
    headers = {
        "key": ACCESS_KEY,
        "Authorization": f"Bearer {ENDPOINT_KEY}",
        "Cookie": "tenant=t1",
        "Set-Cookie": "session=abc",
        "X-API-Key": "k",
        "Content-Type": "application/json",
    }
    assert redact_headers(headers) == {
        "key": MASK,
        "Authorization": MASK,
        "Cookie": MASK,
        "Set-Cookie": MASK,
        "X-API-Key": MASK,
        "Content-Type": "application/json",
    }


def test_redact_json_is_recursive_and_ignores_case_and_separators() -> None:
    body = {
        "id": "ep-1",
        "api_key": ENDPOINT_KEY,
        "api_keys": [{"api_key": ENDPOINT_KEY, "description": "ci"}],
        "source": {"accessKeyId": "AKIA", "secretAccessKey": AWS_SECRET, "Session-Token": "s"},
        "Password": "pw",
        "stream_token": "Hello",
        "total_tokens_count": 3,
    }
    assert redact_json(body) == {
        "id": "ep-1",
        "api_key": MASK,
        "api_keys": [{"api_key": MASK, "description": "ci"}],
        "source": {"accessKeyId": MASK, "secretAccessKey": MASK, "Session-Token": MASK},
        "Password": MASK,
        "stream_token": "Hello",
        "total_tokens_count": 3,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"api_key": "abc-123", "name": "ep"}', '{"api_key": "***", "name": "ep"}'),
        ("secret_access_key=wJalr&region=us", "secret_access_key=***&region=us"),
        ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer ***"),
        ("via https://user:hunter2@proxy:3128", "via https://user:***@proxy:3128"),
        ("http://u:pa/ss@h/x", "http://u:***@h/x"),
        (
            '{"stream_token": "Hi", "prompt_tokens_count": 3}',
            '{"stream_token": "Hi", "prompt_tokens_count": 3}',
        ),
        ("monkey: banana", "monkey: banana"),
    ],
)
def test_mask_text_masks_secret_shaped_values(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_mask_text_masks_given_and_remembered_values_anywhere() -> None:
    assert mask_text(f"bad key {AWS_SECRET}!", [AWS_SECRET]) == "bad key ***!"
    remember_secret("remembered-0123456789")
    assert mask_text("got remembered-0123456789.") == "got ***."


def test_values_too_short_to_be_keys_are_not_masked_everywhere() -> None:
    remember_secret("k")
    assert mask_text("lookup the kind", ["ab"]) == "lookup the kind"


def test_the_secret_values_of_headers_are_the_credentials_alone() -> None:
    headers = {
        "key": "platform-key-0123",
        "Authorization": "Bearer endpoint-key-0123",
        "Cookie": "  ",
        "User-Agent": "sambastudio/1.0 python/3.11",
    }
    assert secret_header_values(headers) == ["platform-key-0123", "endpoint-key-0123"]


def test_the_secret_values_of_a_body_are_found_at_any_depth() -> None:
    body = {
        "name": "demo",
        "password": "a-password-0123",
        "key": 5,  # not a string: no value to mask
        "aws": {"credentials": [{"secret_access_key": "aws-secret-0123"}]},
    }
    assert secret_json_values(body) == ["a-password-0123", "aws-secret-0123"]


def test_eight_characters_are_enough_to_be_remembered() -> None:
    eight, seven = uuid.uuid4().hex[:8], uuid.uuid4().hex[:7]  # values no run has remembered
    remember_secret(f" {eight} ")
    remember_secret(seven)
    assert mask_text(f"sent {eight} and {seven}") == f"sent *** and {seven}"


@pytest.fixture
def sambastudio_log_level() -> Iterator[None]:
    """Undo what SAMBASTUDIO_LOG does to the shared logger."""
    yield
    for handler in [h for h in LOGGER.handlers if h.name == "sambastudio-stderr"]:
        LOGGER.removeHandler(handler)
    LOGGER.setLevel(logging.NOTSET)


def test_each_attempt_is_logged_at_debug(
    httpserver: HTTPServer, transport: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_ordered_request("/api/projects").respond_with_json({}, status=503)
    httpserver.expect_ordered_request("/api/projects").respond_with_json(
        {"projects": []}, headers={"x-request-id": "req-7"}
    )
    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        transport.send(LIST)
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "sambastudio"]
    assert len(lines) == 3
    assert all(level == logging.DEBUG for level, _ in lines)
    assert re.fullmatch(
        r"GET /api/projects -> 503 in \d+ ms \(request id None, attempt 1 of 3\)", lines[0][1]
    )
    assert lines[1][1] == "retrying GET /api/projects in 0.50 s"
    assert re.fullmatch(
        r"GET /api/projects -> 200 in \d+ ms \(request id req-7, attempt 2 of 3\)", lines[2][1]
    )


def test_each_failed_attempt_is_logged_with_what_went_wrong(
    make_transport: Callable[..., Pipeline], closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    transport = make_transport(host_url=f"http://127.0.0.1:{closed_port}", max_retries=1)
    with caplog.at_level(logging.DEBUG, logger="sambastudio"), pytest.raises(APIConnectionError):
        transport.send(LIST)
    attempts = [m for m in caplog.messages if m.startswith("GET /api/projects -> ")]
    assert [m.split(" in ")[0] for m in attempts] == ["GET /api/projects -> ConnectionError"] * 2
    assert [m.split(" ms ")[1] for m in attempts] == [
        "(request id None, attempt 1 of 2)",
        "(request id None, attempt 2 of 2)",
    ]


def test_the_logged_time_is_the_attempts(
    httpserver: HTTPServer, transport: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.05)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/api/projects").respond_with_handler(slow)
    started = time.monotonic()
    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        transport.send(LIST)
    took = time.monotonic() - started
    [line] = [m for m in caplog.messages if m.startswith("GET /api/projects -> 200 in ")]
    assert 50 <= int(line.split(" in ")[1].split(" ms")[0]) <= took * 1000 + 1


def test_sambastudio_log_info_logs_requests_at_info_to_stderr(
    httpserver: HTTPServer,
    make_transport: Callable[..., Pipeline],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sambastudio_log_level: None,
) -> None:
    monkeypatch.setenv("SAMBASTUDIO_LOG", "info")
    httpserver.expect_request("/api/projects").respond_with_json({"projects": []})
    make_transport().send(LIST)
    make_transport().send(LIST)  # a second client adds no second handler
    err = capsys.readouterr().err
    assert LOGGER.level == logging.INFO
    assert err.count("INFO sambastudio: GET /api/projects -> 200") == 2
    assert ACCESS_KEY not in err


def test_configure_logging_is_idempotent_and_quiet_without_the_variable(
    sambastudio_log_level: None,
) -> None:
    assert configure_logging_from_env({}) == logging.DEBUG
    assert LOGGER.level == logging.NOTSET
    assert not [h for h in LOGGER.handlers if h.name == "sambastudio-stderr"]
    for _ in range(3):
        assert configure_logging_from_env({"SAMBASTUDIO_LOG": "DEBUG"}) == logging.DEBUG
    assert len([h for h in LOGGER.handlers if h.name == "sambastudio-stderr"]) == 1
    assert LOGGER.level == logging.DEBUG


def test_no_secret_appears_in_logs_reprs_or_errors(
    httpserver: HTTPServer,
    transport: Pipeline,
    closed_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Drive every path that touches a secret, then look for the secrets everywhere."""

    def echo(request: Request) -> Response:
        """The worst server: its error quotes everything the request carried."""
        sent = f"headers {dict(request.headers)} body {request.get_data(as_text=True)}"
        return Response(json.dumps({"message": sent, "details": [{"message": sent}]}), status=500)

    httpserver.expect_request(re.compile("/api/.*"), method="POST").respond_with_handler(echo)
    predict = ROUTES["nlp_predict"].bind(project="p", endpoint="e", key=ENDPOINT_KEY, input=["x"])
    export = ROUTES["upload_results_to_aws"].bind(
        project="p",
        job="j",
        bucket="b",
        folder="f",
        access_key_id="AKIAEXAMPLE",
        secret_access_key=AWS_SECRET,
        session_token="tok",
        region_name="us-west-2",
    )
    errors: list[Exception] = []
    with caplog.at_level(logging.DEBUG, logger="sambastudio"):
        for wire in (predict, export):
            with pytest.raises(APIStatusError) as caught:
                transport.send(wire)
            errors.append(caught.value)
        unreachable = Pipeline(
            Settings(host_url=f"http://127.0.0.1:{closed_port}", access_key=ACCESS_KEY),
            sleep=lambda _: None,
        )
        with pytest.raises(APIConnectionError) as refused:
            unreachable.send(LIST, options=RequestOptions(max_retries=0))
        errors.append(refused.value)
        logging.getLogger("sambastudio").warning("user code logs %s", ENDPOINT_KEY)
    shown = [
        caplog.text,
        repr(transport.settings),
        str(transport.settings),
        repr(transport),
        repr(unreachable),
        *(str(error) for error in errors),
        *(repr(error) for error in errors),
    ]
    for text in shown:
        for secret in SECRETS:
            assert secret not in text
    assert "access_key='***'" in repr(transport.settings)
    assert "user code logs ***" in caplog.text


def test_a_secret_sent_in_a_body_is_masked_wherever_it_is_quoted_later(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    """An error, a log line, a bug's traceback on the CLI: all go through ``mask_text``."""
    password = f"password-{uuid.uuid4()}"  # a value no run has remembered
    login = ROUTES["login"].bind(server=httpserver.url_for("/"), username="u", password=password)
    httpserver.expect_request("/api/login", method="POST").respond_with_json({"key": "k"})
    transport.send(login)
    assert mask_text(f"KeyError: {password!r}") == "KeyError: '***'"


def test_sambastudio_log_shows_shadowing_at_resolve_time(
    capsys: pytest.CaptureFixture[str], sambastudio_log_level: None
) -> None:
    Settings.resolve(
        host_url="https://arg-log.example.com",
        access_key="k",
        environ={"SAMBASTUDIO_LOG": "info", "SAMBASTUDIO_HOST_URL": "https://env-log.example.com"},
        config_dir="/nonexistent",
    )
    assert "host_url from the host_url argument" in capsys.readouterr().err
