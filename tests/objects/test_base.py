"""The generic pieces: envelopes, timestamps, argument checks, identity, repr, pickling."""

from __future__ import annotations

import copy
import pickle
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock

import pytest

from sambastudio._arguments import check_choice, check_count, hyperparams_json
from sambastudio._base import Resource
from sambastudio._client import Client
from sambastudio._envelopes import list_of, object_of
from sambastudio._timestamps import parse_timestamp
from sambastudio.emulator import Emulator
from sambastudio.errors import (
    AuthenticationError,
    InvalidArgumentError,
    SambaStudioError,
    UnexpectedResponseError,
)
from sambastudio.resources import App, Checkpoint, Dataset, Job, Model, Project
from tests.objects.conftest import unique

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-15T15:22:22.108261+00:00", datetime(2024, 7, 15, 15, 22, 22, 108261, UTC)),
        ("2024-12-18T19:42:46.059862000Z", datetime(2024, 12, 18, 19, 42, 46, 59862, UTC)),
        ("2024-07-17 16:47:09.839709 +0000 UTC", datetime(2024, 7, 17, 16, 47, 9, 839709, UTC)),
        ("2024-07-17T16:47:09", datetime(2024, 7, 17, 16, 47, 9, tzinfo=UTC)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (
            "2024-07-17T18:47:09.5+02:00",
            datetime(2024, 7, 17, 18, 47, 9, 500000, timezone(timedelta(hours=2))),
        ),
    ],
)
def test_every_timestamp_style_parses(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", [None, "", "yesterday", "2024-13-45T00:00:00Z"])
def test_what_does_not_parse_is_none(text: str | None) -> None:
    assert parse_timestamp(text) is None


def test_a_resource_keeps_the_timestamp_as_sent() -> None:
    job = Job.model_validate({"job_id": "j", "time_created": "2024-12-18T19:42:46.059862000Z"})
    assert job.time_created == "2024-12-18T19:42:46.059862000Z"
    assert job.created_at == datetime(2024, 12, 18, 19, 42, 46, 59862, UTC)
    assert job.updated_at is None


@pytest.mark.parametrize(
    "body",
    [{"data": {"project_id": "p", "project_name": "n"}}, {"id": "p", "name": "n", "data": [1]}],
)
def test_object_of_reads_both_generations(body: dict[str, Any]) -> None:
    assert Project.model_validate(object_of(body)).id == "p"


def test_object_of_under_a_key() -> None:
    assert object_of({"apps": {"id": "a"}}, "apps") == {"id": "a"}
    assert object_of({"data": {"apps": {"id": "a"}}}, "apps") == {"id": "a"}


@pytest.mark.parametrize(
    "body",
    [
        {"projects": [{"id": "p"}]},
        {"count": 1, "page": 1, "limit": -1, "data": {"projects": [{"id": "p"}]}},
        {"data": [{"id": "p"}]},
    ],
)
def test_list_of_reads_every_shape(body: dict[str, Any]) -> None:
    assert list_of(body, "projects") == [{"id": "p"}]


def test_a_response_without_the_list_is_an_error_not_an_empty_list() -> None:
    with pytest.raises(UnexpectedResponseError, match="projects"):
        list_of({"detail": "nope"}, "projects")


def test_hyperparams_travel_as_a_json_string() -> None:
    assert hyperparams_json({"num_iterations": 10}) == '{"num_iterations": 10}'
    assert hyperparams_json('{"a": "1"}') == '{"a": "1"}'
    assert hyperparams_json(None) == "{}"


@pytest.mark.parametrize("value", ["not json", "[1, 2]", 42])
def test_bad_hyperparams_are_refused(value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        hyperparams_json(value)
    assert caught.value.argument == "hyperparams"


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "2"])
def test_counts_must_be_whole_and_positive(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="instances"):
        check_count("instances", value)
    assert check_count("instances", 3) == 3


def test_choices_name_the_argument_and_the_options() -> None:
    with pytest.raises(InvalidArgumentError, match="'train'") as caught:
        check_choice("type", "fly", ("train",))
    assert isinstance(caught.value, ValueError)
    assert caught.value.argument == "type"


def test_unknown_fields_and_statuses_are_kept() -> None:
    job = Job.model_validate({"job_id": "j", "status": "QUEUED_ON_MARS", "new_field": [1]})
    assert job.status == "QUEUED_ON_MARS"
    assert job.model_extra == {"new_field": [1]}


def test_identity_is_kind_and_id() -> None:
    one = Project.model_validate({"id": "x", "name": "a"})
    same = Project.model_validate({"project_id": "x", "project_name": "renamed"})
    assert one == same
    assert hash(one) == hash(same)
    assert one != Job.model_validate({"job_id": "x"})
    assert len({one, same}) == 1


