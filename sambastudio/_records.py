"""The pydantic base of every wire object: ``Record``, and what some records add to it.

A record keeps the fields a server sends that the SDK does not know yet, and reads either
generation's names. ``Timestamped`` adds parsed times; ``Answered`` keeps the HTTP response
the record was read from (``last_response``), for resources, predictions and chat answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import NewType

from pydantic import BaseModel, ConfigDict

from sambastudio._response import APIResponse
from sambastudio._timestamps import Timestamp, parse_timestamp
from sambastudio.errors import SambaStudioError

UnknownStatus = NewType("UnknownStatus", str)
"""A status this SDK does not know yet: status types are ``Literal[...] | UnknownStatus``,
so a new server value never raises, and type checkers still offer the known ones."""


class Record(BaseModel):
    """A server object without behaviour: unknown fields kept, either generation's names."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class Timestamped(Record):
    """``time_created``/``time_updated`` as sent, and ``created_at``/``updated_at`` parsed."""

    time_created: Timestamp = None
    time_updated: Timestamp = None

    @property
    def created_at(self) -> datetime | None:
        return parse_timestamp(self.time_created)

    @property
    def updated_at(self) -> datetime | None:
        return parse_timestamp(self.time_updated)


class Answered(Record):
    """A record that keeps the HTTP response it was read from: ``last_response``.

    The response sits in a slot rather than a pydantic private attribute: a model with
    private attributes runs Python code for every instance it validates, a third of the
    cost of a list of 2,000. Slots stay out of equality, ``model_dump()`` and pickles
    (which drop the response: it holds a connection).
    """

    __slots__ = ("_bound_response",)

    def _answered_by(self, response: APIResponse | None) -> None:
        """Keep the response this state came from (bypassing pydantic's ``__setattr__``)."""
        object.__setattr__(self, "_bound_response", response)

    @property
    def last_response(self) -> APIResponse:
        """The HTTP response this object's current state came from (status, request id...)."""
        response: APIResponse | None = getattr(self, "_bound_response", None)
        if response is None:
            raise SambaStudioError(f"{self!r} was not read from a response (or was unpickled)")
        return response
