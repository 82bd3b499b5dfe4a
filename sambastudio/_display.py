"""Compact HTML for Jupyter (``_repr_html_``): a resource as a card, a list as a table.

What is shown comes from ``sambastudio._views`` (allow-lists, so no secret is ever shown);
every value the server supplied is escaped here, and free text is also passed through the
secret masking the logs use, so a name like ``<script>`` or a key echoed in a status message
is shown as text and never run or revealed. Lists show their first :data:`MAX_ROWS` items.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sambastudio import _views
from sambastudio._redact import mask_text

MAX_ROWS = 50
"""A list shows this many items at most (a notebook is for looking, ``to_pandas`` for all)."""

_GOOD = frozenset({"EXIT_WITH_0", "Live", "Available", "Active", "Ready", "Succeeded"})
_BAD = frozenset({"EXIT_WITH_1", "FAILED", "Failed", "Revoked", "Error"})
_STOPPED = frozenset({"STOPPED", "Stopped"})
_COLOURS = {"good": "#1a7f37", "bad": "#cf222e", "stopped": "#6e7781", "busy": "#0969da"}

_TABLE = "border-collapse:collapse;font-size:0.9em"
_CELL = "padding:2px 8px;text-align:left;border-bottom:1px solid #ddd"
_LABEL = "padding:1px 8px 1px 0;color:#6e7781;text-align:left;font-weight:normal"


def text(value: Any) -> str:
    """A value as escaped, secret-free text."""
    return html.escape(mask_text(str(value)))


def label(name: str) -> str:
    return html.escape(name.replace("_", " "))


def status_badge(status: Any) -> str:
    tone = (
        "good"
        if status in _GOOD
        else "bad"
        if status in _BAD
        else "stopped"
        if status in _STOPPED
        else "busy"
    )
    style = f"color:#fff;background:{_COLOURS[tone]};border-radius:3px;padding:0 5px"
    return f'<span style="{style}">{text(status)}</span>'


def progress_bar(percent: float) -> str:
    return f'<progress value="{percent:.0f}" max="100"></progress> {percent:.0f}%'


def _duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {seconds:02d}s"


def cell(name: str, value: Any) -> str:
    """One value as HTML: statuses as badges, percents as bars, times in UTC."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if name == "status":
        return status_badge(value)
    if name == "progress" and isinstance(value, float):
        return progress_bar(value)
    if isinstance(value, datetime):
        return text(value.strftime("%Y-%m-%d %H:%M:%S %Z").strip())
    if isinstance(value, timedelta):
        return text(_duration(value))
    if isinstance(value, float):
        return text(f"{value:.4g}")
    if isinstance(value, (list, tuple)):
        return text(", ".join(str(v) for v in value))
    return text(value)


def _steps(item: Any) -> str:
    steps, total = getattr(item, "steps", None), getattr(item, "total_steps", None)
    if steps is None or total is None:
        return ""
    return f" (step {text(steps)} of {text(total)})"


def _title(item: Any) -> str:
    kind = _views.kind_of(item) or type(item).__name__
    name = getattr(item, "name", None) or getattr(item, "id", None) or ""
    return f"<strong>{text(kind.capitalize())}</strong> {text(name)}"


def resource_html(item: Any) -> str:
    """A card: the kind and name, then a ``label: value`` line per field that has a value."""
    lines = []
    for name in _views.card_fields(item):
        shown = cell(name, _views.field_value(item, name))
        if not shown:
            continue
        if name == "progress":
            shown += _steps(item)
        lines.append(f'<tr><th style="{_LABEL}">{label(name)}</th><td>{shown}</td></tr>')
    return f'<div>{_title(item)}<table style="{_TABLE}">{"".join(lines)}</table></div>'


def table_html(items: Sequence[Any], *, more: bool = False, marks: Sequence[str] = ()) -> str:
    """A table of ``items`` (their kind's columns); ``marks`` adds a first column of notes."""
    if not items:
        return "<div><em>(none)</em></div>"
    columns, found = _views.rows(items)
    heads = ([""] if marks else []) + [label(name) for name in columns]
    head = "".join(f'<th style="{_CELL}">{h}</th>' for h in heads)
    body = []
    for index, row in enumerate(found):
        cells = [html.escape(marks[index])] if marks else []
        cells += [cell(name, row[name]) for name in columns]
        body.append("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in cells) + "</tr>")
    tail = f"<div><em>first {len(items)} shown</em></div>" if more else ""
    return f'<table style="{_TABLE}"><tr>{head}</tr>{"".join(body)}</table>{tail}'


def list_html(items: Iterable[Any]) -> str:
    """The first :data:`MAX_ROWS` of ``items``; checkpoints become a comparison, best first."""
    first = list(itertools.islice(items, MAX_ROWS + 1))
    shown, more = first[:MAX_ROWS], len(first) > MAX_ROWS
    if shown and all(_views.kind_of(item) == "checkpoint" for item in shown):
        return comparison_html(shown, more=more)
    return table_html(shown, more=more)


def comparison_html(checkpoints: Sequence[Any], *, more: bool = False) -> str:
    """Checkpoints sorted by training loss, the best one marked: choosing is one glance."""
    ranked = _views.by_train_loss(checkpoints)
    has_loss = bool(ranked) and _views.field_value(ranked[0], "train_loss") is not None
    marks = ["best" if has_loss and index == 0 else "" for index in range(len(ranked))]
    caption = "<div><em>sorted by training loss, lowest first</em></div>" if has_loss else ""
    return caption + table_html(ranked, more=more, marks=marks)


def titled(title: str, body: str) -> str:
    return f"<div><strong>{text(title)}</strong>{body}</div>"


def error_html(error: Exception) -> str:
    """An error: its type, status and request id when it has them, and its message."""
    details = [
        f"{name.replace('_', ' ')} {text(value)}"
        for name in ("status_code", "request_id", "argument")
        if (value := getattr(error, name, None)) is not None
    ]
    extra = f" ({', '.join(details)})" if details else ""
    name = f'<strong style="color:{_COLOURS["bad"]}">{text(type(error).__name__)}</strong>'
    return f"<div>{name}{extra}: {text(error)}</div>"


def metrics_html(series: dict[str, list[Any]]) -> str:
    """One line per metric series: how many points, the last step and value, the lowest."""
    rows = []
    for name, points in series.items():
        known = [p for p in points if p.step is not None and p.value is not None]
        if not known:
            continue
        last = max(known, key=lambda p: p.step)
        lowest = min(p.value for p in known)
        rows.append(
            {
                "metric": name,
                "points": len(known),
                "last_step": last.step,
                "last_value": last.value,
                "lowest": lowest,
            }
        )
    return titled("Job metrics", table_html(rows) if rows else "<div><em>(no points)</em></div>")
