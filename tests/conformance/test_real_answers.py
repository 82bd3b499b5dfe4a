"""Conformance: answers a real SambaStudio gave (api-evidence §1.3, §2, §3, §7), not our emulator's.

Each fixture in ``data/`` is one real answer, with its source. A loopback server replays
it at the operation's path; the object model must parse it and the ``SnSdk`` shim must
return it with the keys real callers read. Only the keys are evidence: values a source does
not show are placeholders (see each fixture's ``note``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from sambastudio._client import Client
from sambastudio.compat import SnSdk, SnSdkDeprecationWarning
from sambastudio.errors import BadRequestError, InternalServerError, PermissionDeniedError
from sambastudio.resources import Project
from sambastudio.resources.endpoints import Endpoint
from sambastudio.resources.jobs import Job

DATA = Path(__file__).parent / "data"
P = "11111111-2222-4333-8444-555555555555"
J = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
E = "99999999-8888-4777-8666-555555555555"
M = "12121212-3434-4565-8787-909090909090"


def fixture(name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return found


def _create_job(sdk: SnSdk) -> dict[str, Any]:
    return sdk.create_job(
        "train", P, "Meta-Llama-3-8B-Instruct", "snsdk_test_job", "", "squad", "{}", False, "", 1,
        "SN40L-8",
    )  # fmt: skip


SHIM: dict[str, tuple[Callable[[SnSdk], dict[str, Any]], Callable[[dict[str, Any]], Any], Any]] = {
    # the call, what real callers read of its result (api-evidence §3), what that must be
    "list_jobs_empty": (lambda s: s.list_jobs(), lambda r: (r["jobs"], r["count"]), ([], 0)),
    "job_info_forbidden": (
        lambda s: s.job_info(P, J),
        lambda r: r["detail"],
        "view job action not authorized for the user",
    ),
    "create_job_duplicate": (
        _create_job,
        lambda r: (r["code"], r["message"], r["details"]),
        (3, f"Job with snsdk_test_job name already exists in project {P}", []),
    ),
    "create_job_internal": (
        _create_job,
        lambda r: (r["code"], r["message"]),
        (13, "Failed to create the job"),
    ),
    "search_project": (
        lambda s: s.search_project("snsdk_test_project"),
        lambda r: r["data"]["project_id"],
        P,
    ),
    "list_projects_2024": (
        lambda s: s.list_projects(),
        lambda r: r["data"]["projects"][0]["project_id"],
        P,
    ),
    "list_projects_2025": (
        lambda s: s.list_projects(),
        lambda r: [p["id"] for p in r["projects"]],
        [P],
    ),
    "create_job_created": (_create_job, lambda r: (r["job_id"], r["status"]), (J, "CREATED")),
    "job_info_training": (lambda s: s.job_info(P, J), lambda r: r["data"]["status"], "TRAINING"),
    "create_endpoint": (
        lambda s: s.create_endpoint(P, "snsdk-test-endpoint", "", "model-1", 1, "{}", "SN40L-8"),
        lambda r: (r["id"], r["status"], r["url"].split("/")[-2:]),
        (E, "Deploying", [P, E]),
    ),
    "list_tenants": (lambda s: s.list_tenants(), lambda r: r["data"][0]["tenant_name"], "default"),
    "delete_model": (lambda s: s.delete_model(M), lambda r: sorted(r), ["headers", "status_code"]),
}


def _job_rejected(client: Client, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        client._request("create_job", project=P, job_name="snsdk_test_job", job_type="train")
    assert fixture_words(caught.value) in str(caught.value)


def fixture_words(error: BaseException) -> str:
    body = getattr(error, "body", {})
    return str(body.get("message") or body.get("detail"))


OBJECT_MODEL: dict[str, Callable[[Client], None]] = {
    "list_jobs_empty": lambda c: _equal(c.jobs.list().to_list(), []),
    "search_project": lambda c: _equal(c.projects._resolve("snsdk_test_project"), P),
    "list_projects_2024": lambda c: _equal(
        [(p.id, p.name) for p in c.projects.list()], [(P, "snsdk_test_project")]
    ),
    "list_projects_2025": lambda c: _equal(
        [(p.id, p.name) for p in c.projects.list()], [(P, "snsdk_test_project")]
    ),
    "job_info_training": lambda c: _equal(Project(id=P).attach(c).jobs.get(J).status, "TRAINING"),
    "list_tenants": lambda c: _equal([t.name for t in c.tenants.list()], ["default"]),
    "delete_model": lambda c: _equal(c.models.delete(M), None),
    "create_job_duplicate": lambda c: _job_rejected(c, BadRequestError),
    "create_job_internal": lambda c: _job_rejected(c, InternalServerError),
}


def _equal(actual: object, expected: object) -> None:
    assert actual == expected


@pytest.fixture
def served(httpserver: HTTPServer, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The fixture named by the test's ``name`` parameter, answered at its path."""
    answer = fixture(request.node.callspec.params["name"])
    httpserver.expect_request(answer["path"]).respond_with_json(
        answer["body"], status=answer["status"]
    )
    return answer


@pytest.mark.parametrize("name", sorted(SHIM))
def test_the_shim_returns_what_real_callers_read(
    httpserver: HTTPServer, served: dict[str, Any], name: str
) -> None:
    call, read, expected = SHIM[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnSdkDeprecationWarning)
        result = call(SnSdk(httpserver.url_for("/"), "conformance-access-key"))
    assert result["status_code"] == served["status"]
    assert read(result) == expected
    assert {k: v for k, v in result.items() if k not in ("status_code", "headers")} == served[
        "body"
    ]


@pytest.mark.parametrize("name", sorted(OBJECT_MODEL))
def test_the_object_model_reads_the_real_answer(
    httpserver: HTTPServer, served: dict[str, Any], name: str
) -> None:
    with Client(host_url=httpserver.url_for("/"), access_key="conformance-access-key") as client:
        OBJECT_MODEL[name](client)
    assert len(httpserver.log) >= 1


def test_a_403_is_refused_with_the_servers_words(httpserver: HTTPServer) -> None:
    answer = fixture("job_info_forbidden")
    httpserver.expect_request(answer["path"]).respond_with_json(answer["body"], status=403)
    with (
        Client(host_url=httpserver.url_for("/"), access_key="conformance-access-key") as client,
        pytest.raises(PermissionDeniedError) as caught,
    ):
        Project(id=P).attach(client).jobs.get(J)
    assert answer["body"]["detail"] in str(caught.value)


@pytest.mark.parametrize(
    ("name", "model"), [("create_job_created", Job), ("create_endpoint", Endpoint)]
)
def test_real_resources_parse(name: str, model: type[Job] | type[Endpoint]) -> None:
    body = fixture(name)["body"]
    parsed = model.model_validate(body)
    assert parsed.id == body.get("job_id", body.get("id"))
    assert parsed.status == body["status"]


def test_every_fixture_names_its_source_and_is_used() -> None:
    names = {path.stem for path in DATA.glob("*.json")}
    assert names == set(SHIM)
    for name in names:
        assert fixture(name)["source"].startswith("api-evidence §")