def test_repr_and_str_are_short_and_hold_no_secret() -> None:
    project = Project.model_validate(
        {"id": "x", "name": "a", "status": "Available", "api_key": "s3cr3t-value"}
    )
    assert repr(project) == "Project(id='x', name='a', status='Available')"
    assert "s3cr3t" not in str(project)


def test_a_detached_resource_says_how_to_attach_it() -> None:
    with pytest.raises(SambaStudioError, match=r"\.attach\(client\)"):
        Project.model_validate({"id": "x"}).refresh()


def test_pickling_drops_the_client_and_attach_restores_it(client: Client, project: Project) -> None:
    restored = pickle.loads(pickle.dumps(project))  # noqa: S301 - our own bytes
    assert restored == project
    assert restored.model_dump() == project.model_dump()
    with pytest.raises(SambaStudioError):
        restored.refresh()
    assert restored.attach(client).refresh() == project
    assert project.client is client  # the original keeps its client


@pytest.mark.parametrize(
    "resource",
    [
        Job.model_validate({"job_id": "j", "job_name": "ft", "hyperparams": [{"FIELD_NAME": "x"}]}),
        Checkpoint.model_validate({"checkpoint_name": "j-10", "metrics": {"single_value": {}}}),
        Model.model_validate({"model_id": "m", "jobTypes": ["train"]}),
        Dataset.model_validate({"dataset_id": "d", "dataset_name": "squad"}),
        App.model_validate({"id": "a", "name": "Generative Tuning"}),
    ],
    ids=lambda resource: type(resource).__name__,
)
def test_every_resource_pickles(resource: Resource) -> None:
    restored = pickle.loads(pickle.dumps(resource))  # noqa: S301 - our own bytes
    assert restored == resource
    assert restored.model_dump() == resource.model_dump()


def test_a_deep_copy_shares_the_client(client: Client, project: Project) -> None:
    copied = copy.deepcopy(project)
    assert copied.client is client
    assert copied == project


def test_the_client_hides_its_key_and_refuses_to_pickle(client: Client) -> None:
    assert client.settings.access_key not in repr(client)
    with pytest.raises(TypeError, match="per process"):
        pickle.dumps(client)


def test_with_options_shares_the_connection_pool(client: Client) -> None:
    quick = client.with_options(timeout=5, max_retries=0)
    assert quick._pipeline.session is client._pipeline.session
    assert (quick.settings.timeout, quick.settings.max_retries) == (5, 0)
    assert quick.projects.list().to_list() == client.projects.list().to_list()


def test_the_client_is_autospec_friendly() -> None:
    """A caller's test double made by ``create_autospec`` refuses what the client would."""
    fake = mock.create_autospec(Client, instance=True)
    fake.projects.get("demo")
    fake.projects.get.assert_called_once_with("demo")
    with pytest.raises(AttributeError):
        _ = fake.projets  # misspelt: the spec knows the client's collections
    with pytest.raises(TypeError):
        fake.close("now")  # the spec knows the client's own signatures


def test_login_trades_a_password_for_a_client(emulator: Emulator) -> None:
    name = unique("alice")
    key = emulator.add_user(name, password="correct horse")
    with Client.login(emulator.url, username=name, password="correct horse") as alice:
        assert alice.settings.access_key == key
        assert isinstance(alice.projects.list().to_list(), list)


def test_a_wrong_password_is_an_authentication_error(emulator: Emulator) -> None:
    with pytest.raises(AuthenticationError, match="invalid username or password"):
        Client.login(emulator.url, username="admin", password="wrong")


def test_a_shallow_copy_shares_the_client(client: Client, project: Project) -> None:
    assert copy.copy(project).client is client
    assert project.model_copy().client is client


def test_a_list_is_validated_in_one_pass_and_every_item_bound(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No per-item validation call nor per-item argument check (docs/performance.md)."""
    for number in range(3):
        client.projects.create(name=unique(f"listed-{number}"), description="d")

    def per_item(*args: object, **kwargs: object) -> None:
        raise AssertionError("a list item was validated or attached on its own")

    monkeypatch.setattr("sambastudio._resource.parse_answer", per_item)
    monkeypatch.setattr("sambastudio._checks.check_argument", per_item)
    projects = client.projects.list().to_list()
    assert len(projects) >= 3
    assert all(project.client is client for project in projects)


def test_a_bad_item_in_a_list_names_its_position() -> None:
    from sambastudio._answers import parse_answers
    from sambastudio.errors import UnexpectedResponseError

    with pytest.raises(UnexpectedResponseError, match=r"unexpected project data: 1\.id"):
        parse_answers(Project, [{"id": "a"}, {"name": "no id"}], "project")
