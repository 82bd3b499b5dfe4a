"""What the transport puts on the wire, as the server sees it, and how options and sessions work."""

from __future__ import annotations

import io
import json
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
import requests
from pytest_httpserver import HTTPServer
from urllib3.exceptions import InsecureRequestWarning
from werkzeug import Request, Response

from sambastudio._config import Settings
from sambastudio._limits import Limits
from sambastudio._pipeline import Pipeline, RequestOptions
from sambastudio._response import APIResponse
from sambastudio._routes import ROUTES

from .conftest import ACCESS_KEY, ENDPOINT_KEY

LIST = ROUTES["list_projects"].bind()


def received(httpserver: HTTPServer, index: int = -1) -> Request:
    return httpserver.log[index][0]


class RecordingSession(requests.Session):
    """A real session that remembers the options each request was finally sent with."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []
        self.closed = False

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(kwargs)
        return super().send(request, **kwargs)

    def close(self) -> None:
        self.closed = True
        super().close()


@pytest.fixture
def recording(httpserver: HTTPServer) -> Iterator[Callable[..., Pipeline]]:
    """Transports over a :class:`RecordingSession`, with any settings."""

    sessions: list[RecordingSession] = []

    def make(**settings: Any) -> Pipeline:
        options = {"host_url": httpserver.url_for("/"), "access_key": ACCESS_KEY, **settings}
        sessions.append(RecordingSession())
        return Pipeline(Settings(**options), session=sessions[-1])

    httpserver.expect_request("/api/projects").respond_with_json({"projects": []})
    yield make
    for session in sessions:
        session.close()


def test_platform_call_carries_key_tenant_cookie_and_user_agent(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"projects": []})
    assert transport.send(LIST).json() == {"projects": []}
    request = received(httpserver)
    assert request.headers["key"] == ACCESS_KEY
    assert request.cookies["tenant"] == "tenant-1"
    assert request.headers["User-Agent"] == transport.settings.user_agent
    assert request.headers["User-Agent"].startswith("sambastudio-python/")


def test_json_body_and_method(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/projects", method="POST").respond_with_json({"id": "p1"})
    transport.send(ROUTES["create_project"].bind(project_name="demo", description="d"))
    assert received(httpserver).get_json() == {"project_name": "demo", "description": "d"}


def test_query_values_and_lists(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/notifications").respond_with_json({"notifications": []})
    transport.send(ROUTES["list_notifications"].bind(levels=[40, 50], archived=False))
    args = received(httpserver).args
    assert args.getlist("levels") == ["40", "50"]
    assert args["archived"] == "false"


def test_endpoint_auth_sends_only_the_endpoint_key(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/api/predict/nlp/p/e", method="POST").respond_with_json({"data": []})
    transport.send(
        ROUTES["nlp_predict"].bind(project="p", endpoint="e", key=ENDPOINT_KEY, input=["hi"])
    )
    request = received(httpserver)
    assert request.headers["key"] == ENDPOINT_KEY
    assert ACCESS_KEY not in str(request.headers)
    assert request.get_json() == {"inputs": ["hi"]}


def test_bearer_auth_sends_authorization_and_no_key_header(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/v1/ep-1/chat/completions", method="POST").respond_with_json({})
    chat = ROUTES["openai_chat_completions"].bind(
        endpoint_id="ep-1",
        key=ENDPOINT_KEY,
        model="m",
        messages=[{"role": "user", "content": "hi"}],
    )
    transport.send(chat)
    request = received(httpserver)
    assert request.headers["Authorization"] == f"Bearer {ENDPOINT_KEY}"
    assert "key" not in request.headers


def test_auth_none_sends_no_key(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/login", method="POST").respond_with_json({"key": "new"})
    transport.send(ROUTES["login"].bind(username="u", password="pw"))
    assert "key" not in received(httpserver).headers


def test_raw_bytes_body(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/v1beta/upload/file/a.bin", method="PUT").respond_with_json({})
    part = ROUTES["upload_part_file"].bind(
        file_path="a.bin", part_number=1, upload_id="u", folder_id="f", file=b"\x00\x01part"
    )
    transport.send(part)
    request = received(httpserver)
    assert request.get_data() == b"\x00\x01part"
    assert request.args["partNumber"] == "1"


def test_multipart_file_body(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/predict/file/p/e", method="POST").respond_with_json({})
    upload = ROUTES["nlp_predict_file"].bind(
        project="p", endpoint="e", key=ENDPOINT_KEY, file_path=("in.txt", io.BytesIO(b"hello"))
    )
    transport.send(upload)
    assert received(httpserver).files["predict_file"].read() == b"hello"


def test_base_url_replaces_the_host(
    httpserver: HTTPServer, make_transport: Callable[..., Pipeline]
) -> None:
    transport = make_transport(host_url="http://127.0.0.1:9")  # nothing listens there
    httpserver.expect_request("/api/projects").respond_with_json({"projects": []})
    response = transport.send(LIST, base_url=httpserver.url_for("/"))
    assert response.status_code == 200
    # one slash between the base and the path (this test server would forgive two; a
    # gateway's routing may not)
    assert response.url == httpserver.url_for("/api/projects")


def test_stream_returns_the_body_unread(httpserver: HTTPServer, transport: Pipeline) -> None:
    archive = b"\x1f\x8b" + bytes(range(256)) * 64
    httpserver.expect_request("/api/projects/p/jobs/j/results/download").respond_with_data(
        archive, content_type="application/gzip"
    )
    response = transport.send(ROUTES["download_results"].bind(project="p", job="j"), stream=True)
    assert b"".join(response.iter_content(4096)) == archive


def test_session_changes_take_effect(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"projects": []})
    transport.session.cookies.set("tenant", "tenant-2")
    transport.session.headers["X-Extra"] = "yes"
    transport.send(LIST)
    request = received(httpserver)
    assert request.cookies["tenant"] == "tenant-2"
    assert request.headers["X-Extra"] == "yes"


def test_session_verify_wins_over_requests_ca_bundle(
    recording: Callable[..., Pipeline], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/from-env.pem")
    transport = recording()
    session = transport.session
    assert isinstance(session, RecordingSession)
    transport.send(LIST)
    session.verify = False  # what SnSdk users do on http_session
    transport.send(LIST)
    assert [sent["verify"] for sent in session.sent] == ["/etc/ssl/from-env.pem", False]


def test_settings_are_applied_to_a_given_session(recording: Callable[..., Pipeline]) -> None:
    transport = recording(
        tenant="t-9", verify=False, proxies={"https": "http://proxy:3128"}, user_agent="ua/1"
    )
    session = transport.session
    assert session.verify is False
    assert session.proxies["https"] == "http://proxy:3128"
    assert session.cookies["tenant"] == "t-9"
    assert session.headers["User-Agent"] == "ua/1"


def test_timeouts_reach_requests_including_explicit_none(
    recording: Callable[..., Pipeline],
) -> None:
    """A number is the attempt's deadline: requests gets what is left of it for each step."""
    transport = recording()
    session = transport.session
    assert isinstance(session, RecordingSession)
    transport.send(LIST)
    transport.send(LIST, options=RequestOptions(timeout=None))
    transport.send(LIST, options=RequestOptions(timeout=3))
    transport.with_options(RequestOptions(timeout=None)).send(LIST)
    recording(timeout=None).send(LIST)  # a second session: not recorded here
    timeouts = [sent["timeout"] for sent in session.sent]
    assert timeouts[:2] == [(10.0, 60.0), None]
    assert timeouts[3] is None
    connect, read = timeouts[2]
    assert 2.5 < connect == read <= 3


