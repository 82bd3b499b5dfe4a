"""A job's training metrics as a matplotlib figure (the optional ``plot`` extra).

The figure is a ``matplotlib.figure.Figure`` that pyplot does not manage and that renders
itself (``sambastudio._figure``): a notebook shows it once, as the cell's value, and a script
or a headless CI saves it with ``fig.savefig(path)`` whatever the backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sambastudio import _views
from sambastudio._optional import require

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CHECKPOINT_LABEL = "checkpoints"
BEST_LABEL = "best checkpoint"


def _points(points: Sequence[Any]) -> tuple[list[int], list[float]]:
    known = sorted((p.step, p.value) for p in points if p.step is not None and p.value is not None)
    return [step for step, _ in known], [value for _, value in known]


def _draw(axes: Axes, series: Mapping[str, Sequence[Any]], ylabel: str) -> None:
    for name, points in series.items():
        steps, values = _points(points)
        axes.plot(steps, values, label=name)
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)


def _mark_checkpoints(axes: Axes, checkpoints: Sequence[Any]) -> None:
    """A dot per checkpoint at its step and training loss; a star on the lowest loss."""
    marked = [
        (c.steps, loss)
        for c in checkpoints
        if c.steps is not None and (loss := _views.field_value(c, "train_loss")) is not None
    ]
    if not marked:
        return
    steps, losses = zip(*marked, strict=True)
    axes.scatter(steps, losses, marker="o", color="black", zorder=3, label=CHECKPOINT_LABEL)
    best_step, best_loss = min(marked, key=lambda point: point[1])
    axes.scatter(
        [best_step],
        [best_loss],
        marker="*",
        s=160,
        color="gold",
        edgecolors="black",
        zorder=4,
        label=BEST_LABEL,
    )


def plot_metrics(series: Mapping[str, Sequence[Any]], checkpoints: Sequence[Any]) -> Figure:
    """Loss series against steps (checkpoints marked), learning rates below when present."""
    require("matplotlib", extra="plot", feature="plot()")
    from sambastudio._figure import ShownFigure

    losses = {name: points for name, points in series.items() if "loss" in name}
    rates = {name: points for name, points in series.items() if "learning_rate" in name}
    figure = ShownFigure(figsize=(8, 5 if rates else 3.5), layout="constrained")
    axes = figure.subplots(2 if rates else 1, 1, sharex=True, squeeze=False)[:, 0]
    _draw(axes[0], losses, "loss")
    _mark_checkpoints(axes[0], checkpoints)
    axes[0].legend(loc="upper right")
    if rates:
        _draw(axes[1], rates, "learning rate")
    axes[-1].set_xlabel("step")
    return figure
