"""The scrubbing rules and the scan, on hand-made interactions (no network, no emulator)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from vcr.request import Request  # type: ignore[import-untyped]

from sambastudio.testing import (
    ACCESS_KEY_PLACEHOLDER,
    PLACEHOLDER_HOST,
    Scrubber,
    scan_cassettes,
    scrubbing_config,
)

HOST = "http://127.0.0.1:54321"
ACCESS_KEY = "a-platform-access-key-0123456789"
ENDPOINT_KEY = "3f2b8c1e-9a7d-4e6f-b5c4-1d2e3f4a5b6c"


def scrubber() -> Scrubber:
    return Scrubber([HOST], {ACCESS_KEY: ACCESS_KEY_PLACEHOLDER})


def request(uri: str, body: Any = None, **headers: str) -> Any:
    return Request("POST", uri, body, headers)


def response(body: Any, **headers: str) -> dict[str, Any]:
    text = json.dumps(body) if not isinstance(body, (bytes, str)) else body
    all_headers = {"Content-Length": ["999"], **{k: [v] for k, v in headers.items()}}
    return {
        "status": {"code": 200, "message": "OK"},
        "headers": all_headers,
        "body": {"string": text},
    }


def test_a_request_keeps_its_route_and_loses_its_host_and_credentials() -> None:
    scrubbed = scrubber().request(
        request(
            f"{HOST}/api/projects?x=1",
            json.dumps({"password": "hunter2", "name": "p"}).encode(),
            key=ACCESS_KEY,
            Cookie="tenant=default",
            **{"User-Agent": "sambastudio/1.0 python/3.11", "Content-Type": "application/json"},
        )
    )
    assert (scrubbed.method, scrubbed.uri) == ("POST", f"{PLACEHOLDER_HOST}/api/projects?x=1")
    assert dict(scrubbed.headers) == {
        "key": ACCESS_KEY_PLACEHOLDER,
        "Cookie": "<cookie>",
        "Content-Type": "application/json",
    }
    assert json.loads(scrubbed.body) == {"password": "<password>", "name": "p"}


def test_an_endpoint_key_keeps_one_placeholder_everywhere() -> None:
    scrub = scrubber()
    listed = scrub.response(
        response({"api_key": ENDPOINT_KEY, "api_keys": [{"api_key": ENDPOINT_KEY}]})
    )
    body = json.loads(listed["body"]["string"])
    placeholder = body["api_key"]
    assert placeholder.startswith("<api-key:")
    assert body["api_keys"] == [{"api_key": placeholder}]
    used = scrub.request(request(f"{HOST}/v1/e/chat", Authorization=f"Bearer {ENDPOINT_KEY}"))
    assert used.headers["Authorization"] == f"Bearer {placeholder}"
    edited = scrub.request(
        request(f"{HOST}/api/projects/p/api-keys", json.dumps({"api_key": ENDPOINT_KEY}))
    )
    assert json.loads(edited.body)["api_key"] == placeholder
    again = Scrubber().response(response({"api_key": ENDPOINT_KEY}))  # no state needed
    assert json.loads(again["body"]["string"])["api_key"] == placeholder


def test_scrubbing_twice_changes_nothing_more() -> None:
    """Replays scrub their requests again before matching them against the cassette."""
    scrub = scrubber()
    once = scrub.request(
        request(
            f"{HOST}/api/x",
            json.dumps({"api_key": ENDPOINT_KEY, "secret_access_key": "s3cr3t-value"}),
        )
    )
    twice = Scrubber().request(once)
    assert (twice.uri, twice.body) == (once.uri, once.body)


def test_placeholders_stay_as_they_are() -> None:
    body = json.dumps({"api_key": "<api-key:sent-1>", "password": ACCESS_KEY_PLACEHOLDER})
    assert json.loads(Scrubber().request(request(f"{HOST}/x", body)).body) == json.loads(body)


def test_no_key_shaped_value_is_exempt() -> None:
    """Keys of the old ``fake_api_key`` shape were kept as they were; no value is now."""
    body = json.dumps({"api_key": "00000000-0000-4000-8000-000000000001"})
    assert json.loads(Scrubber().request(request(f"{HOST}/x", body)).body) == {
        "api_key": "<api-key:sent-1>"
    }


def test_keys_the_client_sends_are_named_by_rank_so_random_keys_replay_alike() -> None:
    """A recording and its replay draw different random keys; both send the same names."""

    def sent(*keys: str) -> list[str]:
        scrub = scrubber()
        scrub.response(response({"api_key": ENDPOINT_KEY}))  # answered first: hashed
        return [
            json.loads(scrub.request(request(f"{HOST}/k", json.dumps({"api_key": k}))).body)[
                "api_key"
            ]
            for k in keys
        ]

    recorded = sent("first-random-key-1", "second-random-key", "first-random-key-1")
    replayed = sent("other-random-key-1", "another-random-key", "other-random-key-1")
    assert recorded == replayed == ["<api-key:sent-1>", "<api-key:sent-2>", "<api-key:sent-1>"]
    answered_first = sent(ENDPOINT_KEY)[0]  # named by its hash, not as a key the client chose
    assert answered_first.startswith("<api-key:")
    assert "sent" not in answered_first


def test_a_streamed_body_is_recorded_as_bytes() -> None:
    """vcrpy keeps an iterator body as an iterator, which its YAML cannot load back."""
    scrubbed = scrubber().request(request(f"{HOST}/api/v1beta/upload/file/a", iter([b"ab", b"cd"])))
    assert scrubbed.body == b"abcd"


def test_secret_query_parameters_are_replaced() -> None:
    scrubbed = scrubber().request(request(f"{HOST}/api/x?token=abcdefghijkl&page=2"))
    assert scrubbed.uri == f"{PLACEHOLDER_HOST}/api/x?token=%3Ctoken%3E&page=2"


def test_a_key_in_the_query_is_named_by_rank_and_blank_values_stay() -> None:
    scrubbed = scrubber().request(request(f"{HOST}/api/x?filter=&api_key={ENDPOINT_KEY}"))
    assert scrubbed.uri == f"{PLACEHOLDER_HOST}/api/x?filter=&api_key=%3Capi-key%3Asent-1%3E"


@pytest.mark.parametrize(
    "body", [lambda: io.BytesIO(b"abcd"), lambda: iter(["ab", "cd"])], ids=["file", "text"]
)
def test_a_file_or_text_stream_is_recorded_as_bytes(body: Callable[[], Any]) -> None:
    scrubbed = scrubber().request(request(f"{HOST}/api/v1beta/upload/file/a", body()))
    assert scrubbed.body == b"abcd"


def test_keys_sent_anywhere_in_a_body_are_named_by_rank_and_bytes_stay_bytes() -> None:
    body = {"endpoint": {"api-key": "key-one-0123456789"}, "keys": [{"key": "key-two-0123456"}]}
    scrubbed = scrubber().request(request(f"{HOST}/api/x", json.dumps(body).encode()))
    assert isinstance(scrubbed.body, bytes)
    assert json.loads(scrubbed.body) == {
        "endpoint": {"api-key": "<api-key:sent-1>"},
        "keys": [{"key": "<key:sent-2>"}],
    }


def test_a_secret_met_in_a_field_is_replaced_in_text_later() -> None:
    """Eight characters are enough to be replaced in free text too."""
    scrub = scrubber()
    scrub.request(request(f"{HOST}/api/login", json.dumps({"password": "8-chars!"})))
    answer = scrub.response(response({"detail": "8-chars! is wrong"}))
    assert json.loads(answer["body"]["string"]) == {"detail": "<password> is wrong"}


def test_empty_secret_fields_become_their_own_placeholders() -> None:
    body = json.dumps({"password": "", "api_key": ""})
    scrubbed = scrubber().request(request(f"{HOST}/api/x", body))
    assert json.loads(scrubbed.body) == {"password": "<password>", "api_key": "<api-key:sent-1>"}


def test_a_changed_document_is_written_compactly_and_keeps_its_characters() -> None:
    body = json.dumps({"name": "café", "password": "hunter2"}, ensure_ascii=False)
    scrubbed = scrubber().request(request(f"{HOST}/api/x", body))
    assert scrubbed.body.decode() == '{"name":"café","password":"<password>"}'


def test_json_lines_and_events_are_scrubbed_line_by_line() -> None:
    lines = f'{{"api_key": "{ENDPOINT_KEY}"}}\ndata: {{"api_key": "{ENDPOINT_KEY}"}}\n\n'
    scrubbed = scrubber().response(response(lines))["body"]["string"]
    key = json.loads(scrubbed.split("\n")[0])["api_key"]
    assert scrubbed == f'{{"api_key":"{key}"}}\ndata: {{"api_key":"{key}"}}\n\n'
    assert key.startswith("<api-key:")


def test_credential_headers_that_are_placeholders_already_stay() -> None:
    headers = {"key": ACCESS_KEY_PLACEHOLDER, "Authorization": "Bearer <api-key:sent-1>"}
    assert dict(Scrubber().request(request(f"{HOST}/x", **headers)).headers) == headers


def test_a_response_keeps_what_the_sdk_reads_and_nothing_volatile() -> None:
    scrubbed = scrubber().response(
        response(
            {"url": f"{HOST}/api/predict/x", "note": "at 127.0.0.1:54321", "key": ACCESS_KEY},
            date="Thu, 26 Nov 2026 23:15:51 GMT",
            server="uvicorn",
            **{
                "x-correlation-id": "0d670fea",
                "Set-Cookie": "session=abc",
                "Content-Type": "application/json",
            },
        )
    )
    body = scrubbed["body"]["string"]
    assert json.loads(body) == {
        "url": f"{PLACEHOLDER_HOST}/api/predict/x",
        "note": "at sambastudio.test",
        "key": ACCESS_KEY_PLACEHOLDER,
    }
    assert scrubbed["headers"] == {
        "Content-Length": [str(len(body))],
        "x-correlation-id": ["<request-id>"],
        "Content-Type": ["application/json"],
    }


def test_streams_are_scrubbed_line_by_line_and_archives_left_alone() -> None:
    events = f'data: {{"api_key": "{ENDPOINT_KEY}"}}\n\ndata: [DONE]\n\n'
    scrubbed = scrubber().response(response(events))["body"]["string"]
    assert ENDPOINT_KEY not in scrubbed
    assert scrubbed.endswith("data: [DONE]\n\n")
    archive = b"\x1f\x8b\x08\x00" + bytes(range(256))
    assert scrubber().response(response(archive))["body"]["string"] == archive


def test_the_config_matches_strictly_and_plays_each_answer_once() -> None:
    config = scrubbing_config(HOST, ACCESS_KEY)
    assert config["match_on"] == ("method", "path", "query", "body")
    assert config["allow_playback_repeats"] is False


CLEAN = {
    "request": {
        "uri": f"{PLACEHOLDER_HOST}/api/projects",
        "method": "GET",
        "body": None,
        "headers": {"key": [ACCESS_KEY_PLACEHOLDER]},
    },
    "response": {
        "status": {"code": 200, "message": "OK"},
        "headers": {},
        "body": {"string": json.dumps({"api_key": "<api-key:0123abcd>"})},
    },
}

LEAKS: dict[str, tuple[tuple[str, ...], Any, list[str]]] = {
    # where the leak is put, what it is, and the findings (": " for the file's text,
    # " #1: " for the first interaction's structure), which show at most a prefix of it
    "the host": (
        ("request", "uri"),
        "http://10.0.0.5:8080/api/projects",
        [": the host '10.0.0.5:8080'", " #1: a request to '10.0.0.5:8080'"],
    ),
    "loopback": (
        ("response", "body", "string"),
        '{"url": "see localhost:8080"}',
        [": a loopback address 'localhost:8080'"],
    ),
    "header": (
        ("request", "headers", "key"),
        [ACCESS_KEY],
        [": the secret a-pl… appears", " #1: a key header that is no placeholder"],
    ),
    "response header": (
        ("response", "headers", "Set-Cookie"),
        ["session=abc"],
        [" #1: a Set-Cookie header that is no placeholder"],
    ),
    "field 'api_key'": (
        ("response", "body", "string"),
        json.dumps({"api_key": ENDPOINT_KEY}),
        [" #1: the field 'api_key' holds a value"],
    ),
    "field 'password'": (
        ("request", "body"),
        json.dumps({"password": "hunter2"}),
        [" #1: the field 'password' holds a value"],
    ),
    "nested field": (
        ("request", "body"),
        json.dumps({"aws": {"credentials": [{"secret_access_key": "abc"}]}}),
        [" #1: the field 'secret_access_key' holds a value"],
    ),
    "field in bytes": (
        ("request", "body"),
        json.dumps({"password": "hunter2"}).encode(),
        [" #1: the field 'password' holds a value"],
    ),
    "AWS access key id": (
        ("request", "body"),
        '{"id": "AKIAIOSFODNN7EXAMPLE"}',
        [": an AWS access key id AKIAIOSF…"],
    ),
    "long hex": (
        ("response", "body", "string"),
        '{"x": "' + "ab" * 32 + '"}',
        [": a long hex string abababab… (a key?)"],
    ),
    "the secret": (
        ("response", "body", "string"),
        f'{{"echo": "{ACCESS_KEY}"}}',
        [": the secret a-pl… appears"],
    ),
}


def write_cassette(folder: Path, interaction: dict[str, Any]) -> Path:
    import yaml  # type: ignore[import-untyped]

    path = folder / "one.yaml"
    path.write_text(yaml.safe_dump({"interactions": [interaction], "version": 1}))
    return path


def test_a_clean_cassette_has_no_findings(tmp_path: Path) -> None:
    write_cassette(tmp_path, CLEAN)
    assert scan_cassettes(tmp_path, secrets=[ACCESS_KEY]) == []


@pytest.mark.parametrize("leak", sorted(LEAKS))
def test_the_scan_finds_each_kind_of_leak(tmp_path: Path, leak: str) -> None:
    (where, value, expected) = LEAKS[leak]
    interaction = json.loads(json.dumps(CLEAN))
    parent = interaction
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = value
    path = write_cassette(tmp_path, interaction)
    assert scan_cassettes(tmp_path, secrets=[ACCESS_KEY]) == [f"{path}{f}" for f in expected]


def test_a_boundary_is_fixed_whatever_the_order_of_headers() -> None:
    from sambastudio.testing import MULTIPART_BOUNDARY

    body = b"--chosen-42\r\nx\r\n--chosen-42--\r\n"
    recorded = Scrubber().request(
        request(
            f"{HOST}/api/predict/file/p/e",
            body,
            key=ACCESS_KEY,
            **{"Content-Type": "multipart/form-data; boundary=chosen-42"},
        )
    )
    assert recorded.body == body.replace(b"chosen-42", MULTIPART_BOUNDARY.encode())
    assert recorded.headers["Content-Type"] == f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"


def test_a_multipart_boundary_is_recorded_as_the_fixed_one() -> None:
    import requests
    from vcr.request import Request as VcrRequest

    from sambastudio.testing import MULTIPART_BOUNDARY, Scrubber

    prepared = requests.Request(
        "POST", "https://h.example/api/predict/file/p/e", files={"predict_file": ("a.txt", b"x")}
    ).prepare()
    chosen = prepared.headers["Content-Type"].split("boundary=")[1]
    recorded = Scrubber().request(
        VcrRequest("POST", prepared.url, prepared.body, dict(prepared.headers))
    )
    assert chosen != MULTIPART_BOUNDARY
    assert recorded.headers["Content-Type"].endswith(f"boundary={MULTIPART_BOUNDARY}")
    assert chosen.encode() not in recorded.body
    assert recorded.body.count(MULTIPART_BOUNDARY.encode()) == 2
