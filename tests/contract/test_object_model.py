"""The object model speaks the wire contract: one short scenario per area, each recorded.

Each test drives ``sambastudio.Client`` as a user would, in both response generations; its
cassette (``cassettes/test_object_model/<test>[<flavor>].yaml``) holds what went over the
wire, and the replay proves the SDK still sends exactly that. ``test_cassettes.py`` checks
that together they send every route of ``sambastudio._routes``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sambastudio import Client
from sambastudio.errors import AuthenticationError, JobFailed, UploadError
from sambastudio.resources import Dataset, Endpoint, Job, Project
from sambastudio.resources.predictions import WIRES, Wire
from sambastudio.testing import Target
from sambastudio.transfers.progress import TransferProgress
from tests.compat.helpers import TRAINING_DATA
from tests.contract._world import (
    APP,
    AWS,
    BASE_MODEL,
    CONTRACT_MARKS,
    DRAFT_TARGET,
    EMBEDDING_MODEL,
    JOB_TYPES,
    RDU_ARCH,
    SHORT_TRAINING,
    write_prompts,
    write_training_data,
)

pytestmark = CONTRACT_MARKS


@pytest.fixture
def client(sambastudio_client: Client) -> Client:
    return sambastudio_client


@pytest.fixture
def project(client: Client) -> Iterator[Project]:
    """A project, deleted afterwards with what it holds (a live server keeps everything)."""
    project = client.projects.create(name="contract", description="contract scenario")
    yield project
    for endpoint in project.endpoints.list():
        endpoint.delete()
    for job in project.jobs.list():
        job.delete()
    project.delete()


@pytest.fixture
def dataset(client: Client, tmp_path: Path) -> Iterator[Dataset]:
    """A dataset uploaded one part at a time (so the requests come in a fixed order)."""
    dataset = client.datasets.create(
        name="squad",
        path=write_training_data(tmp_path / "squad"),
        apps=[APP],
        job_types=JOB_TYPES,
        concurrency=1,
    )
    yield dataset
    dataset.delete()


def train(project: Project, dataset: Dataset, **options: Any) -> Job:
    arguments: dict[str, Any] = {
        "type": "train",
        "name": "ft",
        "model": BASE_MODEL,
        "dataset": dataset,
        "rdu_arch": RDU_ARCH,
        "hyperparams": SHORT_TRAINING,
        **options,
    }
    return project.jobs.create(**arguments)


@pytest.fixture
def live_endpoint(project: Project) -> Endpoint:
    endpoint = project.endpoints.create(name="ep", model=BASE_MODEL, rdu_arch=RDU_ARCH)
    return endpoint.wait_until_live(timeout=3600)


# ----------------------------------------------------------------------------- scenarios
def test_projects(client: Client) -> None:
    project = client.projects.create(name="demo", description="first")
    assert client.projects.get("demo") == project
    assert client.projects.get(project.id).name == "demo"
    assert project.update(description="second").description == "second"
    assert project.id in [p.id for p in client.projects.list()]
    project.delete()
    assert project.id not in [p.id for p in client.projects.list()]


def test_catalogue(client: Client) -> None:
    assert any(app.name == APP for app in client.apps.list())
    assert client.apps.get(APP).name == APP
    models = client.models.list().to_list()
    base = client.models.get(BASE_MODEL)
    assert base in models
    defaults = base.info(job_type="train").default_hyperparams("train", RDU_ARCH)
    assert "learning_rate" in defaults


def test_dataset_upload(client: Client, dataset: Dataset) -> None:
    assert dataset.name == "squad"
    assert client.datasets.get("squad") == client.datasets.get(dataset.id)
    assert dataset.id in [d.id for d in client.datasets.list()]


def test_dataset_upload_resumes(client: Client, tmp_path: Path) -> None:
    """An upload cut off after its last part, then resumed: the server is asked which parts
    it holds. One file, one part at a time, so the cut falls at the same request always."""
    folder = tmp_path / "squad"
    folder.mkdir()
    (folder / "train.jsonl").write_bytes(TRAINING_DATA["train.jsonl"])

    def interrupt(progress: TransferProgress) -> None:
        if progress.done == progress.total:
            raise KeyboardInterrupt

    with pytest.raises((UploadError, KeyboardInterrupt)):
        client.datasets.create(
            name="squad",
            path=folder,
            apps=[APP],
            job_types=["train"],
            chunk_size=256,
            concurrency=1,
            on_progress=interrupt,
        )
    resumed = client.datasets.resume_upload(name="squad", path=folder, concurrency=1)
    assert resumed.name == "squad"
    resumed.delete()


def test_training_job_lifecycle(project: Project, dataset: Dataset) -> None:
    job = train(project, dataset, hyperparams={"num_iterations": 40, "save_steps": 20})
    assert project.jobs.get("ft") == project.jobs.get(job.id)
    assert [j.id for j in project.jobs.list()] == [job.id]
    assert job.update(description="renamed").description == "renamed"
    assert job.stop().status == "STOPPED"
    with pytest.raises(JobFailed):
        job.wait(timeout=3600)
    job.resume()
    assert job.wait(timeout=3600).status == "EXIT_WITH_0"
    job.delete()


def test_training_job_outputs(client: Client, project: Project, dataset: Dataset) -> None:
    job = train(project, dataset).wait(timeout=3600)
    assert [point.step for point in job.metrics().train_loss][-1] == 10
    logs = job.logs.list().to_list()
    assert job.logs.preview(logs[0])
    checkpoints = job.checkpoints.list().to_list()
    last = checkpoints[-1].name
    assert last is not None
    assert job.checkpoints.get(last) == checkpoints[-1]
    model = checkpoints[-1].promote(name="ft-model", description="fine-tuned")
    checkpoints[0].delete()
    client.models.get(model.id).delete()


def test_training_job_downloads(project: Project, dataset: Dataset, tmp_path: Path) -> None:
    job = train(project, dataset).wait(timeout=3600)
    assert job.download_logs(tmp_path / "logs").is_file()
    assert job.download_artifacts(tmp_path / "artifacts", kind="logs").is_file()


def test_batch_predict_results(project: Project, dataset: Dataset, tmp_path: Path) -> None:
    job = train(project, dataset, type="batch_predict", name="bp", hyperparams={})
    job.wait(timeout=3600)
    unpacked = job.download_results(tmp_path / "results", extract=True)
    assert any(path.is_file() for path in unpacked.rglob("*"))
    export = job.export_to_s3(**AWS)
    assert [e.id for e in job.exports.list()] == [export.id]


def test_model_import_export(client: Client) -> None:
    imported = client.models.import_model(model=BASE_MODEL, path="ckpts/one", name="imported")
    assert imported.wait(timeout=3600).status == "Available"
    model = client.models.get("imported")
    assert model.import_status().status == "Available"
    export = model.export().wait(timeout=3600)
    assert export in client.models.exports().to_list()
    export.delete()
    model.delete()


def test_model_import_from_local(client: Client, tmp_path: Path) -> None:
    """A checkpoint uploaded from this machine (an assumed protocol), then imported."""
    checkpoint = tmp_path / "checkpoint"
    checkpoint.mkdir()
    (checkpoint / "config.json").write_bytes(b'{"model_type": "llama"}')
    imported = client.models.import_from_local(
        model=BASE_MODEL, path=checkpoint, name="uploaded", concurrency=1
    )
    assert imported.wait(timeout=3600).status == "Available"
    client.models.get("uploaded").delete()


def test_composite_models(client: Client) -> None:
    assert client.models.validate_spec_decoding(target=DRAFT_TARGET, draft=BASE_MODEL).valid
    members = [DRAFT_TARGET, BASE_MODEL]
    assert client.models.validate_bundle(dependencies=members, rdu_required=16).valid
    bundle = client.models.create_composite(
        name="bundle", dependencies=[DRAFT_TARGET, BASE_MODEL], rdu_required=16, app=APP
    )
    assert bundle.name == "bundle"
    bundle.delete()


def test_endpoint_lifecycle(client: Client, project: Project) -> None:
    endpoint = project.endpoints.create(name="ep", model=BASE_MODEL, rdu_arch=RDU_ARCH)
    endpoint.wait_until_live(timeout=3600)
    assert client.endpoints.get(endpoint.id).name == "ep"
    assert [e.id for e in project.endpoints.list()] == [endpoint.id]
    assert endpoint.update(description="serving").description == "serving"
    endpoint.stop()


def test_endpoint_api_keys(live_endpoint: Endpoint) -> None:
    key = live_endpoint.api_keys.create(description="ci")
    assert live_endpoint.predict("Hello", api_key=key).text
    assert key.revoke().status == "Revoked"
    with pytest.raises(AuthenticationError):
        live_endpoint.predict("Hello", api_key=key)


@pytest.mark.parametrize("wire", WIRES, ids=lambda wire: wire.predict_route)
def test_predictions(live_endpoint: Endpoint, wire: Wire) -> None:
    """Every predict wire, as if the endpoint's URL named it (the emulator serves them all
    but names the generic one)."""
    speaking = live_endpoint.model_copy(
        update={"url": f"{wire.prefix}{live_endpoint.project_id}/{live_endpoint.id}"}
    )
    assert speaking.predict("Hello").text
    assert "".join(speaking.stream("Hello", {"max_tokens_to_generate": 3}))


def test_predict_file(live_endpoint: Endpoint, tmp_path: Path) -> None:
    answers = live_endpoint.predict_file(write_prompts(tmp_path))
    # at least one: the emulator answers the file as one input; a real server's count is
    # not known (callers read data[0], api-evidence)
    assert len(answers) >= 1
    assert all(answer.text for answer in answers)


def test_openai_compatible_urls(client: Client, project: Project, target: Target) -> None:
    """Chat and embeddings through the object model, and the base URL and key an OpenAI
    client uses on each of the three URL forms (sent here as plain requests)."""
    endpoint = project.endpoints.create(
        name="oai", model=BASE_MODEL, rdu_arch=RDU_ARCH, openai_compatible=True
    ).wait_until_live(timeout=3600)
    hello = [{"role": "user", "content": "Hello"}]
    assert endpoint.chat(hello, max_tokens=8).text
    with endpoint.chat(hello, stream=True, max_tokens=4) as stream:
        assert "".join(chunk.text for chunk in stream)
    assert stream.usage is not None
    assert endpoint.api_key is not None
    headers = {"Authorization": f"Bearer {endpoint.api_key.reveal()}"}
    model = endpoint.targets[0].model_checkpoint_name
    forms = (
        endpoint.openai_base_url,
        f"{target.url}/openai/v1/{project.id}/{endpoint.id}",
        f"{target.url}/v1/{project.id}/{endpoint.id}",
    )
    for base in forms:
        for path, body in (
            ("chat/completions", {"model": model, "messages": hello, "stop": None}),
            ("completions", {"model": model, "prompt": "Hello"}),
        ):
            answer = requests.post(f"{base}/{path}", headers=headers, json=body, timeout=30)
            assert answer.status_code == 200, answer.text
        listed = requests.get(f"{base}/models", headers=headers, timeout=30)
        assert listed.json()["data"][0]["id"] == model

    embedder = project.endpoints.create(
        name="emb", model=EMBEDDING_MODEL, rdu_arch=RDU_ARCH, openai_compatible=True
    ).wait_until_live(timeout=3600)
    assert len(embedder.embed(["Hello", "Bye"])) == 2
    assert embedder.api_key is not None
    headers = {"Authorization": f"Bearer {embedder.api_key.reveal()}"}
    for base in (
        f"{target.url}/openai/v1/{project.id}/{embedder.id}",
        f"{target.url}/v1/{project.id}/{embedder.id}",
    ):
        answer = requests.post(
            f"{base}/embeddings", headers=headers, json={"input": ["Hello"]}, timeout=30
        )
        assert answer.json()["data"][0]["embedding"]


def test_tenants(client: Client) -> None:
    assert client.tenants.default() in client.tenants.list().to_list()
    tenant = client.tenants.create(name="research")
    assert client.tenants.get("research") == tenant
    tenant.update(display_name="Research", rdu_node_count=2, arch=RDU_ARCH)
    tenant.delete()


@pytest.mark.sambastudio_emulator_only("logs in as the emulator's admin, whose password is its key")
def test_users_and_login(client: Client, target: Target) -> None:
    assert client.users.list().to_list()
    alice = client.users.add("alice", email="alice@example.com")
    assert client.roles.list().to_list()
    alice.delete()
    with Client.login(target.url, username="admin", password=target.access_key) as admin:
        assert admin.settings.access_key


def test_platform_views(client: Client) -> None:
    assert client.admin.resource_usage()
    client.admin.jobs().to_list()
    client.notifications.list(levels=[40, 50]).to_list()
    client.features()
