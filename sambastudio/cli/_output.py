"""Output: tables and ``Key : Value`` blocks for people, JSON for scripts.

A resource's JSON is its ``model_dump`` with every secret field masked, so ``--json`` is
safe to paste into a ticket; a command that shows a secret on request adds it explicitly.
Blocks keep snapi's ``Key : Value`` shape, so scripts that grep ``Status : Live`` keep
working; ``--output snapi`` prints lists and new resources as such blocks too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import click
from pydantic import BaseModel

from sambastudio._redact import redact_json
from sambastudio.cli._context import cli_context

_CELL = 48
"""The widest a table cell gets; longer values are cut (``--json`` has them whole)."""
_BLOCK_VALUE = 200
"""A nested value longer than this is summarised in a block (hyperparameter catalogues)."""


def dump(item: BaseModel | Mapping[str, Any]) -> Any:
    """What ``--json`` prints for ``item``: its data, secrets masked."""
    data = item.model_dump(mode="json") if isinstance(item, BaseModel) else dict(item)
    return redact_json(data)


def _text(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (list, tuple)) and all(not isinstance(v, (dict, list)) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=str)
    return str(value)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _get(item: Any, path: str) -> Any:
    """``item.a.b`` for the column ``a.b`` (``None`` where a link is missing)."""
    for name in path.split("."):
        item = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        if item is None:
            return None
    return item


_ACRONYMS = {"id": "ID", "url": "URL", "api": "API", "rdu": "RDU", "ssl": "SSL", "openai": "OpenAI"}


def _label(name: str) -> str:
    """``api_key`` -> ``API Key``, as snapi prints it; an UPPER_CASE name (a snapi config key)
    stays as it is."""
    if name.isupper():
        return name
    return " ".join(_ACRONYMS.get(word, word.capitalize()) for word in name.split("_"))


def header(path: str) -> str:
    """``metrics.train_loss`` -> ``TRAIN LOSS`` (snapi's list headers are upper case)."""
    return path.rsplit(".", 1)[-1].replace("_", " ").upper()


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def show_list(
    items: Iterable[Any],
    columns: Sequence[str],
    *,
    kind: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """A table of ``items`` with ``columns`` (attribute paths), or their JSON list.

    ``headers`` names a column where snapi's header differs from the field's name
    (``created_at`` -> ``TIME CREATED``), in the table and, title-cased, in the blocks.
    """
    titles = [(headers or {}).get(column) or header(column) for column in columns]
    found = list(items)
    if cli_context().json:
        click.echo(json.dumps([dump(item) for item in found], indent=2))
    elif not found:
        click.echo(f"No {kind}s.")
    elif cli_context().snapi:
        blocks = (
            "\n".join(f"{_label(title.lower().replace(' ', '_'))} : {_text(_get(item, column))}"
                      for column, title in zip(columns, titles, strict=True))
            for item in found
        )  # fmt: skip
        click.echo("\n\n".join(blocks))
    else:
        rows = [[_cut(_text(_get(item, column)), _CELL) for column in columns] for item in found]
        click.echo(table(rows, titles))


def show_one(
    item: BaseModel | Mapping[str, Any],
    *,
    extra: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
) -> None:
    """One object as a ``Key : Value`` block (empty fields left out), or its JSON.

    ``extra`` adds fields the object's dump lacks or masks (a key the user asked to see);
    ``labels`` names a field where snapi's label differs from the field's (``Dataset ID``).
    """
    data = {**dump(item), **(extra or {})}
    if cli_context().json:
        click.echo(json.dumps(data, indent=2))
        return
    for name, value in data.items():
        text = _text(value)
        if text == "-":
            continue
        if len(text) > _BLOCK_VALUE and isinstance(value, (dict, list)):
            text = f"({len(value)} entries; --json shows them)"
        click.echo(f"{(labels or {}).get(name) or _label(name)} : {text}")


def show_done(message: str, *, revealed: Mapping[str, str] | None = None, **data: Any) -> None:
    """The outcome of an action: ``message`` for people, ``data`` as JSON for scripts.

    Secret-looking fields of ``data`` are masked; ``revealed`` holds those the user asked
    to see.
    """
    if cli_context().json:
        shown = {**redact_json(data), **(revealed or {})}
        click.echo(json.dumps(shown, indent=2, default=str))
    else:
        click.echo(message)
