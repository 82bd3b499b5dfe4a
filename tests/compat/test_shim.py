"""The shim without a server: wiring, result shapes, argument checks, warnings, secrets."""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from sambastudio._routes import ROUTES, Arg, WireRequest
from sambastudio.compat import MIGRATION, SILENCE_ENV, SnSdk, SnSdkDeprecationWarning
from sambastudio.compat._migration import reset_warnings
from sambastudio.errors import InvalidArgumentError
from sambastudio.transfers import download as _download
from tests.compat.helpers import SECRET, fake_response, recording

_VALUES: dict[str, Any] = {
    "job_type": "train",
    "levels": "40,50",
    "type": "user",
    "limit": 5,
    "page": 2,
    "params": '{"max_tokens_to_generate": {"type": "int", "value": "8"}}',
    "users": [{"user_id": "u1"}],
    "hyperparams": '{"num_iterations": 2}',
    "file": b"part-bytes",
}


def _arguments(name: str, tmp_path: Path) -> dict[str, Any]:
    """A value for every parameter of ``SnSdk.<name>``, optional ones and extras included."""
    params = list(inspect.signature(getattr(SnSdk, name)).parameters)[1:]
    values = {param: _VALUES.get(param, f"v-{param}") for param in params}
    if name == "nlp_predict_file":
        values["file_path"] = str(tmp_path / "input.txt")
        Path(values["file_path"]).write_text("hello", encoding="utf-8")
    if "dest_dir" in values:
        values["dest_dir"] = str(tmp_path)
    return values


def _placed(wire: WireRequest, arg: Arg, value: Any) -> bool:
    """Whether ``value`` of argument ``arg`` went where the route says it goes."""
    if arg.where == "path":
        return quote(str(value), safe="") in wire.path
    if arg.where == "query":
        return arg.wire_name in wire.query
    if arg.where == "body":
        return wire.json is not None and arg.wire_name in wire.json
    if arg.where == "header":
        return arg.wire_name in wire.headers
    if arg.where == "raw":
        return wire.content is not None
    if arg.where == "multipart":
        return wire.files is not None and arg.wire_name in wire.files
    return arg.where == "local"


