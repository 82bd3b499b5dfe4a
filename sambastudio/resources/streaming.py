"""Streams: an iterator of what the server sends, that closes its connection when done.

A stream is read lazily (the request goes out at the first ``next``), is a context manager
(leaving the block closes the connection, even in the middle), and exposes ``usage`` once
the server has sent it, which is after the last token, and ``last_response`` once the
server has answered.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any, Generic, TypeVar

from typing_extensions import Self

from sambastudio._closing import Closing
from sambastudio._pipeline import ResponseHook
from sambastudio._response import APIResponse
from sambastudio.errors import SambaStudioError
from sambastudio.resources.usage import Usage

T = TypeVar("T")
Records = Generator[Mapping[str, Any], None, None]
"""The server's records, one per chunk or event, in order."""
Opener = Callable[[ResponseHook], Records]
"""Makes a stream's records, reporting the response to the hook once the server answers."""


class Stream(Closing, Generic[T]):
    """Iterate it for items; ``with`` it to be sure the connection is closed."""

    def __init__(self, open_records: Opener) -> None:
        self._response: APIResponse | None = None
        self._records = open_records(self._answered)
        self.usage: Usage | None = None
        """The usage the server reported, once the stream has reached it (else ``None``)."""

    def _answered(self, response: APIResponse) -> None:
        self._response = response

    @property
    def last_response(self) -> APIResponse:
        """The HTTP response being streamed (status, request id...), once the first item
        has been asked for: the request goes out then."""
        if self._response is None:
            raise SambaStudioError("the stream is not sent yet: its first item sends it")
        return self._response

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


class TokenStream(Stream[str]):
    """The tokens of a V1/V2 stream; the last response's counts and timing become ``usage``."""

    def _item(self, record: Mapping[str, Any]) -> str | None:
        if record.get("is_last_response"):
            self.usage = Usage.of(record)
        token = record.get("stream_token")
        return str(token) if token else None
