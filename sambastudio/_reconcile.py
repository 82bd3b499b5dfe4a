"""What a create does when its answer is lost: the one resource, or an error and none.

A create is not idempotent, so the transport never sends it twice. But its answer can be
lost after the server acted (the connection reset, the read timed out, a proxy answered
502/503/504, the server failed with a 500): raising then leaves the caller with a resource
it does not know of, and its retry meets a conflict (projects) or adds a second one (API
keys). So, on such a loss, :class:`CreatePolicy` looks the resource up by its name and
returns it when it is what was asked; when it is not there, the server did not act and
the original error is raised.

A 429, or a 503 with ``Retry-After``, says the server did not act: the create is sent
again after the wait the server asked for. A conflict ("already exists") met on such a
later attempt also resolves to the lookup. A create the client made idempotent (an
endpoint API key, whose value it chose and keeps for every attempt) is sent again after
a lost answer the lookup cannot confirm; a conflict then proves the first one landed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Generic, TypeVar

import attrs

from sambastudio._pipeline import retry_after
from sambastudio._waiting import SYSTEM_CLOCK, Clock
from sambastudio.errors import (
    APIConnectionError,
    APIStatusError,
    ConflictError,
    RateLimitError,
    SambaStudioError,
)

T = TypeVar("T")

LOST_STATUSES: Final = frozenset({500, 502, 503, 504})
"""Statuses that leave open whether the server acted: a gateway's (the answer did not
come), and a server error (it may fail after acting)."""


def _retry_after(error: APIStatusError) -> float | None:
    """The server's ``Retry-After`` in seconds (a number or an HTTP date), as the transport
    reads it."""
    return None if error.response is None else retry_after(error.response)


def not_acted(error: SambaStudioError) -> float | None:
    """How long to wait before sending again, when ``error`` says the server did not act
    (429, or 503 with ``Retry-After``); ``None`` when it does not say so."""
    if isinstance(error, RateLimitError):
        return _retry_after(error) or 1.0
    if isinstance(error, APIStatusError) and error.status_code == 503:
        return _retry_after(error)
    return None


def answer_lost(error: SambaStudioError) -> bool:
    """Whether the server may have acted although no answer said so."""
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, APIStatusError) and error.status_code in LOST_STATUSES


@attrs.frozen
class CreatePolicy(Generic[T]):
    """How one create of a named resource survives a lost or throttled answer.

    ``send`` creates it and returns it; ``find`` looks it up by name (``None`` when there
    is none); ``matches`` says whether the one found is what was asked (its description,
    its model...), so that another caller's resource of the same name is not taken for ours.
    """

    send: Callable[[], T]
    find: Callable[[], T | None]
    matches: Callable[[T], bool] = lambda _: True
    attempts: int = 3
    """Sends at most, counting the ones the server refused with 429 or 503 + Retry-After."""
    clock: Clock = SYSTEM_CLOCK
    repeat: Callable[[], T] | None = None
    """For a create the client made idempotent (an API key whose value it chose): when the
    lookup cannot see the resource after a lost answer (a 2024 server lists one key), it is
    sent again, and a conflict then proves the lost attempt landed: ``repeat()`` is it."""

    def run(self) -> T:
        earlier: SambaStudioError | None = None  # a lost or refused attempt of this call
        for attempt in range(1, self.attempts + 1):
            try:
                return self.send()
            except ConflictError as conflict:
                if earlier is None:
                    raise
                found = self._found()
                if found is not None:
                    return found
                if self.repeat is not None and answer_lost(earlier):
                    return self.repeat()
                raise conflict from earlier
            except SambaStudioError as error:
                wait = not_acted(error)
                last = attempt == self.attempts
                if wait is not None and not last:
                    earlier = error
                    self.clock.sleep(wait)
                    continue
                if not answer_lost(error):
                    raise
                found = self._found()
                if found is not None:
                    return found
                if self.repeat is None or last:
                    raise
                earlier = error
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _found(self) -> T | None:
        """The resource a lost answer would have carried, if the server shows it."""
        try:
            found = self.find()
        except SambaStudioError:
            return None
        return found if found is not None and self.matches(found) else None


def fields_match(expected: Mapping[str, Any]) -> Callable[[Any], bool]:
    """A ``matches`` that compares the attributes the caller asked for (``None`` values
    are left out: the server chose them)."""

    def matches(resource: Any) -> bool:
        return all(
            getattr(resource, name, None) == value
            for name, value in expected.items()
            if value is not None
        )

    return matches
