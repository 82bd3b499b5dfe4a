"""Server timestamps: kept as sent, parsed on demand from any of the styles seen."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Annotated

from pydantic import Field

_STAMP = re.compile(
    r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?(?:\s+[A-Z]{2,5})?"
)


def parse_timestamp(value: str | None) -> datetime | None:
    """A timezone-aware datetime from any of the server's styles, or ``None``.

    Seen: ``2024-07-15T15:22:22.108261+00:00``, ``2024-12-18T19:42:46.059862000Z`` and
    ``2024-07-17 16:47:09.839709 +0000 UTC`` (api-evidence §1.4); epoch seconds too. A
    value without an offset is UTC, the server's zone.
    """
    if not value:
        return None
    try:
        return datetime.fromtimestamp(float(value), timezone.utc)
    except ValueError:
        pass
    match = _STAMP.fullmatch(value.strip())
    if match is None:
        return None
    day, clock, fraction, offset = match.groups()
    try:
        stamp = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:  # shaped like a date, but not one (month 13)
        return None
    stamp = stamp.replace(microsecond=int((fraction or "0")[:6].ljust(6, "0")))
    if offset in (None, "Z"):
        return stamp.replace(tzinfo=timezone.utc)
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = int(offset[1:3]), int(offset[-2:])
    return stamp.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


Timestamp = Annotated[str | None, Field(coerce_numbers_to_str=True)]
"""A timestamp kept exactly as the server sent it (epoch numbers as text); see
``parse_timestamp``. The coercion runs in pydantic-core: no Python call per value."""
