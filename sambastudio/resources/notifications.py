"""Notifications: what the platform tells the user about its jobs, endpoints and tenants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from sambastudio._arguments import check_choice, check_count
from sambastudio._base import Listing, Routes, Timestamped
from sambastudio._envelopes import object_of
from sambastudio._pagination import Page, Pager
from sambastudio.errors import InvalidArgumentError

LEVELS = (10, 20, 30, 40, 50)
"""As Python's logging: debug, info, warning, error, critical."""
NotificationType = Literal["user", "admin"]
NOTIFICATION_TYPES: tuple[NotificationType, ...] = ("user", "admin")


class Notification(Timestamped):
    """One notification; ``level`` is 10 (debug) to 50 (critical)."""

    id: str
    level: int | None = None
    type: NotificationType | str | None = None
    message: str = ""
    archived: bool = False


class Notifications(
    Listing[Notification],
    model=Notification,
    routes=Routes(list="list_notifications", list_key="notifications"),
):
    """``client.notifications``: a listing the server pages, with filters."""

    def list(
        self,
        *,
        levels: str | int | Iterable[int | str] | None = None,
        type: NotificationType | None = None,
        archived: bool | None = None,
        all: bool = False,
        created_start: datetime | str | None = None,
        created_end: datetime | str | None = None,
        ordering: str | None = None,
        page: int = 1,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> Pager[Notification]:
        """The notifications that pass the filters, following the server's pages from ``page``.

        ``all`` includes archived ones. ``page_size`` is the wire's ``limit`` (items per
        request); ``limit`` caps the total, as in every ``list()``. Bad filters raise
        ``InvalidArgumentError`` before any request.
        """
        query: dict[str, Any] = {
            "levels": check_levels(levels),
            "type": None if type is None else check_choice("type", type, NOTIFICATION_TYPES),
            "archived": archived,
            "all": all or None,
            "created_start": created_start,
            "created_end": created_end,
            "ordering": ordering,
            "limit": None if page_size is None else check_count("page_size", page_size),
        }
        first = check_count("page", page)

        def fetch(cursor: object | None) -> Page[Notification]:
            body, answer = self._listed(page=first if cursor is None else cursor, **query)
            next_page = object_of(body).get("next_page")
            return Page(self._records(body), next_page=next_page, response=answer)

        return Pager(fetch, limit=limit)


def check_levels(levels: str | int | Iterable[int | str] | None) -> list[int] | None:
    """Levels as the list of ints the wire carries (a repeated query parameter), checked.

    SnSdk documents a string (``"40"`` or ``"40,50"``); an int or a list works too.
    """
    if levels is None:
        return None
    if isinstance(levels, str):
        chosen: list[int | str] = [item.strip() for item in levels.split(",") if item.strip()]
    elif isinstance(levels, int):
        chosen = [levels]
    else:
        chosen = list(levels)
    parsed = [_level(item) for item in chosen]
    wrong = [item for item, level in zip(chosen, parsed, strict=True) if level not in LEVELS]
    if wrong or not chosen:
        raise InvalidArgumentError(
            "levels", f"levels must be among {LEVELS}, not {wrong or chosen!r}"
        )
    return parsed


def _level(item: int | str) -> int:
    if isinstance(item, bool):
        return -1
    try:
        return int(str(item).strip())
    except ValueError:
        return -1
