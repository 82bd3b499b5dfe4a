"""Error mapping from real responses, both error body formats, and the client-side errors."""

from __future__ import annotations

import pickle

import attrs
import pytest
from pytest_httpserver import HTTPServer

from sambastudio._pipeline import Pipeline, RequestOptions
from sambastudio._response import json_body
from sambastudio._routes import ROUTES
from sambastudio.errors import (
    AmbiguousNameError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    EndpointFailed,
    InternalServerError,
    InvalidArgumentError,
    JobFailed,
    NameNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    SambaStudioError,
    UnprocessableEntityError,
    WaitTimeout,
)

from .conftest import ACCESS_KEY

LIST = ROUTES["list_projects"].bind()


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_each_status_maps_to_its_class(
    httpserver: HTTPServer, transport: Pipeline, status: int, error_class: type[APIStatusError]
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "nope"}, status=status)
    with pytest.raises(APIStatusError) as caught:
        transport.send(LIST, options=RequestOptions(max_retries=0))
    assert type(caught.value) is error_class
    assert caught.value.status_code == status
    assert caught.value.body == {"detail": "nope"}
    assert caught.value.response is not None
    assert caught.value.response.status_code == status


def test_detail_format_message(httpserver: HTTPServer, transport: Pipeline) -> None:
    body = {"detail": "view job action not authorized for the user"}
    httpserver.expect_request("/api/projects").respond_with_json(body, status=403)
    with pytest.raises(PermissionDeniedError) as caught:
        transport.send(LIST)
    assert caught.value.problem == (
        "GET /api/projects returned 403 FORBIDDEN: view job action not authorized for the user"
    )
    # With a tenant set and no tenant list to be had here, the advice says how to list them.
    assert str(caught.value).endswith("from a client made without a tenant.")


