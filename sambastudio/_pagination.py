"""``Pager[T]``: the lazy result of every ``list()``.

Nothing is fetched until the pager is iterated, and iterating it again asks the server
again (it is a query, not a cache; ``to_list()`` keeps a snapshot). ``limit`` is the total
number of items wanted, never a page size (stripe-python#654), and a server that does not
page today is served through the same interface as one page, so paging can arrive later
without breaking callers (openai's ``SyncPage``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from sambastudio.errors import InvalidArgumentError, SambaStudioError

if TYPE_CHECKING:
    import pandas

    from sambastudio._response import APIResponse

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """One page of results and what to ask for to get the next one (``None``: the last)."""

    items: Sequence[T]
    next_page: object | None = None
    response: APIResponse | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def last_response(self) -> APIResponse:
        """The HTTP response this page came from."""
        if self.response is None:
            raise SambaStudioError("this page was not read from a response")
        return self.response


PageFetcher = Callable[[object | None], Page[T]]
"""Fetches the page named by a cursor; ``None`` asks for the first page."""


def _check_limit(_: object, __: object, value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidArgumentError("limit", f"limit must be a positive whole number, not {value!r}")


@attrs.frozen
class Pager(Generic[T]):
    """A lazy sequence of ``T`` that follows the server's pages.

    ``for x in pager`` iterates items across pages, stopping after ``limit`` items;
    ``pages()`` yields the pages themselves; ``to_list()`` and ``first()`` are shortcuts.
    """

    _fetch: PageFetcher[T] = attrs.field(repr=False)
    limit: int | None = attrs.field(default=None, validator=_check_limit)

    @classmethod
    def one_page(cls, fetch: Callable[[], Sequence[T]], *, limit: int | None = None) -> Pager[T]:
        """A pager over a call that returns everything at once."""
        return cls(lambda _cursor: Page(fetch()), limit=limit)

    def pages(self) -> Iterator[Page[T]]:
        """Every page, in order, until the server says there is no next one or one is empty.

        ``limit`` does not apply here: a page is yielded whole, as the server sent it.
        """
        cursor: object | None = None
        while True:
            page = self._fetch(cursor)
            yield page
            if page.next_page is None or not page.items:
                return
            cursor = page.next_page

    def __iter__(self) -> Iterator[T]:
        return chain.from_iterable(self._runs())

    def _runs(self) -> Iterator[Sequence[T]]:
        """Each page's items, the last cut at ``limit``: iterating them item by item is left to
        C (``chain``), no Python step per item."""
        remaining = self.limit
        for page in self.pages():
            if remaining is not None and len(page.items) >= remaining:
                yield page.items[:remaining]
                return
            yield page.items
            if remaining is not None:
                remaining -= len(page.items)

    def to_list(self) -> list[T]:
        """Fetch every item (up to ``limit``) now."""
        return list(self)

    def first(self) -> T | None:
        """The first item, or ``None`` when there is none; fetches one page at most."""
        return next(iter(self), None)

    def to_pandas(self) -> pandas.DataFrame:
        """Every item (up to ``limit``) as a data frame, one column per field shown in a table
        (needs pandas: ``pip install 'sambastudio[pandas]'``)."""
        from sambastudio import _frames

        return _frames.items_frame(self.to_list())

    def _repr_html_(self) -> str:
        """The first items as a table in Jupyter; checkpoints as a comparison, best first."""
        from sambastudio import _display  # loaded for notebooks only

        return _display.list_html(self)
