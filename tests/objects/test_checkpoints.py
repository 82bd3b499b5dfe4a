"""Checkpoints: listed per job with metrics, found by name or id, promoted, deleted."""

from __future__ import annotations

import pytest

from sambastudio._client import Client
from sambastudio.errors import InvalidArgumentError, NotFoundError
from sambastudio.resources import Checkpoint, Job, Model
from tests.objects.conftest import unique


def test_list_holds_named_checkpoints_with_metrics(trained: Job) -> None:
    checkpoints = trained.checkpoints.list().to_list()
    assert all(isinstance(c, Checkpoint) for c in checkpoints)
    assert [c.name for c in checkpoints] == [f"{trained.id}-5", f"{trained.id}-10"]
    assert [c.steps for c in checkpoints] == [5, 10]
    losses = [c.metrics.train_loss for c in checkpoints]
    assert all(isinstance(loss, float) for loss in losses)
    best = min(checkpoints, key=lambda c: c.metrics.train_loss or float("inf"))
    assert best.steps == 10
    # the default learning_rate hyperparameter (0.00001) on the constant schedule
    assert [c.metrics.train_learning_rate for c in checkpoints] == [0.00001, 0.00001]


def test_best_is_the_lowest_train_loss_or_the_highest_when_asked(trained: Job) -> None:
    # The emulator's loss falls with every step (2.5 towards 0.3): step 10 is the lowest.
    assert trained.checkpoints.best().steps == 10
    assert trained.checkpoints.best("train_loss", highest=True).steps == 5
    # Without a schedule the rate is the same at every step: the first of equals wins.
    assert trained.checkpoints.best("train_learning_rate").steps == 5


def test_best_names_a_metric_no_checkpoint_reports(trained: Job) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        trained.checkpoints.best("accuracy")
    assert caught.value.argument == "metric"
    assert f"no checkpoint of job {trained.name!r} reports 'accuracy'" in str(caught.value)


def test_get_by_name_id_or_object(trained: Job) -> None:
    checkpoint = trained.checkpoints.list().first()
    assert checkpoint is not None
    assert checkpoint.name == f"{trained.id}-5"  # <job id>-<step>, the first save at step 5
    for ref in (checkpoint.name, checkpoint.id, checkpoint):
        found = trained.checkpoints.get(ref)
        assert found == checkpoint
        assert (found.project_id, found.job_id) == (trained.project_id, trained.id)
    assert checkpoint.refresh().steps == 5


def test_a_missing_checkpoint_is_not_found(trained: Job) -> None:
    with pytest.raises(NotFoundError):
        trained.checkpoints.get(f"{trained.id}-999")


def test_promote_makes_a_model(client: Client, trained: Job) -> None:
    best = trained.checkpoints.get(f"{trained.id}-10")
    name = unique("tuned")
    model = best.promote(name=name, description="fine-tuned")
    assert isinstance(model, Model)
    assert (model.name, model.description, model.status) == (name, "fine-tuned", "Available")
    assert client.models.get(name) == model


def test_delete_by_object_and_by_name(trained: Job) -> None:
    first, second = trained.checkpoints.list().to_list()
    first.delete()
    assert second.name == f"{trained.id}-10"
    trained.checkpoints.delete(second.name)
    assert trained.checkpoints.list().to_list() == []


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [({"name": ""}, "name"), ({"name": "m", "checkpoint_type": "best"}, "checkpoint_type")],
)
def test_promote_arguments_are_checked(
    trained: Job, arguments: dict[str, str], argument: str
) -> None:
    checkpoint = trained.checkpoints.list().first()
    assert checkpoint is not None
    assert checkpoint.steps == 5
    with pytest.raises(InvalidArgumentError) as caught:
        checkpoint.promote(**arguments)  # type: ignore[arg-type]
    assert caught.value.argument == argument