def test_grpc_gateway_format_message_has_message_and_details(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    body = {
        "code": 13,
        "message": "Failed to create the job",
        "details": [
            {
                "@type": "type.googleapis.com/daas.v2.SSError",
                "reason": "",
                "message": "no valid images found for the model with mode train and arch sn10",
                "helpLink": "",
            }
        ],
    }
    httpserver.expect_request("/api/projects/p1/jobs", method="POST").respond_with_json(
        body, status=500
    )
    job = ROUTES["create_job"].bind(
        project="p1",
        job_type="train",
        job_name="j",
        description="",
        model_checkpoint="m",
        dataset="d",
        hyperparams="{}",
        load_state=False,
        sub_path="",
        parallel_instances=1,
        rdu_arch="SN40L-8",
    )
    with pytest.raises(InternalServerError) as caught:
        transport.send(job)
    assert str(caught.value) == (
        "POST /api/projects/p1/jobs returned 500 INTERNAL SERVER ERROR: Failed to create the "
        "job; no valid images found for the model with mode train and arch sn10 (grpc code 13)"
    )
    assert caught.value.body == body
    assert (caught.value.code, caught.value.server_message) == (13, "Failed to create the job")
    assert caught.value.details == body["details"]


def test_a_grpc_error_carries_the_correlation_id_its_details_cite(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    cited = "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    inference = f"error running online inference: timeout. Refer correlation ID {cited} for support"
    body = {
        "code": 13,
        "message": "Some error occured during prediction",
        "details": [{"@type": "type.googleapis.com/daas.v2.SSError", "message": inference}],
    }
    httpserver.expect_request("/api/projects").respond_with_json(
        body, status=500, headers={"x-correlation-id": "hdr-1"}
    )
    with pytest.raises(InternalServerError) as caught:
        transport.send(LIST, options=RequestOptions(max_retries=0))
    assert (caught.value.correlation_id, caught.value.request_id) == (cited, "hdr-1")
    assert str(caught.value).endswith(f"(grpc code 13) (request id hdr-1) (correlation id {cited})")


def test_snapis_string_code_and_correlation_id_are_read(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    body = {"message": "No import status found", "code": "5", "correlation_id": "c-9"}
    httpserver.expect_request("/api/projects").respond_with_json(body, status=404)
    with pytest.raises(NotFoundError) as caught:
        transport.send(LIST)
    assert (caught.value.code, caught.value.correlation_id, caught.value.details) == (5, "c-9", [])
    assert "(grpc code 5)" in str(caught.value)
    assert "(correlation id c-9)" in str(caught.value)


def test_a_detail_error_has_no_grpc_fields_and_keeps_the_header_id(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json(
        {"detail": "nope"}, status=403, headers={"x-correlation-id": "hdr-2"}
    )
    with pytest.raises(PermissionDeniedError) as caught:
        transport.send(LIST)
    assert (caught.value.code, caught.value.server_message) == (None, None)
    assert caught.value.correlation_id == "hdr-2"


def test_fastapi_validation_list_is_readable(httpserver: HTTPServer, transport: Pipeline) -> None:
    body = {"detail": [{"loc": ["body", "project_name"], "msg": "field required", "type": "x"}]}
    httpserver.expect_request("/api/projects").respond_with_json(body, status=422)
    with pytest.raises(UnprocessableEntityError, match=r": body\.project_name: field required$"):
        transport.send(LIST)


def test_a_non_json_error_body_is_quoted_and_kept_as_text(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    page = "<html>\n<head><title>502 Bad Gateway</title></head>\n" + "x" * 500 + "</html>"
    httpserver.expect_request("/api/projects").respond_with_data(
        page, status=502, content_type="text/html"
    )
    with pytest.raises(InternalServerError) as caught:
        transport.send(LIST, options=RequestOptions(max_retries=0))
    message = str(caught.value)
    assert (
        "GET /api/projects returned 502 BAD GATEWAY: <html> <head><title>502 Bad Gateway" in message
    )
    assert message.endswith("...")
    assert len(message) < 300
    assert caught.value.body == page


def test_an_unknown_json_error_shape_is_quoted_with_secrets_redacted(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    body = {"errors": ["bucket not found"], "api_key": "leaked-endpoint-key-123"}
    httpserver.expect_request("/api/projects").respond_with_json(body, status=400)
    with pytest.raises(BadRequestError) as caught:
        transport.send(LIST)
    assert "bucket not found" in str(caught.value)
    assert "leaked-endpoint-key-123" not in str(caught.value)


@pytest.mark.parametrize("header", ["x-request-id", "x-correlation-id"])
def test_request_id_comes_from_either_header(
    httpserver: HTTPServer, transport: Pipeline, header: str
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json(
        {"detail": "missing"}, status=404, headers={header: "req-42"}
    )
    with pytest.raises(NotFoundError) as caught:
        transport.send(LIST)
    assert caught.value.request_id == "req-42"
    assert str(caught.value).endswith("missing (request id req-42)")


def test_an_echoed_access_key_is_masked(httpserver: HTTPServer, transport: Pipeline) -> None:
    httpserver.expect_request("/api/projects").respond_with_json(
        {"detail": f"key {ACCESS_KEY} is revoked"}, status=401
    )
    with pytest.raises(AuthenticationError) as caught:
        transport.send(LIST)
    assert ACCESS_KEY not in str(caught.value)
    assert ACCESS_KEY not in repr(caught.value)
    assert "key *** is revoked" in str(caught.value)


def test_an_error_on_a_stream_reads_the_body_first(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/api/projects/p/jobs/j/results/download").respond_with_json(
        {"detail": "No results exists"}, status=404
    )
    download = ROUTES["download_results"].bind(project="p", job="j")
    with pytest.raises(NotFoundError, match="No results exists") as caught:
        transport.send(download, stream=True)
    assert caught.value.body == {"detail": "No results exists"}


def test_raise_for_status_false_returns_the_error_response(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/api/projects").respond_with_json({"detail": "x"}, status=403)
    response = transport.send(LIST, raise_for_status=False)
    assert response.status_code == 403
    assert response.json() == {"detail": "x"}


def test_json_body_names_what_came_instead_of_json(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_request("/api/projects").respond_with_data(
        "<html>login</html>", content_type="text/html"
    )
    with pytest.raises(ResponseDecodeError) as caught:
        json_body(transport.send(LIST))
    assert str(caught.value) == (
        "GET /api/projects returned 200 with 'text/html', which is not JSON: '<html>login</html>'"
    )
    assert not isinstance(caught.value, ValueError)  # never a bare JSONDecodeError


def test_json_body_decodes_json_and_an_empty_body_is_none(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    httpserver.expect_ordered_request("/api/projects").respond_with_json({"projects": []})
    httpserver.expect_ordered_request("/api/projects").respond_with_data("", status=204)
    assert json_body(transport.send(LIST)) == {"projects": []}
    assert json_body(transport.send(LIST)) is None


# ------------------------------------------------------------ errors found client-side


@attrs.frozen
class FakeJob:
    name: str
    status: str


def test_name_not_found_is_a_404_without_a_response() -> None:
    error = NameNotFoundError("project", "demo")
    assert isinstance(error, NotFoundError)
    assert (error.kind, error.name, error.status_code, error.response) == (
        "project",
        "demo",
        404,
        None,
    )
    assert str(error) == "no project named 'demo'"


def test_ambiguous_name_lists_the_ids() -> None:
    error = AmbiguousNameError("project", "demo", ["id-1", "id-2"])
    assert error.ids == ["id-1", "id-2"]
    assert "id-1, id-2" in str(error)
    assert "'demo'" in str(error)


def test_wait_timeout_and_failures_describe_the_resource() -> None:
    job = FakeJob("ft-1", "RUNNING")
    assert str(WaitTimeout(job, 3600, "RUNNING")) == (
        "gave up waiting for FakeJob 'ft-1' after 3600 s (last status: RUNNING)"
    )
    failed = JobFailed(FakeJob("ft-1", "FAILED"), "out of memory")
    assert failed.job == FakeJob("ft-1", "FAILED")
    assert failed.server_message == "out of memory"
    assert failed.problem == "FakeJob 'ft-1' ended with status FAILED: out of memory"
    assert str(failed).startswith(failed.problem + ". Its logs say why: job.logs.list()")
    assert EndpointFailed(FakeJob("ep", "Failed"), None).endpoint == FakeJob("ep", "Failed")


def test_invalid_argument_is_a_value_error_with_the_argument() -> None:
    error = InvalidArgumentError("instances", "instances must be >= 1")
    assert isinstance(error, ValueError)
    assert isinstance(error, SambaStudioError)
    assert error.argument == "instances"


@pytest.mark.parametrize(
    "error",
    [
        NameNotFoundError("job", "ft-1"),
        InvalidArgumentError("timeout", "bad"),
        JobFailed(FakeJob("ft-1", "FAILED"), "boom"),
        APIStatusError("GET /x returned 418", status_code=418, request_id="r", body={"a": 1}),
    ],
)
def test_errors_survive_pickling(error: SambaStudioError) -> None:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


def test_an_expected_status_is_raised_without_asking_for_the_tenants(
    httpserver: HTTPServer, transport: Pipeline
) -> None:
    """A status the caller expects (a name search's 404) is its answer, not a wrong tenant:
    :meth:`Pipeline.request` passes ``expected_statuses`` on, and no side request goes out."""
    httpserver.expect_request("/api/projects/p-1").respond_with_json({"detail": "gone"}, 404)
    httpserver.expect_request("/api/tenants").respond_with_json({"tenants": []})
    wire = ROUTES["project_info"].bind(project="p-1")
    with pytest.raises(NotFoundError):
        transport.request(wire, expected_statuses={404})
    assert [request.path for request, _ in httpserver.log] == ["/api/projects/p-1"]
    with pytest.raises(NotFoundError):
        transport.request(wire)
    assert [request.path for request, _ in httpserver.log][1:] == [
        "/api/projects/p-1",
        "/api/tenants",
    ]
