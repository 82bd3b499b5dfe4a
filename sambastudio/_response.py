"""``APIResponse``: the raw HTTP response behind any result the SDK returns.

Every resource, list page and prediction keeps the response that produced it
(``job.last_response.request_id``), so a support ticket or a latency question never needs
a debugger. The JSON helpers here are how every layer reads a body.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import requests
from requests.structures import CaseInsensitiveDict

from sambastudio._limits import DEFAULT_LIMITS, Limits, decode_json, read_capped
from sambastudio._overrides import answer_of
from sambastudio._redact import mask_text
from sambastudio._routes import Route
from sambastudio.errors import ResponseDecodeError, describe_request, request_id_of

__all__ = ["APIResponse", "json_body"]


@attrs.frozen(repr=False)
class APIResponse:
    """Status, headers, request id and timing of one HTTP response.

    ``elapsed`` runs from sending the request to the end of its body (or the start of a
    streamed one), over the attempt that answered. ``http_response`` is the underlying
    ``requests.Response``.
    """

    http_response: requests.Response = attrs.field(repr=False, eq=False)
    elapsed: timedelta
    limits: Limits = attrs.field(default=DEFAULT_LIMITS, repr=False, eq=False)
    """What ``json()`` accepts (size and nesting): the client's limits."""
    route: Route | None = attrs.field(default=None, repr=False, eq=False)
    """The operation answered; a routes file may say where in the body its answer sits."""

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> CaseInsensitiveDict[str]:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The id the server gave the request (``x-request-id``), for support and logs."""
        return request_id_of(self.http_response)

    @property
    def method(self) -> str:
        return str(self.http_response.request.method) if self.http_response.request else ""

    @property
    def url(self) -> str:
        return self.http_response.url

    def __repr__(self) -> str:
        return (
            f"APIResponse({describe_request(self.http_response)} -> {self.status_code}, "
            f"request_id={self.request_id!r}, elapsed={self.elapsed.total_seconds():.3f}s)"
        )

    def json(self) -> Any:
        """The decoded body (or the part a routes file's ``answer`` key names); ``{}`` for an
        empty one (an ack)."""
        body = json_body(self.http_response, self.limits)
        if body is None:
            return {}
        return body if self.route is None else answer_of(self.route, body)

    def __getstate__(self) -> dict[str, Any]:
        # The requests object holds the connection and the sent request (its secrets).
        raise TypeError("an APIResponse is not picklable; keep what you need of it")


def json_body(response: requests.Response, limits: Limits = DEFAULT_LIMITS) -> Any:
    """The decoded JSON body, or a :class:`ResponseDecodeError` that says what came instead.

    An empty body (a 204, or a delete that answers nothing) is ``None``, not an error. A
    body past ``limits`` raises :class:`~sambastudio.errors.LimitExceededError`.
    """
    if not read_capped(response, limits).strip():
        return None
    try:
        return decode_json(response.text, limits)
    except ValueError as exc:
        content_type = response.headers.get("content-type", "no content-type")
        start = " ".join(response.text.split())[:100]
        raise ResponseDecodeError(
            mask_text(
                f"{describe_request(response)} returned {response.status_code} with "
                f"{content_type!r}, which is not JSON: {start!r}"
            ),
            response=response,
        ) from exc
