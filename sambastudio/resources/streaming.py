"""Streams: an iterator of what the server sends, that closes its connection when done.

A stream is read lazily (the request goes out at the first ``next``), is a context manager
(leaving the block closes the connection, even in the middle), and exposes ``usage`` once
the server has sent it, which is after the last token.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from types import TracebackType
from typing import Any, Generic, TypeVar

from typing_extensions import Self

from sambastudio.resources.usage import Usage

T = TypeVar("T")
Records = Generator[Mapping[str, Any], None, None]
"""The server's records, one per chunk or event, in order."""


class Stream(Generic[T]):
    """Iterate it for items; ``with`` it to be sure the connection is closed."""

    def __init__(self, records: Records) -> None:
        self._records = records
        self.usage: Usage | None = None
        """The usage the server reported, once the stream has reached it (else ``None``)."""

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        while True:
            item = self._item(next(self._records))
            if item is not None:
                return item

    def _item(self, record: Mapping[str, Any]) -> T | None:
        """The item a record makes (``None``: none, read the next), noting any usage."""
        raise NotImplementedError

    def close(self) -> None:
        self._records.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class TokenStream(Stream[str]):
    """The tokens of a V1/V2 stream; the last response's counts and timing become ``usage``."""

    def _item(self, record: Mapping[str, Any]) -> str | None:
        if record.get("is_last_response"):
            self.usage = Usage.of(record)
        token = record.get("stream_token")
        return str(token) if token else None
