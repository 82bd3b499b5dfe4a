"""A hostile server cannot make the client hold, nest or unpack without bound."""

from __future__ import annotations

import io
import json
import random
import tarfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sambastudio import Client, Limits
from sambastudio._limits import decode_json, json_depth
from sambastudio.compat import SnSdk, SnSdkDeprecationWarning
from sambastudio.errors import (
    ArchiveLimitError,
    InternalServerError,
    LimitExceededError,
    UnsafeArchiveError,
)
from sambastudio.transfers.extract import safe_extract

KEY = "k-0123456789abcdef"


def _client(server: HTTPServer, **limits: int) -> Client:
    return Client(
        host_url=server.url_for(""), access_key=KEY, max_retries=0, limits=Limits(**limits)
    )


def test_a_deeply_nested_answer_is_a_limit_error_not_a_recursion_error(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/api/projects").respond_with_data(
        "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    with pytest.raises(LimitExceededError) as raised:
        _client(httpserver).projects.list().to_list()
    assert raised.value.limit == "max_json_depth"


def test_the_shim_returns_a_dict_for_a_deeply_nested_answer(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/projects").respond_with_data(
        '{"a":' * 50_000 + "1" + "}" * 50_000, content_type="application/json"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnSdkDeprecationWarning)
        result = SnSdk(httpserver.url_for(""), KEY).list_projects()
    assert "max_json_depth" in result["detail"]


def test_a_deeply_nested_error_body_is_quoted_not_a_recursion_error(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/api/projects").respond_with_data(
        "[" * 100_000, status=500, content_type="application/json"
    )
    with pytest.raises(InternalServerError, match="500"):
        _client(httpserver).projects.list().to_list()


def test_an_answer_past_max_json_bytes_is_refused(httpserver: HTTPServer) -> None:
    body = '{"projects": [' + ",".join(['{"id": "p"}'] * 1000) + "]}"
    httpserver.expect_request("/api/projects").respond_with_data(
        body, content_type="application/json"
    )
    with pytest.raises(LimitExceededError, match="max_json_bytes") as raised:
        _client(httpserver, max_json_bytes=1000).projects.list().to_list()
    assert raised.value.limit == "max_json_bytes"
    assert len(_client(httpserver).projects.list().to_list()) == 1000


def test_depth_is_counted_outside_strings_only() -> None:
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth(b'["\\"[[["]') == 1
    assert json_depth(b'[[], {"a": {}}]') == 3
    assert json_depth(b"3") == 0
    assert json_depth(b'["\\\\", ["\\\\\\"]", "]]"]]') == 2  # escaped backslashes, quotes
    assert json_depth(b'[{"k": "]]]]"}, "[[", [[[]]]]') == 4  # strings cannot hide depth
    assert decode_json('{"x": "]]]"}', Limits(max_json_depth=1)) == {"x": "]]]"}
    with pytest.raises(LimitExceededError):
        decode_json("[[1]]", Limits(max_json_depth=1))
    deep = "[" * 150 + "]" * 150  # parses, but nests past the default 100
    with pytest.raises(LimitExceededError, match="max_json_depth"):
        decode_json(deep)
    assert json_depth(deep.encode()) == 150


def test_depth_matches_the_parsed_value_for_any_document() -> None:
    """Random documents whose strings are full of brackets, quotes and backslashes."""
    rng = random.Random(16)
    pieces = ['"', "\\", "[", "]", "{", "}", "a", '\\"', "\\\\", "é"]

    def text() -> str:
        return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))

    def document(level: int) -> Any:
        roll = rng.random()
        if level > 6 or roll < 0.3:
            return text() if rng.random() < 0.7 else rng.randint(0, 9)
        if roll < 0.65:
            return [document(level + 1) for _ in range(rng.randint(0, 4))]
        return {text(): document(level + 1) for _ in range(rng.randint(0, 4))}

    def depth(value: Any) -> int:
        if isinstance(value, (list, dict)):
            children = value.values() if isinstance(value, dict) else value
            return 1 + max(map(depth, children), default=0)
        return 0

    for _ in range(2_000):
        value = document(0)
        for encoded in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
            assert json_depth(encoded.encode()) == depth(value), encoded


def _projects_nesting(levels: int) -> dict[str, Any]:
    nested: Any = 1
    for _ in range(levels):
        nested = {"n": nested}
    return {"projects": [{"id": "p1", "name": "one", "metadata": nested}]}


def test_a_list_nested_past_the_limit_inside_an_item_is_refused(httpserver: HTTPServer) -> None:
    """150 levels: within what pydantic-core's own parser takes, past the default 100."""
    httpserver.expect_request("/api/projects").respond_with_json(_projects_nesting(150))
    with pytest.raises(LimitExceededError) as raised:
        _client(httpserver).projects.list().to_list()
    assert raised.value.limit == "max_json_depth"
    with pytest.raises(LimitExceededError, match="max_json_depth"):
        _client(httpserver, max_json_depth=5).projects.list().to_list()


def test_a_list_within_a_raised_depth_limit_is_read(httpserver: HTTPServer) -> None:
    """Deeper than pydantic-core's parser goes (about 200): decoded the general way."""
    httpserver.expect_request("/api/projects").respond_with_json(_projects_nesting(300))
    [project] = _client(httpserver, max_json_depth=310).projects.list().to_list()
    assert project.name == "one"
    assert project.last_response.status_code == 200


@pytest.mark.parametrize("value", [0, -1, True, "10"])
def test_a_limit_must_be_a_positive_number(value: object) -> None:
    with pytest.raises((ValueError, TypeError), match="max_json_depth"):
        Limits(max_json_depth=value)  # type: ignore[arg-type]


def _bomb_tar(path: Path, size: int) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("zeros.bin")
        info.size = size
        tar.addfile(info, io.BytesIO(bytes(size)))
    return path


def test_an_archive_inflating_past_the_ratio_is_refused_before_writing(tmp_path: Path) -> None:
    archive = _bomb_tar(tmp_path / "bomb.tar.gz", 20 << 20)
    dest = tmp_path / "out"
    with pytest.raises(ArchiveLimitError, match="max_extract_ratio") as raised:
        safe_extract(archive, dest)
    assert isinstance(raised.value, UnsafeArchiveError)
    assert list(dest.iterdir()) == []
    assert len(safe_extract(archive, dest, Limits(max_extract_ratio=100_000))) == 1


def test_an_archive_larger_than_max_extract_bytes_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.bin", bytes(range(256)) * 40)
    with pytest.raises(ArchiveLimitError, match="max_extract_bytes"):
        safe_extract(archive, tmp_path / "out", Limits(max_extract_bytes=5000))
