"""The dicts the shim returns, built on their own: shapes, truncation and masking.

The shim's tests read these dicts through the emulator; these pin the edges a real server
reaches and the emulator does not: long plain-text error pages, bodies that are not
objects, and a failure message that repeats a secret the caller sent.
"""

from __future__ import annotations

import io
from typing import Any

import pytest

from sambastudio._limits import DEFAULT_LIMITS, Limits
from sambastudio.compat._envelope import (
    envelope,
    failure_dict,
    response_dict,
    without_sent_secrets,
)
from tests.compat.helpers import fake_response

LIMIT = 300
"""How much of a plain-text error the shim keeps (``SnSdk`` cut its ``detail`` too)."""


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"a": 1}, 200, {"a": 1}),
        (None, 200, {}),
        ("", 204, {}),
        ([1, 2], 200, {"data": [1, 2]}),
        ([1, 2], 500, {"data": [1, 2]}),  # only a string becomes a detail
        ("plain text", 200, {"data": "plain text"}),  # a string is an error only from 400 on
        ("  Bad\n gateway  ", 502, {"detail": "Bad gateway"}),
        ("Bad request", 400, {"detail": "Bad request"}),
    ],
)
def test_every_body_becomes_a_dict(body: Any, status: int, expected: dict[str, Any]) -> None:
    assert envelope(body, status, {"X-A": "1"}) == {
        **expected,
        "status_code": status,
        "headers": {"X-A": "1"},
    }


def test_the_server_body_is_copied_not_changed() -> None:
    body = {"a": 1}
    envelope(body, 200, {})
    assert body == {"a": 1}


def test_an_error_text_is_kept_whole_up_to_the_limit_then_cut() -> None:
    exact = "x" * LIMIT
    assert envelope(exact, 500, {})["detail"] == exact
    longer = "y" * (LIMIT + 1)
    assert envelope(longer, 500, {})["detail"] == "y" * (LIMIT - 3) + "..."


def test_a_failure_masks_the_secrets_the_caller_sent() -> None:
    sent = "plain-words-the-caller-chose"  # not shaped like a secret: only the value masks it
    result = failure_dict(f"proxy refused {sent} at the door", 503, [sent])
    assert result == {
        "detail": "proxy refused *** at the door",
        "status_code": 503,
        "headers": {},
    }


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"<html>Bad  gateway</html>", "<html>Bad gateway</html>"),
        ("\u00a0\u2003".encode(), "the response body is not JSON"),  # blank once decoded
    ],
)
def test_a_body_that_is_not_json_becomes_a_detail(raw: bytes, detail: str) -> None:
    assert response_dict(fake_response(status=502, raw=raw), DEFAULT_LIMITS)["detail"] == detail


class Wire(io.BytesIO):
    """A body on the wire that remembers how much of it was read when it was closed."""

    read_when_closed: int | None = None

    def close(self) -> None:
        self.read_when_closed = self.tell()


def streamed(status: int, raw: bytes) -> Any:
    """A response whose body is still on the wire, as the shim's requests stream it."""
    response = fake_response(status=status, raw=b"")
    response._content = False
    response.raw = Wire(raw)
    return response


def test_a_streamed_body_past_max_json_bytes_is_not_read_further() -> None:
    response = streamed(200, b'{"projects": ["' + b"p" * 1000 + b'"]}')
    result = response_dict(response, Limits(max_json_bytes=10))
    assert result["detail"] == (
        "the answer is larger than max_json_bytes (10 bytes). "
        "Raise it by setting SAMBASTUDIO_LIMITS=max_json_bytes=<value> in the environment."
    )
    assert (result["status_code"], response.raw.read_when_closed) == (200, 11)  # limit + 1 byte


def test_a_body_nested_past_max_json_depth_becomes_a_detail() -> None:
    result = response_dict(fake_response({"a": {"b": {"c": 1}}}), Limits(max_json_depth=2))
    assert result == {
        "detail": "the JSON answer nests deeper than max_json_depth (2). "
        "Raise it by setting SAMBASTUDIO_LIMITS=max_json_depth=<value> in the environment.",
        "status_code": 200,
        "headers": {"Content-Type": "application/json", "x-correlation-id": "corr-1"},
    }


@pytest.mark.parametrize("raw", [b"", b"  \n"])
def test_an_empty_body_gives_only_the_added_keys(raw: bytes) -> None:
    assert response_dict(fake_response(status=204, raw=raw), DEFAULT_LIMITS).keys() == {
        "status_code",
        "headers",
    }


SENT = {"secret_access_key": "sent-secret-value", "api_key": "sent-endpoint-key"}


def test_sent_secrets_are_masked_in_values_keys_and_lists() -> None:
    echoed = {
        "detail": "refused sent-secret-value",
        "sent-secret-value": 1,
        "items": ["x sent-secret-value", {"note": "sent-endpoint-key was wrong"}],
    }
    assert without_sent_secrets(echoed, SENT) == {
        "detail": "refused ***",
        "***": 1,
        "items": ["x ***", {"note": "*** was wrong"}],
    }


def test_the_endpoint_key_stays_where_it_is_the_data() -> None:
    """Listed whole as an ``api_key`` (alone or in a list there), the key is the resource."""
    listed = {"api_key": "sent-endpoint-key", "api_keys": [{"api_key": "sent-endpoint-key"}]}
    assert without_sent_secrets(listed, SENT) == listed
    assert without_sent_secrets({"api_key": ["sent-endpoint-key"]}, SENT) == {
        "api_key": ["sent-endpoint-key"]
    }
    assert without_sent_secrets({"api_key": "sent-secret-value"}, SENT) == {"api_key": "***"}


def test_nothing_sent_leaves_the_result_as_it_is() -> None:
    result = {"detail": "sent-secret-value"}
    assert without_sent_secrets(result, {}) is result
