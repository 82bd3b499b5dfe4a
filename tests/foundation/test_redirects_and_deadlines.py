"""The transport's own rules on real loopback servers: redirects and per-attempt deadlines."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import attrs
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._config import Settings
from sambastudio._pipeline import Pipeline, RequestOptions
from sambastudio._routes import ROUTES, WireRequest
from sambastudio._transport import Deadline, DeadlineExceeded, Outgoing, RefusedRedirect
from sambastudio.errors import APIConnectionError, APITimeoutError, BadRequestError
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
    with pytest.raises(APIConnectionError) as caught:
        _pipeline(home).send(ADD_KEY)
    assert elsewhere.log == []
    assert len(home.log) == 1
    origin = elsewhere.url_for("/").rstrip("/")
    assert str(caught.value) == (  # said once, for one attempt: a refusal is never retried
        f"POST {home.url_for(ADD_KEY.path)} failed after 1 attempt: refused to send the request "
        f"body on to another origin ({origin}) named by a {status} redirect"
    )
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


class _Redirect:
    """The parts of a redirect response that :meth:`Outgoing.redirected` reads."""

    def __init__(self, status_code: int, url: str = "https://sambastudio.example.com/api/x"):
        self.status_code = status_code
        self.url = url


FOREIGN = "https://files.example.net/y"


def test_https_may_redirect_to_another_https_origin_without_the_secrets() -> None:
    request = Outgoing("GET", _Redirect(302).url, {"key": ACCESS_KEY, "trace-id": "t"})
    moved = request.redirected(_Redirect(302), FOREIGN)  # type: ignore[arg-type]
    assert (moved.method, moved.url, dict(moved.headers)) == ("GET", FOREIGN, {"trace-id": "t"})


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_bodiless_redirect_turns_the_request_into_a_get_without_body_headers(
    status: int,
) -> None:
    headers = {"key": ACCESS_KEY, "Content-Type": "application/json", "Content-Length": "14"}
    request = Outgoing("POST", _Redirect(status).url, headers, json={"name": "demo"})
    target = "https://sambastudio.example.com/api/projects/demo"
    moved = request.redirected(_Redirect(status), target)  # type: ignore[arg-type]
    assert (moved.method, moved.json, moved.has_body) == ("GET", None, False)
    assert dict(moved.headers) == {"key": ACCESS_KEY}


def test_a_head_stays_a_head_through_a_redirect() -> None:
    request = Outgoing("HEAD", _Redirect(302).url, {})
    assert request.redirected(_Redirect(302), FOREIGN).method == "HEAD"  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [307, 308])
def test_a_body_keeping_redirect_keeps_method_body_and_its_headers(status: int) -> None:
    headers = {"key": ACCESS_KEY, "Content-Type": "application/json"}
    request = Outgoing(
        "POST", _Redirect(status).url, headers, params={"page": "2"}, json={"name": "demo"}
    )
    target = "https://sambastudio.example.com/api/moved?page=2"
    moved = request.redirected(_Redirect(status), target)  # type: ignore[arg-type]
    assert (moved.method, moved.url, moved.json) == ("POST", target, {"name": "demo"})
    assert dict(moved.headers) == headers
    assert moved.params is None  # the location carries its own query; not sent twice


def test_a_body_keeping_redirect_of_a_get_to_another_origin_drops_the_secrets() -> None:
    request = Outgoing("GET", _Redirect(307).url, {"key": ACCESS_KEY, "Authorization": "k"})
    moved = request.redirected(_Redirect(307), FOREIGN)  # type: ignore[arg-type]
    assert (moved.url, dict(moved.headers)) == (FOREIGN, {})


def test_a_query_is_not_repeated_through_a_same_origin_307(home: HTTPServer) -> None:
    jobs = ROUTES["list_jobs"].bind(project_id="p")
    home.expect_request(jobs.path).respond_with_response(
        Response(status=307, headers={"Location": "/moved?page=2"})
    )
    home.expect_request("/moved").respond_with_json({"jobs": []})
    _pipeline(home).send(attrs.evolve(jobs, query={"page": "2"}))
    assert home.log[1][0].query_string == b"page=2"


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
    with pytest.raises(APITimeoutError, match="timeout=1") as caught:
        _pipeline(home, max_retries=0, timeout=1).send(ROUTES["list_projects"].bind())
    assert time.monotonic() - started < 1.8
    assert "(the response was still arriving at the deadline)" in str(caught.value)


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


def _chain(server: HTTPServer, hops: int) -> None:
    """``/api/projects`` redirected ``hops`` times, then answered."""
    for hop in range(hops):
        here = "/api/projects" if hop == 0 else f"/hop/{hop}"
        server.expect_request(here).respond_with_response(
            Response(status=302, headers={"Location": f"/hop/{hop + 1}"})
        )
    server.expect_request(f"/hop/{hops}").respond_with_json({"projects": []})


def test_ten_redirects_are_followed(home: HTTPServer) -> None:
    _chain(home, 10)
    response = _pipeline(home).send(ROUTES["list_projects"].bind())
    assert response.json() == {"projects": []}
    assert len(home.log) == 11


def test_an_eleventh_redirect_is_refused(home: HTTPServer) -> None:
    _chain(home, 11)
    with pytest.raises(APIConnectionError, match=r"\(more than 10 redirects\)$"):
        _pipeline(home).send(ROUTES["list_projects"].bind())
    assert len(home.log) == 11


def _slow_start(request: Request) -> Response:
    """Headers after 0.6 s, then 16 bytes at 5 a second (3.2 s more)."""
    time.sleep(0.6)
    return _trickle_every(0.2)


def _trickle_every(seconds: float) -> Response:
    def one_byte_at_a_time() -> Iterator[bytes]:
        for byte in b'{"projects": []}':
            time.sleep(seconds)
            yield bytes([byte])

    return Response(one_byte_at_a_time(), content_type="application/json")


def test_the_deadline_of_a_call_counts_from_its_start(home: HTTPServer) -> None:
    home.expect_request("/api/projects").respond_with_handler(_slow_start)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _pipeline(home, max_retries=0, timeout=1).send(ROUTES["list_projects"].bind())
    assert time.monotonic() - started < 1.4  # 1 s from the start, not 1 s from the headers


def _slow_redirect(request: Request) -> Response:
    time.sleep(0.6)
    return Response(status=302, headers={"Location": "/hop/1"})


def test_a_redirect_leaves_the_next_hop_only_what_is_left_of_the_deadline(
    home: HTTPServer,
) -> None:
    home.expect_request("/api/projects").respond_with_handler(_slow_redirect)
    home.expect_request("/hop/1").respond_with_handler(lambda request: _trickle_every(0.2))
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _pipeline(home, max_retries=0, timeout=1).send(ROUTES["list_projects"].bind())
    assert time.monotonic() - started < 1.4  # 0.4 s for the second hop, not 1 s again
    assert len(home.log) == 2


def test_the_error_body_of_a_streamed_call_is_read_within_the_deadline(home: HTTPServer) -> None:
    home.expect_request("/api/projects").respond_with_response(
        Response(
            (bytes([b]) for b in b'{"detail": "no"}' if time.sleep(0.25) is None),
            status=400,
            content_type="application/json",
        )
    )
    started = time.monotonic()
    with pytest.raises(BadRequestError):
        _pipeline(home, max_retries=0, timeout=1).send(ROUTES["list_projects"].bind(), stream=True)
    assert time.monotonic() - started < 1.8  # cut at 1 s; read whole it would take 4 s


def _upload_part(body: bytes) -> WireRequest:
    return ROUTES["upload_part_file"].bind(
        file_path="a.bin", part_number=1, upload_id="u", folder_id="f", file=io.BytesIO(body)
    )


def test_an_uploads_answer_is_still_bounded_by_the_deadline(home: HTTPServer) -> None:
    part = _upload_part(b"part")
    home.expect_request(part.path, method="PUT").respond_with_handler(
        lambda request: _trickle_every(0.25)
    )
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _pipeline(home, max_retries=0, timeout=1).send(part)
    assert time.monotonic() - started < 1.8


def test_a_passed_deadline_allows_no_further_step() -> None:
    """Between redirect hops, or before a body is read: the user is told which deadline."""
    passed = Deadline(1.0, 1.0, time.monotonic() - 0.001)
    with pytest.raises(DeadlineExceeded) as caught:
        passed.step()
    assert str(caught.value) == "the deadline passed before the response arrived"


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


def test_an_answer_ended_by_closing_is_not_taken_for_whole_when_cut() -> None:
    """Without a length, the cut reads as the end of the answer: the deadline still says."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    with trickling_server(steady=head, pieces=bytewise(b'{"projects": []}')) as server:
        pipeline = Pipeline(
            Settings(host_url=server.url, access_key=ACCESS_KEY, max_retries=0, timeout=1)
        )
        with pytest.raises(APITimeoutError) as caught:
            pipeline.send(ROUTES["list_projects"].bind())
    assert str(caught.value) == (
        f"GET {server.url}/api/projects failed after 1 attempt: timed out waiting for the"
        " response (the response was still arriving at the deadline); timeout=1"
    )


def test_trickling_headers_through_a_proxy_cannot_outlive_the_timeout() -> None:
    """requests asks an http proxy for the whole URL: the trickling server plays the proxy."""
    with trickling_server(steady=b"HTTP/1.1 200 OK\r\n", pieces=bytewise(SLOW_HEADERS)) as proxy:
        settings = Settings(
            host_url="http://sambastudio.invalid",
            access_key=ACCESS_KEY,
            max_retries=0,
            timeout=1,
            proxies={"http": proxy.url},
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="timeout=1"):
            Pipeline(settings).send(ROUTES["list_projects"].bind())
        assert time.monotonic() - started < 2.5
        assert proxy.connections == 1


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
