"""The wire contract: complete, consistent with the seed, and bound correctly."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from sambastudio import _routes_doc
from sambastudio._routes import ROUTES, Arg, Route, route, seed_routes
from tests.seed import seed_signatures

REPO = Path(__file__).resolve().parents[1]


def test_every_seed_method_has_exactly_one_route() -> None:
    assert {r.name for r in seed_routes()} == set(seed_signatures())
    assert len(list(seed_routes())) == 74


@pytest.mark.parametrize("name", sorted(seed_signatures()))
def test_route_arguments_are_the_seed_parameters(name: str) -> None:
    """Every seed parameter has a place on the wire; extras are only newer-release keywords."""
    seed_params = [param.name for param in seed_signatures()[name]]
    route_args = [arg.name for arg in ROUTES[name].args]
    assert [arg for arg in route_args if arg in seed_params] == seed_params
    extras = set(route_args) - set(seed_params)
    assert extras <= {"model_version", "inference_api_openai_compatible"}


def test_every_route_names_its_evidence() -> None:
    for r in ROUTES.values():
        assert r.evidence in ("confirmed", "inferred", "assumed")
        if r.evidence != "assumed":
            assert r.source, f"{r.name} is {r.evidence} but names no source"
        assert r.path.startswith("/"), r.name
        assert set(r.path_params()) == {
            part[1:-1] for part in r.path.split("/") if part.startswith("{")
        }, r.name


@pytest.mark.parametrize(
    ("name", "method", "path"),
    [
        ("create_project", "POST", "/api/projects"),
        ("project_info", "GET", "/api/projects/{project}"),
        ("create_job", "POST", "/api/projects/{project}/jobs"),
        ("job_info", "GET", "/api/projects/{project}/jobs/{job}"),
        ("delete_job", "DELETE", "/api/projects/{project}/jobs/{job}"),
        ("download_results", "GET", "/api/projects/{project}/jobs/{job}/results/download"),
        ("search_dataset", "GET", "/api/datasets/search"),
        ("dataset_info", "GET", "/api/datasets/{dataset}"),
        ("delete_dataset", "DELETE", "/api/datasets/{dataset}"),
        ("upload_part_file", "PUT", "/api/v1beta/upload/file/{file_path}"),
        ("nlp_predict", "POST", "/api/predict/nlp/{project}/{endpoint}"),
        ("generic_predict", "POST", "/api/predict/generic/{project}/{endpoint}"),
        ("v2_predict", "POST", "/api/v2/predict/generic/{project}/{endpoint}"),
        ("nlp_predict_file", "POST", "/api/predict/file/{project}/{endpoint}"),
    ],
)
def test_confirmed_paths_are_used_exactly(name: str, method: str, path: str) -> None:
    r = route(name)
    assert (r.method, r.path) == (method, path)
    assert r.evidence in ("confirmed", "inferred")


def test_upload_part_file_query_names_are_the_confirmed_ones() -> None:
    wire = ROUTES["upload_part_file"].bind(
        folder_id="f",
        file_path="dir/data é.jsonl",
        part_number=3,
        upload_id="u",
        chunk_size=10,
        file=b"bytes",
    )
    assert wire.method == "PUT"
    assert wire.path == "/api/v1beta/upload/file/dir%2Fdata%20%C3%A9.jsonl"
    assert wire.query == {"partNumber": "3", "uploadId": "u", "folderId": "f"}
    assert wire.content == b"bytes"
    assert wire.json is None


def test_bind_places_each_argument() -> None:
    wire = ROUTES["job_info"].bind(project="my project", job="j?1#", verbose=True)
    assert wire.path == "/api/projects/my%20project/jobs/j%3F1%23"
    assert wire.query == {"verbose": "true"}
    assert wire.json is None
    created = ROUTES["create_project"].bind(project_name="p", description="d")
    assert created.json == {"project_name": "p", "description": "d"}


def test_bind_leaves_out_arguments_not_given() -> None:
    wire = ROUTES["update_endpoint"].bind(project="p", endpoint="e", instances=2)
    assert wire.json == {"instances": 2}
    assert ROUTES["list_endpoints"].bind().query == {}


def test_bind_refuses_missing_and_unknown_arguments() -> None:
    with pytest.raises(TypeError, match="'job'"):
        ROUTES["job_info"].bind(project="p")
    with pytest.raises(TypeError, match="colour"):
        ROUTES["list_projects"].bind(colour="blue")
    with pytest.raises(TypeError, match="unexpected arguments: \\['projet'\\]"):
        ROUTES["job_info"].bind(projet="p", job="j")  # named before the missing 'project'


def test_a_route_changed_by_an_override_binds_its_own_arguments() -> None:
    changed = attrs.evolve(ROUTES["list_projects"], args=(Arg("colour", "body"),))
    assert changed.bind(colour="blue").json == {"colour": "blue"}
    assert ROUTES["list_projects"].bind().json is None


def test_endpoint_keys_travel_in_headers_and_stay_out_of_repr() -> None:
    nlp = ROUTES["nlp_predict"].bind(project="p", endpoint="e", key="ep-secret", input=["hi"])
    assert nlp.headers == {"key": "ep-secret"}
    assert nlp.auth == "endpoint"
    assert "ep-secret" not in repr(nlp)
    chat = ROUTES["openai_chat_completions"].bind(
        endpoint_id="e", key="ep-secret", model="m", messages=[]
    )
    assert chat.headers == {"Authorization": "Bearer ep-secret"}
    assert "ep-secret" not in repr(chat)


def test_multipart_and_raw_bodies() -> None:
    handle = io.BytesIO(b"x")
    wire = ROUTES["nlp_predict_file"].bind(
        project="p", endpoint="e", key="k", file_path=("in.txt", handle)
    )
    assert wire.files == {"predict_file": ("in.txt", handle)}


def test_retry_safety_follows_the_method_unless_marked() -> None:
    assert ROUTES["list_projects"].idempotent
    assert ROUTES["upload_part_file"].idempotent
    assert not ROUTES["create_project"].idempotent
    assert not ROUTES["create_job"].idempotent
    assert ROUTES["stop_job"].idempotent
    assert ROUTES["update_project"].idempotent


def test_paths_do_not_collide() -> None:
    """Two routes may share a path only with different methods."""
    seen: dict[tuple[str, str], Route] = {}
    for r in ROUTES.values():
        key = (r.method, r.path)
        assert key not in seen, f"{r.name} and {seen[key].name} share {key}"
        seen[key] = r


def test_secrets_never_travel_in_a_url() -> None:
    for r in ROUTES.values():
        for arg in r.args:
            if any(word in arg.name for word in ("key", "secret", "password", "token")):
                assert arg.where not in ("path", "query"), f"{r.name}.{arg.name} in the URL"


def test_wire_protocol_page_is_current() -> None:
    page = (REPO / "docs" / "wire-protocol.md").read_text(encoding="utf-8")
    assert page == _routes_doc.render(), "run: python -m sambastudio._routes_doc"


def test_bodies_with_secrets_stay_out_of_repr() -> None:
    wire = ROUTES["upload_results_to_aws"].bind(
        project="p",
        job="j",
        bucket="b",
        folder="f",
        access_key_id="AKIAEXAMPLE",
        secret_access_key="aws-secret-value",
        session_token="aws-session-token",
        region_name="us-east-1",
    )
    assert "aws-secret-value" not in repr(wire)
    assert "aws-session-token" not in repr(wire)
    login = ROUTES["login"].bind(server="https://h", username="u", password="hunter2-password")
    assert "hunter2-password" not in repr(login)


@pytest.mark.parametrize("module", ["sambastudio._routes_doc", "sambastudio.emulator.openapi"])
def test_a_document_generator_explains_itself_and_writes_where_told(
    module: str, tmp_path: Path
) -> None:
    """``--help`` is usage, never a file named ``--help``; a path is where to write."""
    shown = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "usage:" in shown.stdout
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "out.txt"
    subprocess.run([sys.executable, "-m", module, str(target)], check=True, timeout=60,
                   capture_output=True)  # fmt: skip
    assert target.read_text(encoding="utf-8").strip()