def test_a_bad_per_call_option_is_refused_before_sending(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        transport.send(LIST, options=RequestOptions(max_retries=-1))
    with pytest.raises(ValueError, match="timeout"):
        transport.send(LIST, options=RequestOptions(timeout=0))
    assert httpserver.log == []


def test_with_options_shares_the_session_and_leaves_the_original(transport: Pipeline) -> None:
    quick = transport.with_options(RequestOptions(timeout=1.5, max_retries=0))
    assert quick.session is transport.session
    assert (quick.settings.timeout, quick.settings.max_retries) == (1.5, 0)
    assert (transport.settings.timeout, transport.settings.max_retries) == ((10.0, 60.0), 2)
    assert quick.settings.access_key == transport.settings.access_key


def test_with_settings_keeps_the_pool_the_options_and_the_retry_policy(
    httpserver: HTTPServer, transport: Pipeline, sleeps: list[float]
) -> None:
    traced = transport.with_options(RequestOptions(headers={"trace-id": "t-1"}))
    moved = traced.with_settings(attrs.evolve(traced.settings, host_url=httpserver.url_for("/v2")))
    httpserver.expect_ordered_request("/v2/api/projects").respond_with_json({}, status=503)
    httpserver.expect_ordered_request("/v2/api/projects").respond_with_json({"projects": []})
    assert moved.send(LIST).json() == {"projects": []}
    assert moved.session is transport.session
    assert received(httpserver).headers["trace-id"] == "t-1"
    assert sleeps == [0.5]  # the injected sleep, without jitter


def test_request_reads_the_answer_where_the_routes_file_says(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    nested = attrs.evolve(ROUTES["list_projects"], answer="data")
    httpserver.expect_request("/api/projects").respond_with_json({"data": {"projects": []}})
    assert transport.request(nested.bind()).json() == {"projects": []}


def test_the_repr_names_the_settings_and_hides_the_key(transport: Pipeline) -> None:
    assert repr(transport) == f"Pipeline({transport.settings!r})"
    assert ACCESS_KEY not in repr(transport)


def test_close_closes_only_a_session_it_created(recording: Callable[..., Pipeline]) -> None:
    with recording() as transport:
        session = transport.session
        assert isinstance(session, RecordingSession)
    assert session.closed is False  # the caller's session: the caller closes it
    with Pipeline(transport.settings) as owned:
        owned.send(LIST)
        pools = owned.session.get_adapter(transport.settings.host_url).poolmanager.pools  # type: ignore[attr-defined]
        assert len(pools) == 1
    assert len(pools) == 0  # its own session: closed, connections released


def test_a_foreign_redirect_does_not_carry_the_key(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    try:
        other.expect_request("/landing").respond_with_json({"projects": []})
        httpserver.expect_request("/api/projects").respond_with_data(
            "", status=302, headers={"Location": other.url_for("/landing")}
        )
        assert transport.send(LIST).json() == {"projects": []}
        assert "key" not in other.log[0][0].headers
    finally:
        other.stop()


def test_a_same_origin_redirect_keeps_the_key(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/projects").respond_with_data(
        "", status=307, headers={"Location": "/api/projects/"}
    )
    httpserver.expect_request("/api/projects/").respond_with_json({"projects": []})
    transport.send(LIST)
    assert received(httpserver).headers["key"] == ACCESS_KEY


def test_disable_ssl_warnings_silences_urllib3(make_transport: Callable[..., Pipeline]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make_transport(disable_ssl_warnings=True)
        warnings.warn("unverified", InsecureRequestWarning, stacklevel=1)
        warnings.warn("kept", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["kept"]


def test_response_json_round_trip_of_nested_body(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    body = {"hyperparams": json.dumps({"num_iterations": 10})}
    httpserver.expect_request("/api/projects").respond_with_json(body)
    assert transport.send(LIST).json() == body


def test_the_response_hook_gets_the_time_the_limits_and_the_route_of_the_call(
    httpserver: HTTPServer, make_transport: Callable[..., Pipeline]
) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.05)
        return Response('{"data": {"projects": []}}', content_type="application/json")

    limits = Limits(max_json_bytes=1024)
    transport = make_transport(limits=limits)
    nested = attrs.evolve(ROUTES["list_projects"], answer="data")
    httpserver.expect_request("/api/projects").respond_with_handler(slow)
    seen: list[APIResponse] = []
    started = time.monotonic()
    transport.send(nested.bind(), options=RequestOptions(on_response=seen.append))
    took = time.monotonic() - started
    [response] = seen
    assert 0.05 <= response.elapsed.total_seconds() <= took
    assert response.limits == limits
    assert response.json() == {"projects": []}


def test_options_left_out_fall_back_to_the_base() -> None:
    base = RequestOptions(timeout=2.0, max_retries=1, headers={"trace-id": "t"})
    assert RequestOptions().over(base) == base
    assert RequestOptions(timeout=3.0).over(base).timeout == 3.0