@pytest.mark.parametrize("name", sorted(MIGRATION))
def test_every_argument_reaches_its_place_on_the_wire(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads: list[tuple[WireRequest, str]] = []

    def download(transport: Any, wire: WireRequest, dest_dir: str, **options: Any) -> Path:
        downloads.append((wire, dest_dir))
        return Path(dest_dir) / "results.tar.gz"

    monkeypatch.setattr(_download, "download_to_dir", download)
    arguments = _arguments(name, tmp_path)
    with recording() as (sdk, recorder):
        result = getattr(sdk, name)(**arguments)
    assert result["status_code"] == 200
    sent = [wire for wire, _ in recorder.sent] + [wire for wire, _ in downloads]
    assert len(sent) == 1, "one method, one request"
    wire = sent[0]
    assert wire.route is ROUTES[name], "each method sends the route of the same name"
    for arg in wire.route.args:
        if arg.name in arguments:
            assert _placed(wire, arg, arguments[arg.name]), f"{name}: {arg.name} is not on the wire"
    if downloads:
        assert downloads[0][1] == str(tmp_path)
        assert result["path"] == str(tmp_path / "results.tar.gz")
    else:
        assert recorder.sent[0][1]["raise_for_status"] is False


def test_login_posts_to_the_server_given() -> None:
    with recording(fake_response({"key": "new"})) as (sdk, recorder):
        result = sdk.login("https://other.test", "alice", "hunter2-password")
    wire, options = recorder.sent[0]
    assert options["base_url"] == "https://other.test"
    assert wire.json == {"username": "alice", "password": "hunter2-password"}
    assert result["key"] == "new"


def test_transformations_the_seed_demands(tmp_path: Path) -> None:
    with recording() as (sdk, recorder):
        sdk.nlp_predict("p", "e", "ep-key", "Hello", '{"temperature": {"type": "float"}}')
        sdk.nlp_predict("p", "e", "ep-key", ["a", "b"], {"top_k": 1}, trace_id="t-1")
        sdk.create_job("train", "p", "m", "j", "d", "ds", {"num_iterations": 3}, False, "", 1, "a")
        sdk.create_endpoint("p", "e", "d", "m", 1, '{"x": "1"}', "SN40L-8", model_version=1)
        sdk.upload_part_file("f", "dir/data.jsonl", 1, "u", 10, "text")
        sdk.list_notifications(levels=[40, "50"], limit=3, all=True)
    wires = [wire for wire, _ in recorder.sent]
    assert wires[0].json == {"inputs": ["Hello"], "params": {"temperature": {"type": "float"}}}
    assert wires[0].headers == {"key": "ep-key"}
    assert wires[1].json == {"inputs": ["a", "b"], "params": {"top_k": 1}}
    assert wires[1].headers == {"key": "ep-key", "trace-id": "t-1"}
    assert wires[2].json is not None
    assert wires[2].json["hyperparams"] == '{"num_iterations": 3}'
    assert wires[3].json is not None
    assert wires[3].json["hyperparams"] == '{"x": "1"}'
    assert wires[3].json["model_version"] == 1
    assert wires[4].content == b"text"
    assert wires[4].path == "/api/v1beta/upload/file/dir%2Fdata.jsonl"
    assert wires[5].query == {"limit": "3", "levels": ["40", "50"], "all": "true"}


def test_nlp_predict_file_sends_the_file_as_predict_file(tmp_path: Path) -> None:
    source = tmp_path / "questions.txt"
    source.write_bytes(b"What is RDU?")
    with recording() as (sdk, recorder):
        sdk.nlp_predict_file("p", "e", "ep-key", str(source))
    files = recorder.sent[0][0].files
    assert files is not None
    filename, handle = files["predict_file"]
    assert filename == "questions.txt"
    assert handle.closed, "the shim closes the file it opened"


# ----------------------------------------------------------------- result shapes
@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (fake_response({"jobs": [], "count": 0}), {"jobs": [], "count": 0}),
        (fake_response({}), {}),
        (fake_response(raw=b""), {}),
        (fake_response([1, 2]), {"data": [1, 2]}),
        (fake_response("gone", 404), {"detail": "gone"}),
        (
            fake_response(raw=b"<html>\n502 Bad Gateway</html>", status=502),
            {"detail": "<html> 502 Bad Gateway</html>"},
        ),
        (
            fake_response({"detail": "view job action not authorized"}, 403),
            {"detail": "view job action not authorized"},
        ),
        (
            fake_response({"code": 3, "message": "exists", "details": []}, 400),
            {
                "code": 3,
                "message": "exists",
                "details": [],
            },
        ),
    ],
)
def test_results_are_the_body_with_status_code_and_headers(
    response: Any, expected: dict[str, Any]
) -> None:
    with recording(response) as (sdk, _):
        result = sdk.list_jobs()
    headers = result.pop("headers")
    status = result.pop("status_code")
    assert result == expected
    assert status == response.status_code
    assert type(status) is int
    assert type(headers) is dict
    assert headers["x-correlation-id"] == "corr-1"


def test_a_long_non_json_body_is_cut_short() -> None:
    with recording(fake_response(raw=b"x" * 5000, status=500)) as (sdk, _):
        result = sdk.list_projects()
    assert result["status_code"] == 500
    assert 0 < len(result["detail"]) <= 300


# -------------------------------------------------------------- seed ValueErrors
@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (
            lambda s: s.create_job("deploy", "p", "m", "j", "d", "ds", "{}", False, "", 1, "a"),
            "job_type",
        ),
        (lambda s: s.resume_job("evaluation", "p", "j", "{}", True), "job_type"),
        (lambda s: s.list_notifications(limit=0), "limit"),
        (lambda s: s.list_notifications(limit=-3), "limit"),
        (lambda s: s.list_notifications(levels="40,45"), "levels"),
        (lambda s: s.list_notifications(levels=[60]), "levels"),
        (lambda s: s.list_notifications(levels="high"), "levels"),
        (lambda s: s.list_notifications(type="system"), "type"),
        (lambda s: s.nlp_predict("p", "e", "k", "hi", params="{not json"), "params"),
        (lambda s: s.nlp_predict("p", "e", "k", "hi", params="[1]"), "params"),
    ],
)
def test_bad_arguments_raise_value_error_before_any_request(call: Any, argument: str) -> None:
    with recording() as (sdk, recorder), pytest.raises(ValueError, match=argument) as caught:
        call(sdk)
    assert isinstance(caught.value, InvalidArgumentError)
    assert caught.value.argument == argument
    assert recorder.sent == []


