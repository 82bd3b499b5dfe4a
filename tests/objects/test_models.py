"""Models and apps: catalogue, hyperparameter specs, import/export waits, composites."""

from __future__ import annotations

import pytest

from sambastudio._client import Client
from sambastudio.errors import InvalidArgumentError, PermissionDeniedError, WaitTimeout
from sambastudio.resources import App, Model, ModelExport, ModelImport
from tests.objects.conftest import APP, BASE_MODEL, RDU_ARCH, unique
from tests.objects.fakes import FakeClock


def test_list_and_get_by_name_or_id(client: Client) -> None:
    models = client.models.list().to_list()
    assert all(isinstance(model, Model) for model in models)
    base = next(model for model in models if model.name == BASE_MODEL)
    assert client.models.get(BASE_MODEL) == base == client.models.get(base.id)
    assert base.status == "Available"
    assert "train" in base.job_types


def test_info_decodes_the_hyperparameter_specs(client: Client) -> None:
    info = client.models.get(BASE_MODEL).info(job_type="train")
    specs = {spec.name: spec for spec in info.hyperparam_specs("train", RDU_ARCH)}
    assert specs["num_iterations"].default == "100"
    assert specs["num_iterations"].constraints == {"ge": 1, "le": 100000}
    assert specs["max_seq_length"].user_modifiable is False
    assert info.default_hyperparams("train", RDU_ARCH)["learning_rate"] == "0.00001"
    assert info.hyperparam_specs("deploy", RDU_ARCH) == []


def test_info_checks_the_job_type_before_sending(client: Client) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        client.models.get(BASE_MODEL).info(job_type="fly")  # type: ignore[arg-type]
    assert caught.value.argument == "job_type"


def test_import_then_wait_until_available(client: Client, clock: FakeClock) -> None:
    name = unique("imported")
    started = client.models.import_model(model=BASE_MODEL, path="ckpts/one", name=name)
    assert isinstance(started, ModelImport)
    assert (started.status, started.stage, started.progress) == ("", "Copy", 0)
    seen: list[str | None] = []
    done = started.wait(timeout=600, on_progress=lambda step: seen.append(step.stage))
    assert done.status == "Available"
    assert "convert" in seen
    assert done.model().name == name
    assert client.models.get(name).import_status().status == "Available"


def test_an_import_wait_times_out(client: Client) -> None:
    started = client.models.import_model(model=BASE_MODEL, path="ckpts/x", name=unique("slow"))
    with pytest.raises(WaitTimeout) as caught:
        started.wait(timeout=6, poll_interval=1, max_poll_interval=1)
    assert caught.value.last_status == ""


def test_export_wait_list_and_delete(client: Client) -> None:
    model = client.models.import_model(model=BASE_MODEL, path="ckpts/e", name=unique("m")).wait(
        timeout=3600
    )
    export = client.models.get(model.id).export()
    assert isinstance(export, ModelExport)
    assert export.model_id == model.id
    assert export.wait(timeout=300).status == "Completed"
    assert export in client.models.exports().to_list()
    export.delete()
    assert export not in client.models.exports().to_list()


def test_sambanova_models_cannot_be_deleted(client: Client) -> None:
    with pytest.raises(PermissionDeniedError):
        client.models.delete(BASE_MODEL)


def test_delete_an_own_model(client: Client) -> None:
    model = client.models.import_model(model=BASE_MODEL, path="ckpts/d", name=unique("m")).wait(
        timeout=3600
    )
    client.models.get(model.id).delete()
    assert model.id not in {m.id for m in client.models.list()}


def test_composite_and_speculative_decoding(client: Client) -> None:
    target = client.models.get("Meta-Llama-3-8B-Instruct")
    check = client.models.validate_spec_decoding(target=target, draft=BASE_MODEL)
    assert check.valid, check.validations
    bad = client.models.validate_spec_decoding(target=BASE_MODEL, draft=target.id)
    assert not bad.valid
    assert any(v["reason"] == "parameter_count" for v in bad.validations)
    assert client.models.validate_bundle(dependencies=[target, BASE_MODEL], rdu_required=16).valid
    twice = client.models.validate_bundle(dependencies=[BASE_MODEL, BASE_MODEL], rdu_required=8)
    assert (twice.valid, [v["reason"] for v in twice.validations]) == (False, ["duplicate"])
    with pytest.raises(InvalidArgumentError) as refused:
        client.models.validate_bundle(dependencies=[], rdu_required=8)
    assert refused.value.argument == "dependencies"
    name = unique("bundle")
    bundle = client.models.create_composite(
        name=name, dependencies=[target, BASE_MODEL], rdu_required=16, app=APP
    )
    assert (bundle.name, bundle.composition) == (name, "Composite")
    assert [d["name"] for d in bundle.dependencies] == [target.name, BASE_MODEL]


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"name": "", "dependencies": [BASE_MODEL], "rdu_required": 8}, "name"),
        ({"name": "b", "dependencies": [], "rdu_required": 8}, "dependencies"),
        ({"name": "b", "dependencies": [BASE_MODEL], "rdu_required": 0}, "rdu_required"),
    ],
)
def test_composite_arguments_are_checked(
    client: Client, arguments: dict[str, object], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        client.models.create_composite(**arguments)  # type: ignore[arg-type]
    assert caught.value.argument == argument


def test_apps_by_name_or_id(client: Client) -> None:
    apps = client.apps.list().to_list()
    app = next(app for app in apps if app.name == APP)
    assert isinstance(app, App)
    assert client.apps.get(APP) == app == client.apps.get(app.id)
    assert app.prediction_input == "text"
