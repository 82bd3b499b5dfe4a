"""The retry policy against real failures: statuses, refused connections, timeouts, drops."""

from __future__ import annotations

import email.utils
import io
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sambastudio._config import Settings
from sambastudio._limits import Limits
from sambastudio._pipeline import RETRY_STATUSES, Pipeline, RequestOptions, _Failure
from sambastudio._routes import ROUTES, Arg, Route, WireRequest
from sambastudio.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
)
from sambastudio.transfers import upload as _upload
from sambastudio.transfers.plan import plan_upload

from .conftest import ACCESS_KEY, HangUpServer

LIST = ROUTES["list_projects"].bind()
CREATE = ROUTES["create_project"].bind(project_name="demo", description="")


def fail_then_succeed(
    httpserver: HTTPServer, path: str, *statuses: int, method: str = "GET"
) -> None:
    for status in statuses:
        httpserver.expect_ordered_request(path, method=method).respond_with_json(
            {"detail": "busy"}, status=status
        )
    httpserver.expect_ordered_request(path, method=method).respond_with_json({"ok": True})


@pytest.mark.parametrize("status", [408, 429, 502, 503, 504])
def test_retryable_statuses_are_retried_for_get(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float], status: int
) -> None:
    fail_then_succeed(httpserver, "/api/projects", status, status)
    assert transport.send(LIST).json() == {"ok": True}
    assert len(httpserver.log) == 3
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize(("status", "error"), [(500, InternalServerError), (400, BadRequestError)])
def test_other_statuses_are_not_retried(
    httpserver: HTTPServer,
    transport: Pipeline,
    sleeps: list[float],
    status: int,
    error: type[APIStatusError],
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "no"}, status=status)
    with pytest.raises(error):
        transport.send(LIST)
    assert len(httpserver.log) == 1
    assert sleeps == []


def test_the_last_failure_is_raised_after_max_retries(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "down"}, status=503)
    with pytest.raises(InternalServerError, match="503 SERVICE UNAVAILABLE: down"):
        transport.send(LIST)
    assert len(httpserver.log) == 3
    assert sleeps == [0.5, 1.0]


def test_a_create_is_never_sent_twice(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects", method="POST").respond_with_json({}, status=503)
    with pytest.raises(InternalServerError):
        transport.send(CREATE)
    assert len(httpserver.log) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("wire", "method", "path"),
    [
        (ROUTES["stop_job"].bind(project="p", job="j"), "POST", "/api/projects/p/jobs/j/stop"),
        (ROUTES["update_project"].bind(project="p", name="n"), "PATCH", "/api/projects/p"),
        (ROUTES["delete_project"].bind(project="p"), "DELETE", "/api/projects/p"),
    ],
)
def test_safe_to_retry_and_idempotent_methods_are_retried(
    httpserver: HTTPServer, transport: Pipeline, wire: WireRequest, method: str, path: str
) -> None:
    fail_then_succeed(httpserver, path, 502, method=method)
    assert transport.send(wire).json() == {"ok": True}
    assert len(httpserver.log) == 2


def test_backoff_doubles_to_a_cap_of_eight_seconds(
    httpserver: HTTPServer, make_transport: Callable[..., Pipeline], sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({}, status=503)
    with pytest.raises(InternalServerError):
        make_transport(max_retries=6).send(LIST)
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_jitter_shortens_the_delay_by_up_to_a_quarter(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    delays: list[float] = []
    jittery = Pipeline(transport.settings, sleep=delays.append, random=lambda: 1.0)
    fail_then_succeed(httpserver, "/api/projects", 503, 503)
    jittery.send(LIST)
    assert delays == [0.375, 0.75]


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("0.25", 0.25), ("600", 60.0)])
def test_retry_after_seconds_is_honoured_up_to_sixty(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float], header: str, expected: float
) -> None:
    httpserver.expect_ordered_request("/api/projects").respond_with_json(
        {}, status=429, headers={"Retry-After": header}
    )
    httpserver.expect_ordered_request("/api/projects").respond_with_json({})
    transport.send(LIST)
    assert sleeps == [expected]


