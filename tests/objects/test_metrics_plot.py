"""Job metrics as a figure, drawn headless (Agg): the loss and learning-rate series against
steps, each checkpoint marked at its loss and the best one starred."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable

import matplotlib
import pytest

from sambastudio._plot import BEST_LABEL, CHECKPOINT_LABEL
from sambastudio.errors import MissingDependencyError
from sambastudio.resources import Job

matplotlib.use("Agg")


@pytest.fixture
def trained(train: Callable[..., Job]) -> Job:
    return train(num_iterations=12, save_steps=4)


def test_the_figure_has_the_series_and_the_checkpoints(trained: Job) -> None:
    metrics = trained.metrics()
    figure = metrics.plot()
    loss_axes, rate_axes = figure.axes
    (loss,) = loss_axes.get_lines()
    assert loss.get_label() == "train_loss"
    assert list(loss.get_xdata()) == list(range(1, 13))
    assert list(loss.get_ydata()) == [p.value for p in metrics.train_loss]
    (rate,) = rate_axes.get_lines()
    assert rate.get_label() == "train_learning_rate"
    assert list(rate.get_ydata()) == [p.value for p in metrics["train_learning_rate"]]

    markers = {c.get_label(): c.get_offsets().tolist() for c in loss_axes.collections}
    checkpoints = trained.checkpoints.list().to_list()
    assert markers[CHECKPOINT_LABEL] == [[c.steps, c.metrics.train_loss] for c in checkpoints]
    best = min(checkpoints, key=lambda c: c.metrics.train_loss or 0)
    assert markers[BEST_LABEL] == [[best.steps, best.metrics.train_loss]]
    assert rate_axes.get_xlabel() == "step"

    png = io.BytesIO()
    figure.savefig(png, format="png")  # renders without a display
    assert png.getvalue().startswith(b"\x89PNG")
    assert figure._repr_png_().startswith(b"\x89PNG")  # Jupyter shows it without pyplot


def test_checkpoints_given_are_the_ones_marked(trained: Job) -> None:
    figure = trained.metrics().plot(checkpoints=[])
    assert len(figure.axes[0].collections) == 0


def test_without_matplotlib_the_error_names_the_extra(
    trained: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics = trained.metrics()
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(
        MissingDependencyError, match=r"pip install 'sambastudio\[plot\]'"
    ) as caught:
        metrics.plot(checkpoints=[])
    assert "plot() needs matplotlib" in str(caught.value)
    assert isinstance(caught.value, ImportError)
