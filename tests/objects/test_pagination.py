"""Pager: lazy, follows pages, ``limit`` is a total, one-page lists behind the same interface."""

from __future__ import annotations

import pytest

from sambastudio._pagination import Page, Pager
from sambastudio.errors import InvalidArgumentError


class Pages:
    """Three pages of numbers; records which pages were asked for."""

    def __init__(self) -> None:
        self.asked: list[object | None] = []

    def __call__(self, cursor: object | None) -> Page[int]:
        self.asked.append(cursor)
        page = 0 if cursor is None else int(str(cursor))
        items = list(range(page * 3, page * 3 + 3))
        return Page(items, next_page=page + 1 if page < 2 else None)


def test_nothing_is_fetched_until_iteration() -> None:
    pages = Pages()
    pager = Pager(pages)
    assert pages.asked == []
    assert list(pager) == list(range(9))
    assert pages.asked == [None, 1, 2]


def test_limit_is_a_total_and_stops_fetching() -> None:
    pages = Pages()
    assert Pager(pages, limit=4).to_list() == [0, 1, 2, 3]
    assert pages.asked == [None, 1]


@pytest.mark.parametrize(("limit", "asked"), [(3, [None]), (6, [None, 1]), (9, [None, 1, 2])])
def test_a_limit_on_a_page_boundary_fetches_no_further_page(
    limit: int, asked: list[object | None]
) -> None:
    pages = Pages()
    assert Pager(pages, limit=limit).to_list() == list(range(limit))
    assert pages.asked == asked


def test_first_fetches_one_page() -> None:
    pages = Pages()
    assert Pager(pages).first() == 0
    assert pages.asked == [None]


def test_first_of_nothing_is_none() -> None:
    assert Pager.one_page(lambda: []).first() is None


def test_pages_yields_whole_pages() -> None:
    assert [list(page.items) for page in Pager(Pages(), limit=1).pages()] == [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
    ]


def test_an_empty_page_ends_iteration_even_with_a_next_cursor() -> None:
    pager: Pager[int] = Pager(lambda cursor: Page([], next_page="again"))
    assert pager.to_list() == []


def test_one_page_lists_and_iterating_again_asks_again() -> None:
    calls: list[int] = []

    def fetch() -> list[str]:
        calls.append(1)
        return ["a", "b"]

    pager = Pager.one_page(fetch, limit=5)
    assert pager.to_list() == ["a", "b"]
    assert list(pager) == ["a", "b"]
    assert len(calls) == 2


@pytest.mark.parametrize("limit", [0, -1, True, False, "3", 2.5])
def test_a_limit_that_is_not_a_positive_whole_number_is_refused(limit: object) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        Pager(Pages(), limit=limit)  # type: ignore[arg-type]
    assert caught.value.argument == "limit"
    assert str(caught.value).endswith(f"limit must be a positive whole number, not {limit!r}")


def test_a_one_page_list_keeps_its_limit() -> None:
    assert Pager.one_page(lambda: ["a", "b", "c"], limit=2).to_list() == ["a", "b"]