def _in_30_s_gmt() -> str:
    return email.utils.formatdate(time.time() + 30, usegmt=True)


def _in_30_s_without_a_zone() -> str:
    """RFC 5322's ``-0000`` (no zone given) parses to a naive time: it is read as UTC."""
    naive = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(seconds=30)
    when = email.utils.format_datetime(naive)
    assert when.endswith("-0000")
    return when


@pytest.mark.parametrize("when", [_in_30_s_gmt, _in_30_s_without_a_zone], ids=["gmt", "no-zone"])
def test_retry_after_http_date_is_honoured(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float], when: Callable[[], str]
) -> None:
    httpserver.expect_ordered_request("/api/projects").respond_with_json(
        {}, status=503, headers={"Retry-After": when()}
    )
    httpserver.expect_ordered_request("/api/projects").respond_with_json({})
    transport.send(LIST)
    assert len(sleeps) == 1
    assert 28.0 < sleeps[0] <= 30.0


def test_a_pipeline_with_options_keeps_its_sleep_and_jitter(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    fail_then_succeed(httpserver, "/api/projects", 503)
    transport.with_options(RequestOptions(max_retries=1)).send(LIST)
    assert sleeps == [0.5]  # the injected sleep, without jitter (random() is 0 here)


def test_an_unreadable_retry_after_falls_back_to_backoff(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_ordered_request("/api/projects").respond_with_json(
        {}, status=503, headers={"Retry-After": "soon"}
    )
    httpserver.expect_ordered_request("/api/projects").respond_with_json({})
    transport.send(LIST)
    assert sleeps == [0.5]


def test_max_retries_zero_sends_once(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({}, status=503)
    with pytest.raises(InternalServerError):
        transport.send(LIST, options=RequestOptions(max_retries=0))
    with pytest.raises(InternalServerError):
        transport.with_options(RequestOptions(max_retries=0)).send(LIST)
    assert len(httpserver.log) == 2
    assert sleeps == []


def test_raise_for_status_false_returns_the_last_response(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "x"}, status=502)
    assert transport.send(LIST, raise_for_status=False).status_code == 502
    assert len(httpserver.log) == 3


# ---------------------------------------------------------- retry statuses of one call


def test_a_call_may_retry_a_500_when_repeating_it_is_harmless(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    fail_then_succeed(httpserver, "/api/projects", 500, 503)
    response = transport.send(LIST, retry_statuses=RETRY_STATUSES | {500})
    assert response.json() == {"ok": True}
    assert len(httpserver.log) == 3
    assert sleeps == [0.5, 1.0]


def test_widened_retry_statuses_still_never_repeat_a_create(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects", method="POST").respond_with_json({}, status=500)
    with pytest.raises(InternalServerError):
        transport.send(CREATE, retry_statuses=RETRY_STATUSES | {500})
    assert len(httpserver.log) == 1
    assert sleeps == []


def test_retry_statuses_hold_for_their_call_only(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "x"}, status=500)
    with pytest.raises(InternalServerError):
        transport.send(LIST, retry_statuses={500})
    assert len(httpserver.log) == 3
    with pytest.raises(InternalServerError):
        transport.send(LIST)
    assert len(httpserver.log) == 4
    assert sleeps == [0.5, 1.0]


def test_retry_statuses_are_the_whole_set_retried(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "x"}, status=503)
    with pytest.raises(InternalServerError, match="503"):
        transport.send(LIST, retry_statuses={500})
    assert len(httpserver.log) == 1
    assert sleeps == []


def test_an_upload_part_answered_500_is_sent_again_whole_after_backoff(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float], tmp_path: Path
) -> None:
    path = "/api/v1beta/upload/file/a.bin"
    fail_then_succeed(httpserver, path, 500, 500, method="PUT")
    (tmp_path / "a.bin").write_bytes(b"0123456789" * 1000)
    file = plan_upload(tmp_path / "a.bin", chunk_size=4000).files[0]
    part = file.parts(4000)[1]
    stream = _upload.PartStream(file, part)

    answer = _upload._send(
        transport,
        ROUTES["upload_part_file"],
        file_path="a.bin",
        part_number=part.number,
        upload_id="u",
        folder_id="f",
        file=stream,
    )

    assert answer == {"ok": True}
    expected = (b"0123456789" * 1000)[4000:8000]
    assert [request.get_data() for request, _ in httpserver.log] == [expected] * 3
    assert sleeps == [0.5, 1.0]
    assert stream.crc == format(zlib.crc32(expected), "08x")


def test_an_upload_gives_up_on_a_500_after_its_own_retries(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/apps").respond_with_json({"detail": "down"}, status=500)
    with pytest.raises(InternalServerError, match="down"):
        _upload._send(transport, ROUTES["list_apps"])
    assert len(httpserver.log) == _upload._RETRIES + 1
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]


# ------------------------------------------------------------------------- bodies


def test_a_file_body_is_rewound_before_a_retry(httpserver: HTTPServer, transport: Pipeline) -> None:
    fail_then_succeed(httpserver, "/api/v1beta/upload/file/a.bin", 503, method="PUT")
    body = io.BytesIO(b"headerPART-BYTES")
    body.seek(6)  # the part starts here, as an uploader reading a window would leave it
    part = ROUTES["upload_part_file"].bind(
        file_path="a.bin", part_number=2, upload_id="u", folder_id="f", file=body
    )
    transport.send(part)
    assert [request.get_data() for request, _ in httpserver.log] == [b"PART-BYTES"] * 2


_MULTIPART_PUT = Route(
    name="put_form",
    method="PUT",
    path="/form",
    args=(Arg("file", "multipart", "upload"),),
    evidence="assumed",
    source="",
    summary="a repeatable multipart test route",
    response="{}",
)


def test_a_multipart_file_is_sent_whole_again_on_a_retry(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    """requests reads a form's file while it builds the body: a retry must rewind it, or
    the second attempt sends an empty file."""
    fail_then_succeed(httpserver, "/form", 503, method="PUT")
    form = _MULTIPART_PUT.bind(file=("data.bin", io.BytesIO(b"FILE-BYTES")))
    transport.send(form)
    bodies = [request.files["upload"].read() for request, _ in httpserver.log]
    assert bodies == [b"FILE-BYTES"] * 2
    assert sleeps == [0.5]


def test_the_route_table_is_kept_by_every_sibling_pipeline(
    make_transport: Callable[..., Pipeline],
) -> None:
    transport = make_transport().with_routes({"put_form": _MULTIPART_PUT})
    assert transport.routes["put_form"] is _MULTIPART_PUT
    assert transport.routes["list_projects"] is ROUTES["list_projects"]
    retimed = transport.with_options(RequestOptions(timeout=5))
    moved = transport.with_settings(attrs.evolve(transport.settings, host_url="http://other"))
    for sibling in (retimed, moved, transport.with_routes({})):
        assert sibling.routes == transport.routes


def test_an_iterator_body_is_never_retried(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/v1beta/upload/file/a.bin", method="PUT").respond_with_json(
        {}, status=503
    )
    part = ROUTES["upload_part_file"].bind(
        file_path="a.bin", part_number=1, upload_id="u", folder_id="f", file=iter([b"ab", b"cd"])
    )
    with pytest.raises(InternalServerError):
        transport.send(part)
    assert len(httpserver.log) == 1
    assert sleeps == []


# -------------------------------------------------------------- failures without a response


def test_connection_refused_is_retried_then_named(
    make_transport: Callable[..., Pipeline], sleeps: list[float], closed_port: int
) -> None:
    transport = make_transport(host_url=f"http://127.0.0.1:{closed_port}")
    for wire in (LIST, CREATE):  # nothing reached the server: even a create is retried
        sleeps.clear()
        with pytest.raises(APIConnectionError) as caught:
            transport.send(wire)
        assert not isinstance(caught.value, APITimeoutError)
        assert sleeps == [0.5, 1.0]
    message = str(caught.value)
    assert message.startswith(
        f"POST http://127.0.0.1:{closed_port}/api/projects failed after 3 attempts: "
        "could not connect"
    )
    assert "Connection refused" in message
    assert (caught.value.method, caught.value.path) == ("POST", "/api/projects")
    assert ACCESS_KEY not in message


class SlowHandler:
    """Answers after 0.3 s, longer than the tests' read timeout; records the methods it got."""

    def __init__(self) -> None:
        self.methods: list[str] = []
        self._finished = threading.Semaphore(0)
        self._waited = 0

    def __call__(self, request: Request) -> Response:
        self.methods.append(request.method)
        time.sleep(0.3)
        self._finished.release()
        return Response("{}", content_type="application/json")

    def wait_for(self, count: int) -> list[str]:
        """The methods of the first ``count`` requests, once their handlers have finished."""
        while self._waited < count:
            assert self._finished.acquire(timeout=5), "the server never got the request"
            self._waited += 1
        return self.methods


@pytest.fixture
def slow_handler(httpserver: HTTPServer) -> Iterator[SlowHandler]:
    handler = SlowHandler()
    httpserver.expect_request("/slow").respond_with_handler(handler)
    yield handler
    handler.wait_for(len(handler.methods))  # no sleeping handler lands in a later test


@pytest.mark.parametrize(("method", "attempts"), [("GET", 3), ("POST", 1)])
def test_a_read_timeout_is_retried_only_when_idempotent(
    transport: Pipeline,
    slow_handler: SlowHandler,
    sleeps: list[float],
    method: str,
    attempts: int,
) -> None:
    wire = Route(
        name="slow",
        method=method,  # type: ignore[arg-type]
        path="/slow",
        args=(),
        evidence="assumed",
        source="",
        summary="a slow test route",
        response="{}",
    ).bind()
    with pytest.raises(APITimeoutError) as caught:
        transport.send(wire, options=RequestOptions(timeout=(1.0, 0.05)))
    assert len(sleeps) == attempts - 1
    assert slow_handler.wait_for(attempts) == [method] * attempts
    assert f"attempt{'s' if attempts > 1 else ''}: timed out waiting for the response (" in str(
        caught.value
    )
    assert str(caught.value).endswith("; timeout=(1.0, 0.05)")


def dropped_after(start: bytes, status: int = 200) -> Response:
    """An answer of ``status`` whose connection drops after ``start`` of 100 promised bytes."""

    def broken() -> Iterator[bytes]:
        yield start
        raise ConnectionAbortedError("the test server drops the connection")

    return Response(
        broken(), status=status, headers={"Content-Length": "100"}, content_type="application/json"
    )


def test_a_connection_dropped_mid_response_is_retried_for_get(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_ordered_request("/api/projects").respond_with_response(
        dropped_after(b'{"projects": [')
    )
    httpserver.expect_ordered_request("/api/projects").respond_with_json({"projects": []})
    assert transport.send(LIST).json() == {"projects": []}


def test_a_connection_dropped_on_a_create_is_not_retried(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects", method="POST").respond_with_response(
        dropped_after(b'{"id": ')
    )
    with pytest.raises(APIConnectionError, match=r"1 attempt: the connection dropped \("):
        transport.send(CREATE)
    assert len(httpserver.log) == 1
    assert sleeps == []


@pytest.mark.parametrize(("wire", "connections"), [(LIST, 3), (CREATE, 1)])
def test_a_hang_up_without_response_is_retried_only_when_idempotent(
    hang_up_server: HangUpServer, sleeps: list[float], wire: WireRequest, connections: int
) -> None:
    settings = Settings(host_url=hang_up_server.url, access_key=ACCESS_KEY)
    with (
        Pipeline(settings, sleep=sleeps.append, random=lambda: 0.0) as transport,
        pytest.raises(APIConnectionError, match=r"attempts?: the connection dropped \(") as caught,
    ):
        transport.send(wire)
    assert not isinstance(caught.value, APITimeoutError)
    assert hang_up_server.connections == connections


def test_an_error_answer_cut_off_mid_body_is_still_its_status(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    httpserver.expect_request("/api/projects", method="POST").respond_with_response(
        dropped_after(b'{"detail": "the database', status=500)
    )
    with pytest.raises(InternalServerError):
        transport.send(CREATE)
    assert sleeps == []


def test_an_error_answer_is_bounded_by_the_error_limit_not_the_json_one(
    httpserver: HTTPServer, make_transport: Callable[..., Pipeline]
) -> None:
    """An error body is only quoted: one past ``max_json_bytes`` is still the server's 400."""
    transport = make_transport(limits=Limits(max_json_bytes=16))
    detail = "the name must be shorter than 64 characters"
    httpserver.expect_request("/api/projects", method="POST").respond_with_json(
        {"detail": detail}, status=400
    )
    with pytest.raises(BadRequestError, match=detail):
        transport.send(CREATE)


def test_a_connect_timeout_is_retried_even_for_a_create(
    make_transport: Callable[..., Pipeline], sleeps: list[float]
) -> None:
    """A listener whose queue is full drops new connections' SYNs: connecting times out."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued = [socket.socket() for _ in range(3)]
        for connection in queued:  # without waiting: once the queue is full, a connect hangs
            connection.setblocking(False)
            connection.connect_ex(("127.0.0.1", port))
        transport = make_transport(host_url=f"http://127.0.0.1:{port}", timeout=(0.2, 1.0))
        with pytest.raises(APITimeoutError) as caught:
            transport.send(CREATE)
        for connection in queued:
            connection.close()
    assert sleeps == [0.5, 1.0]
    assert str(caught.value).startswith(
        f"POST http://127.0.0.1:{port}/api/projects failed after 3 attempts: timed out connecting"
    )
    assert str(caught.value).endswith("; timeout=(0.2, 1.0)")


def test_a_tls_failure_is_not_retried_and_names_the_fix(
    httpserver: HTTPServer, make_transport: Callable[..., Pipeline], sleeps: list[float]
) -> None:
    transport = make_transport(host_url=f"https://127.0.0.1:{httpserver.port}")
    with pytest.raises(APIConnectionError) as caught:
        transport.send(LIST)
    assert sleeps == []
    assert not isinstance(caught.value, APITimeoutError)
    assert (
        "failed after 1 attempt: TLS failed (for a private CA set SAMBASTUDIO_CA_BUNDLE or "
        "verify=) ("
    ) in str(caught.value)


def test_an_error_among_its_own_causes_is_still_described() -> None:
    """Wrappers can make the graph of causes loop (an error set as its cause's context)."""
    reset = ConnectionResetError("reset by peer")
    dropped = requests.ConnectionError(reset)
    reset.__context__ = dropped
    with pytest.raises(APIConnectionError, match=r"the connection dropped \(reset by peer\)"):
        raise _Failure.of(dropped).error(LIST, "http://h/api/projects", 1, None, dropped)


def test_a_request_that_cannot_be_sent_is_not_retried_and_says_so(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    """A header value with a line break is refused by requests before anything is sent."""
    with pytest.raises(APIConnectionError) as caught:
        transport.send(LIST, options=RequestOptions(headers={"trace-id": "a\nb"}))
    assert str(caught.value).startswith(
        f"GET {httpserver.url_for('/api/projects')} failed after 1 attempt: "
        "the request could not be sent ("
    )
    assert (httpserver.log, sleeps) == ([], [])
