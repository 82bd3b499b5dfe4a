"""What an IDE and mypy infer for the object model; checked statically, never run.

``mypy --strict sambastudio tests/typing`` must pass: every ``assert_type`` below is a
promise about a public signature (a collection's ``get`` returns its resource, ``list``
yields it, verbs return the resource they act on).
"""

from __future__ import annotations

from pathlib import Path

from typing_extensions import assert_type

from sambastudio._client import Client
from sambastudio._pagination import Pager
from sambastudio.resources import (
    ApiKey,
    App,
    BundleCheck,
    Checkpoint,
    CheckpointMetrics,
    Dataset,
    Endpoint,
    Feature,
    HyperparamSpec,
    Job,
    JobMetrics,
    LogFile,
    Model,
    ModelExport,
    ModelImport,
    Notification,
    Prediction,
    Project,
    ResourceUsage,
    ResultsExport,
    Role,
    SpecDecodingCheck,
    Tenant,
    User,
)
from sambastudio.resources.chat import ChatCompletion, ChatStream
from sambastudio.resources.streaming import TokenStream


def projects(client: Client) -> None:
    assert_type(client.projects.create(name="demo"), Project)
    assert_type(client.projects.get("demo"), Project)
    assert_type(client.projects.list(), Pager[Project])
    assert_type(client.projects.list().first(), Project | None)
    project = client.projects.get("demo")
    assert_type(project.update(description="d"), Project)
    assert_type(project.refresh(), Project)
    assert_type(project.delete(), None)


def jobs(project: Project, client: Client) -> None:
    job = project.jobs.create(
        type="train", name="ft", model="m", dataset="d", rdu_arch="SN40L-8", hyperparams={}
    )
    assert_type(job, Job)
    assert_type(project.jobs.get("ft"), Job)
    assert_type(project.jobs.list().to_list(), list[Job])
    assert_type(client.jobs.get("ft"), Job)
    assert_type(client.jobs.list(), Pager[Job])
    assert_type(job.wait(timeout=60, on_progress=print), Job)
    assert_type(job.stop(), Job)
    assert_type(job.resume(), Job)
    assert_type(job.update(name="x"), Job)
    assert_type(job.metrics(), JobMetrics)
    assert_type(job.logs.list(), Pager[LogFile])
    assert_type(job.logs.preview("train.log"), str)
    assert_type(job.exports.list(), Pager[ResultsExport])
    assert_type(job.download_results("out"), Path)
    assert_type(job.download_artifacts("out", kind="logs"), Path)


def checkpoints(job: Job) -> None:
    for checkpoint in job.checkpoints.list():
        assert_type(checkpoint, Checkpoint)
        assert_type(checkpoint.metrics, CheckpointMetrics)
        assert_type(checkpoint.metrics.train_loss, float | None)
    best = job.checkpoints.get("job-10")
    assert_type(best, Checkpoint)
    assert_type(best.promote(name="mine"), Model)


def models(client: Client) -> None:
    model = client.models.get("Llama")
    assert_type(model, Model)
    assert_type(client.models.list(), Pager[Model])
    assert_type(model.info(job_type="train"), Model)
    assert_type(model.hyperparam_specs("train", "SN40L-8"), list[HyperparamSpec])
    assert_type(model.default_hyperparams("train", "SN40L-8"), dict[str, str])
    started = client.models.import_model(model=model, path="p", name="n")
    assert_type(started, ModelImport)
    assert_type(started.wait(timeout=None), ModelImport)
    assert_type(model.export(), ModelExport)
    assert_type(model.export().wait(timeout=3600), ModelExport)
    assert_type(client.models.exports(), Pager[ModelExport])
    assert_type(
        client.models.create_composite(name="b", dependencies=[model], rdu_required=8), Model
    )
    assert_type(client.models.validate_spec_decoding(target=model, draft="d"), SpecDecodingCheck)
    assert_type(client.models.validate_bundle(dependencies=[model], rdu_required=8), BundleCheck)


def apps_and_datasets(client: Client) -> None:
    assert_type(client.apps.get("Generative Tuning"), App)
    assert_type(client.apps.list(), Pager[App])
    dataset = client.datasets.create(name="d", path="./d", apps=["a"], job_types=["train"])
    assert_type(dataset, Dataset)
    assert_type(client.datasets.get("d"), Dataset)
    assert_type(client.datasets.list(), Pager[Dataset])


def endpoints(project: Project, client: Client, model: Model) -> None:
    endpoint = project.endpoints.create(name="ep", model=model, rdu_arch="SN40L-8")
    assert_type(endpoint, Endpoint)
    assert_type(project.endpoints.get("ep"), Endpoint)
    assert_type(project.endpoints.list(), Pager[Endpoint])
    assert_type(client.endpoints.get(endpoint.id), Endpoint)
    assert_type(client.endpoints.list(), Pager[Endpoint])
    assert_type(endpoint.wait_until_live(timeout=1800), Endpoint)
    assert_type(endpoint.update(instances=2), Endpoint)
    assert_type(endpoint.stop(), Endpoint)
    assert_type(endpoint.predict("Hello"), Prediction)
    assert_type(endpoint.predict(["Hello", "Hi"]), list[Prediction])
    assert_type(endpoint.stream("Hello"), TokenStream)
    assert_type(endpoint.chat([{"role": "user", "content": "Hi"}]), ChatCompletion)
    assert_type(endpoint.chat([{"role": "user", "content": "Hi"}], stream=True), ChatStream)
    assert_type(endpoint.predict_file("prompts.txt"), list[Prediction])
    assert_type(endpoint.openai_base_url, str)
    key = endpoint.api_keys.create(description="ci")
    assert_type(key, ApiKey)
    assert_type(endpoint.api_keys.list(), Pager[ApiKey])
    assert_type(key.revoke(), ApiKey)


def platform(client: Client) -> None:
    assert_type(client.tenants.get("default"), Tenant)
    assert_type(client.tenants.list(), Pager[Tenant])
    assert_type(client.tenants.default(), Tenant)
    assert_type(client.users.list(), Pager[User])
    assert_type(client.users.add("alice"), User)
    assert_type(client.roles.list(), Pager[Role])
    assert_type(client.notifications.list(levels=[40, 50]), Pager[Notification])
    assert_type(client.admin.jobs(), Pager[Job])
    assert_type(client.admin.resource_usage(), ResourceUsage)
    assert_type(client.features(), list[Feature])
    assert_type(Client.login("https://x", username="me", password="pw"), Client)


def client_options(client: Client) -> None:
    assert_type(client.with_options(timeout=5, max_retries=0), Client)
    with Client(host_url="https://x", access_key="k") as scoped:
        assert_type(scoped, Client)