@pytest.mark.parametrize("job_type", ["train", "evaluation", "batch_predict"])
def test_create_job_accepts_the_job_types_callers_use(job_type: str) -> None:
    with recording() as (sdk, recorder):
        sdk.create_job(job_type, "p", "m", "j", "d", "ds", "{}", False, "", 1, "SN40L-8")
    assert len(recorder.sent) == 1


def test_list_notifications_accepts_levels_as_a_string_an_int_or_a_list() -> None:
    with recording() as (sdk, recorder):
        sdk.list_notifications(levels="40")
        sdk.list_notifications(levels=" 10, 20 ")
        sdk.list_notifications(levels=50)
        sdk.list_notifications(levels=["30", 40], type="admin")
    assert [wire.query["levels"] for wire, _ in recorder.sent] == [
        ["40"],
        ["10", "20"],
        ["50"],
        ["30", "40"],
    ]


def test_a_missing_name_or_id_is_a_type_error_not_a_request() -> None:
    with recording() as (sdk, recorder), pytest.raises(TypeError, match="'job'"):
        sdk.job_info("p", None)  # type: ignore[arg-type]
    assert recorder.sent == []


# ---------------------------------------------------------------------- warnings
def _record(call: Any) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if issubclass(w.category, DeprecationWarning)]


def test_each_method_warns_once_pointing_at_the_callers_line() -> None:
    reset_warnings()
    with recording() as (sdk, _):
        first = _record(lambda: sdk.create_project("p", "d"))
        again = _record(lambda: sdk.create_project("q", "d"))
        other = _record(sdk.list_projects)
    assert len(first) == 1
    assert again == []
    assert len(other) == 1
    message = str(first[0].message)
    assert message == (
        "SnSdk.create_project is deprecated; use client.projects.create(name=..., "
        "description=...) (see docs/migration.md)"
    )
    assert first[0].category is SnSdkDeprecationWarning
    assert first[0].filename == __file__


def test_download_methods_warn_at_the_callers_line_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reset_warnings()
    monkeypatch.setattr(_download, "download_to_dir", lambda *a, **k: tmp_path / "r.tar.gz")
    with recording() as (sdk, _):
        caught = _record(lambda: sdk.download_results("p", "j", str(tmp_path)))
    assert caught[0].filename == __file__
    assert "job.download_results(dest)" in str(caught[0].message)


def test_warnings_are_silenced_by_the_usual_filter_and_by_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reset_warnings()
    with recording() as (sdk, _):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("ignore", DeprecationWarning)
            sdk.list_apps()
        assert caught == []
        reset_warnings()
        monkeypatch.setenv(SILENCE_ENV, "1")
        assert _record(sdk.list_apps) == []
        monkeypatch.delenv(SILENCE_ENV)
        assert len(_record(sdk.list_apps)) == 1


def test_warnings_and_repr_hold_no_secret() -> None:
    reset_warnings()
    with recording() as (sdk, _):
        caught = _record(lambda: sdk.nlp_predict("p", "e", "endpoint-secret-key", "hi"))
        caught += _record(lambda: sdk.login("https://h.test", "u", "my-password-1"))
    text = " ".join(str(w.message) for w in caught) + repr(sdk)
    for secret in (SECRET, "endpoint-secret-key", "my-password-1"):
        assert secret not in text
    assert repr(sdk) == "SnSdk(host_url='https://sambastudio.test')"


def test_migration_entries_name_object_model_calls() -> None:
    for method, replacement in MIGRATION.items():
        assert replacement.startswith(
            (
                "client.",
                "project.",
                "job.",
                "checkpoint.",
                "model.",
                "endpoint.",
                "key.",
                "dataset.",
                "tenant.",
                "user.",
                "export.",
                "Client.",
            )
        ), method
