"""The transport's own rules on real loopback servers: redirects and per-attempt deadlines."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline, RequestOptions
from sambastudio._routes import ROUTES
from sambastudio._transport import Outgoing, RefusedRedirect
from sambastudio.errors import APIConnectionError, APITimeoutError
from tests.hardening.trickling_server import bytewise, trickling_server

ACCESS_KEY = "redirect-test-access-key-0123456789abcdef"
SECRET = "the-new-endpoint-key-that-must-stay-home"


@pytest.fixture
def home(httpserver: HTTPServer) -> HTTPServer:
    return httpserver


def _pipeline(server: HTTPServer, **settings: object) -> Pipeline:
    options = {"host_url": server.url_for("/"), "access_key": ACCESS_KEY, **settings}
    return Pipeline(Settings(**options), sleep=lambda _: None)  # type: ignore[arg-type]


ADD_KEY = ROUTES["add_endpoint_api_key"].bind(
    project_id="p", endpoint_id="e", api_key=SECRET, description="ci"
)


@pytest.mark.parametrize("status", [307, 308])
def test_a_body_is_not_sent_on_to_another_origin(
    home: HTTPServer, elsewhere: HTTPServer, status: int
) -> None:
    home.expect_request(ADD_KEY.path, method="POST").respond_with_response(
        Response(status=status, headers={"Location": elsewhere.url_for(ADD_KEY.path)})
    )
    elsewhere.expect_request(ADD_KEY.path).respond_with_json({})
    with pytest.raises(APIConnectionError, match="another origin") as caught:
        _pipeline(home).send(ADD_KEY)
    assert elsewhere.log == []
    assert len(home.log) == 1
    assert SECRET not in str(caught.value)


def test_a_body_follows_a_redirect_within_the_origin(home: HTTPServer) -> None:
    home.expect_request(ADD_KEY.path, method="POST").respond_with_response(
        Response(status=307, headers={"Location": "/moved"})
    )
    home.expect_request("/moved", method="POST").respond_with_json({"ok": True})
    assert _pipeline(home).send(ADD_KEY).json() == {"ok": True}
    moved = home.log[1][0]
    assert SECRET in moved.get_data(as_text=True)
    assert moved.headers["key"] == ACCESS_KEY


def test_a_bodiless_redirect_to_another_origin_drops_the_access_key(
    home: HTTPServer, elsewhere: HTTPServer
) -> None:
    home.expect_request("/api/projects").respond_with_response(
        Response(status=302, headers={"Location": elsewhere.url_for("/list")})
    )
    elsewhere.expect_request("/list").respond_with_json({"projects": []})
    assert _pipeline(home).send(ROUTES["list_projects"].bind()).json() == {"projects": []}
    assert "key" not in elsewhere.log[0][0].headers


def test_https_never_redirects_to_http() -> None:
    class Redirect:
        url = "https://sambastudio.example.com/api/login"
        status_code = 308

    request = Outgoing("POST", Redirect.url, {}, json={"password": "p"})
    with pytest.raises(RefusedRedirect, match="from https to http"):
        request.redirected(Redirect(), "http://sambastudio.example.com/api/login")  # type: ignore[arg-type]
    bodiless = Outgoing("GET", Redirect.url, {})
    with pytest.raises(RefusedRedirect, match="from https to http"):
        bodiless.redirected(Redirect(), "http://sambastudio.example.com/api/x")  # type: ignore[arg-type]


def _trickle(request: Request) -> Response:
    def one_byte_at_a_time() -> Iterator[bytes]:
        for byte in b'{"projects": []}':
            time.sleep(0.25)
            yield bytes([byte])

    return Response(one_byte_at_a_time(), content_type="application/json")


def test_a_trickling_answer_cannot_outlive_the_timeout(home: HTTPServer) -> None:
    """16 bytes at 4 a second take 4 s; each arrives well within the 1 s timeout."""
    home.expect_request("/api/projects").respond_with_handler(_trickle)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="timeout=1"):
        _pipeline(home, max_retries=0, timeout=1).send(ROUTES["list_projects"].bind())
    assert time.monotonic() - started < 1.8


def test_retries_of_a_trickling_answer_are_bounded_too(home: HTTPServer) -> None:
    """Two attempts of a 1 s deadline (waits between them skipped): about 2 s, never 8."""
    home.expect_request("/api/projects").respond_with_handler(_trickle)
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="2 attempts"):
        _pipeline(home, max_retries=1).send(
            ROUTES["list_projects"].bind(), options=RequestOptions(timeout=1)
        )
    assert time.monotonic() - started < 3.0


def test_a_quick_answer_is_not_cut(home: HTTPServer) -> None:
    home.expect_request("/api/projects").respond_with_json({"projects": []})
    response = _pipeline(home, timeout=1).send(ROUTES["list_projects"].bind())
    assert response.json() == {"projects": []}


SLOW_HEADERS = b"X-Slow: " + b"a" * 50 + b"\r\n"
"""50 bytes at 5 a second: 10 s of headers, each byte well within a 1 s read timeout."""


def test_trickling_headers_cannot_outlive_the_timeout() -> None:
    with trickling_server(steady=b"HTTP/1.1 200 OK\r\n", pieces=bytewise(SLOW_HEADERS)) as server:
        pipeline = Pipeline(
            Settings(host_url=server.url, access_key=ACCESS_KEY, max_retries=0, timeout=1)
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="timeout=1"):
            pipeline.send(ROUTES["list_projects"].bind())
        assert time.monotonic() - started < 2.5


def test_trickling_headers_are_retried_as_a_timeout_of_an_idempotent_call() -> None:
    with trickling_server(steady=b"HTTP/1.1 200 OK\r\n", pieces=bytewise(SLOW_HEADERS)) as server:
        pipeline = Pipeline(
            Settings(host_url=server.url, access_key=ACCESS_KEY, max_retries=1, timeout=1),
            sleep=lambda _: None,
        )
        with pytest.raises(APITimeoutError, match="2 attempts"):
            pipeline.send(ROUTES["list_projects"].bind())
        assert server.connections == 2


def test_trickling_headers_after_an_upload_cannot_outlive_the_timeout() -> None:
    """An upload's deadline starts when its response does, and covers the headers then."""
    with trickling_server(steady=b"HTTP/1.1 200 OK\r\n", pieces=bytewise(SLOW_HEADERS)) as server:
        pipeline = Pipeline(
            Settings(host_url=server.url, access_key=ACCESS_KEY, max_retries=0, timeout=1)
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            pipeline.send(
                ROUTES["upload_part_file"].bind(
                    folder_id="f",
                    file_path="a.jsonl",
                    part_number=1,
                    upload_id="u",
                    file=io.BytesIO(b"one part"),
                )
            )
        assert time.monotonic() - started < 2.5
