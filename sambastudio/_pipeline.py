"""The request pipeline: the one way every request of the SDK is sent.

The object model, the ``SnSdk`` shim, uploads, downloads, predictions and token streams
all call :meth:`Pipeline.send` with a bound route (:mod:`sambastudio._routes`) and the
call's :class:`RequestOptions`; it adds the auth header and the client's headers, applies
the deadline, retries what is safe to retry, logs with secrets masked, maps error
statuses to exceptions and reports the response to ``on_response``. Below it,
:mod:`sambastudio._transport` holds the session, the redirect rule and the deadline.

Retry policy (the Stainless one, with SambaStudio's creates in mind): a failure to connect
is always retried, since nothing reached the server; a 408/429/502/503/504, a read timeout
or a connection dropped mid-response is retried only for an idempotent route, so a create
is never sent twice. A caller that knows a request is harmless to repeat may retry more
statuses for it (``send(..., retry_statuses=RETRY_STATUSES | {500})``). Backoff is 0.5 s
doubling to 8 s with jitter, or the server's Retry-After (capped at 60 s). A body that
cannot be rewound is never retried. As each attempt has a deadline (``timeout``), a call
takes at most ``(max_retries + 1) * timeout`` plus the waits between attempts.
"""

from __future__ import annotations

import email.utils
import math
import random as _random
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import IO, Any, Final, Literal

import attrs
import requests
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError

from sambastudio._config import (
    NOT_GIVEN,
    NotGiven,
    Settings,
    Timeout,
    check_max_retries,
    check_timeout,
)
from sambastudio._diagnose import explained
from sambastudio._redact import (
    LOGGER,
    configure_logging_from_env,
    mask_text,
    remember_secret,
    secret_header_values,
    secret_json_values,
)
from sambastudio._response import APIResponse
from sambastudio._routes import ROUTES, Route, WireRequest
from sambastudio._transport import DeadlineExceeded, Outgoing, RefusedRedirect, Transport
from sambastudio._watchdog import SendStalled
from sambastudio.errors import (
    APIConnectionError,
    APITimeoutError,
    error_from_response,
    request_id_of,
)

__all__ = ["ABSENCE", "RETRY_STATUSES", "Pipeline", "RequestOptions", "ResponseHook", "retry_after"]

RETRY_STATUSES: Final = frozenset({408, 429, 502, 503, 504})
ABSENCE: Final = frozenset({404})
"""``expected_statuses`` of a lookup whose 404 is an answer ("none"), not a failure."""
INITIAL_BACKOFF: Final = 0.5
MAX_BACKOFF: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0

ResponseHook = Callable[[APIResponse], None]
"""Called with the response of every call made with the options that carry it."""


def _copy_headers(value: Mapping[str, str]) -> Mapping[str, str]:
    return dict(value)


@attrs.frozen
class RequestOptions:
    """Per-client or per-call settings of a request; ``NOT_GIVEN`` keeps the client's."""

    timeout: Timeout | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_copy_headers)
    on_response: ResponseHook | None = None

    def __attrs_post_init__(self) -> None:
        if self.timeout is not NOT_GIVEN:
            check_timeout(self.timeout)
        if self.max_retries is not NOT_GIVEN:
            check_max_retries(self.max_retries)

    def over(self, base: RequestOptions) -> RequestOptions:
        """These options, falling back to ``base`` for what they leave out."""
        return RequestOptions(
            timeout=base.timeout if self.timeout is NOT_GIVEN else self.timeout,
            max_retries=base.max_retries if self.max_retries is NOT_GIVEN else self.max_retries,
            headers={**base.headers, **self.headers},
            on_response=self.on_response or base.on_response,
        )


class Pipeline:
    """Sends :class:`WireRequest` objects for one client, over one :class:`Transport`.

    ``session`` is a ``requests.Session`` to send with (the shim's ``http_session``);
    ``transport`` shares another pipeline's pool; ``routes`` is the host's route table (as a
    routes file corrects it), for the requests the pipeline makes on its own (the tenant
    check of :mod:`sambastudio._diagnose`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        session: requests.Session | None = None,
        transport: Transport | None = None,
        options: RequestOptions | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        routes: Mapping[str, Route] = ROUTES,
    ) -> None:
        self.settings = settings
        self.routes = routes
        self.transport = transport or Transport(settings, session=session)
        self.options = options or RequestOptions()
        self._sleep = sleep
        self._random = random
        self._log_level = configure_logging_from_env()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings!r})"

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def session(self) -> requests.Session:
        """The connection pool's session (the shim's ``http_session``)."""
        return self.transport.session

    @session.setter
    def session(self, session: requests.Session) -> None:
        self.transport.session = session

    def close(self) -> None:
        """Close the connection pool, if this pipeline's transport created it."""
        self.transport.close()

    def with_options(self, options: RequestOptions) -> Pipeline:
        """A pipeline with ``options`` over these, on the same transport (same pool).

        A timeout or retry count given becomes the new pipeline's setting (``settings``
        says what its calls use); headers and the response hook are added to these.
        """
        changes: dict[str, Any] = {}
        if options.timeout is not NOT_GIVEN:
            changes["timeout"] = options.timeout
        if options.max_retries is not NOT_GIVEN:
            changes["max_retries"] = options.max_retries
        added = RequestOptions(headers=options.headers, on_response=options.on_response)
        return self._sibling(
            settings=attrs.evolve(self.settings, **changes), options=added.over(self.options)
        )

    def with_settings(self, settings: Settings) -> Pipeline:
        """The same pipeline for other settings (a new host), still on the same pool."""
        return self._sibling(settings=settings)

    def with_routes(self, routes: Mapping[str, Route]) -> Pipeline:
        """The same pipeline whose route table also holds ``routes`` (the doctor's tries)."""
        return self._sibling(routes={**self.routes, **routes})

    def _sibling(
        self,
        *,
        settings: Settings | None = None,
        options: RequestOptions | None = None,
        routes: Mapping[str, Route] | None = None,
    ) -> Pipeline:
        """A pipeline on this one's transport, with what is given changed."""
        return Pipeline(
            settings or self.settings,
            transport=self.transport,
            options=options or self.options,
            sleep=self._sleep,
            random=self._random,
            routes=self.routes if routes is None else routes,
        )

    def send(
        self,
        request: WireRequest,
        *,
        options: RequestOptions | None = None,
        stream: bool = False,
        raise_for_status: bool = True,
        base_url: str | None = None,
        retry_statuses: Collection[int] = RETRY_STATUSES,
        expected_statuses: Collection[int] = (),
    ) -> requests.Response:
        """Send ``request``, retrying what is safe to retry.

        Raises :class:`APIConnectionError`/:class:`APITimeoutError` when no response came,
        and the mapped :class:`APIStatusError` for an error status unless
        ``raise_for_status`` is false. With ``stream=True`` a successful body is left
        unread for the caller; an error body is read first, so the error can quote it.
        ``base_url`` replaces the host for routes served elsewhere (endpoint URLs).
        ``retry_statuses`` are the statuses retried, for an idempotent request only: a
        caller for whom a repeat is harmless widens it for one call
        (``RETRY_STATUSES | {500}``), without the whole client retrying what may have acted.
        ``expected_statuses`` are error statuses the caller handles itself (a search that
        finds nothing): raised as mapped, without the settings' diagnosis (no side request).
        """
        settled = self.options if options is None else options.over(self.options)
        timeout = self.settings.timeout if settled.timeout is NOT_GIVEN else settled.timeout
        retries = (
            self.settings.max_retries if settled.max_retries is NOT_GIVEN else settled.max_retries
        )
        outgoing = Outgoing(
            request.method,
            (base_url or self.settings.host_url).rstrip("/") + request.path,
            self._headers(request, settled.headers),
            params=dict(request.query) or None,
            json=None if request.json is None else dict(request.json),
            data=request.content,
            files=dict(request.files) if request.files else None,
        )
        replay = _Replay.plan(request)
        attempts = retries + 1
        attempt = 0
        while True:
            attempt += 1
            if attempt > 1 and replay is not None:
                replay.rewind()
            started = time.monotonic()
            try:
                response = self.transport.exchange(outgoing, timeout=timeout, stream=stream)
            except requests.RequestException as exc:
                failure = _Failure.of(exc)
                self._log(request, type(exc).__name__, started, None, attempt, attempts)
                if attempt < attempts and replay is not None and failure.retries(request):
                    self._wait(request, self._backoff(attempt))
                    continue
                raise failure.error(request, outgoing.url, attempt, timeout, exc) from exc
            status = response.status_code
            self._log(request, status, started, response, attempt, attempts)
            if (
                status in retry_statuses
                and attempt < attempts
                and replay is not None
                and request.idempotent
            ):
                delay = retry_after(response)
                response.close()
                self._wait(request, self._backoff(attempt) if delay is None else delay)
                continue
            response.elapsed = timedelta(seconds=time.monotonic() - started)
            if settled.on_response is not None:
                settled.on_response(
                    APIResponse(response, response.elapsed, self.settings.limits, request.route)
                )
            if raise_for_status and status >= 400:
                error = error_from_response(response)
                raise error if status in expected_statuses else explained(error, self, request)
            return response

    def request(
        self,
        request: WireRequest,
        *,
        options: RequestOptions | None = None,
        expected_statuses: Collection[int] = (),
    ) -> APIResponse:
        """:meth:`send`, read whole, as the :class:`APIResponse` results keep."""
        response = self.send(request, options=options, expected_statuses=expected_statuses)
        return APIResponse(response, response.elapsed, self.settings.limits, request.route)

    def _headers(self, request: WireRequest, extra: Mapping[str, str]) -> dict[str, str]:
        headers = {**extra, **request.headers}
        # Endpoint keys in headers, AWS secrets and passwords in bodies: whatever quotes them
        # later (an error, a log line, a bug's message on the CLI) shows them masked.
        for value in [*secret_header_values(headers), *secret_json_values(request.json)]:
            remember_secret(value)
        if request.auth == "platform":
            headers["key"] = self.settings.access_key
        return headers

    def _backoff(self, retry: int) -> float:
        delay = min(INITIAL_BACKOFF * 2.0 ** (retry - 1), MAX_BACKOFF)
        return delay * (1 - 0.25 * self._random())

    def _wait(self, request: WireRequest, delay: float) -> None:
        LOGGER.log(self._log_level, "retrying %s %s in %.2f s", request.method, request.path, delay)
        self._sleep(delay)

    def _log(
        self,
        request: WireRequest,
        outcome: str | int,
        started: float,
        response: requests.Response | None,
        attempt: int,
        attempts: int,
    ) -> None:
        if not LOGGER.isEnabledFor(self._log_level):  # then the arguments are not worked out
            return
        LOGGER.log(
            self._log_level,
            "%s %s -> %s in %.0f ms (request id %s, attempt %d of %d)",
            request.method,
            request.path,
            outcome,
            (time.monotonic() - started) * 1000,
            None if response is None else request_id_of(response),
            attempt,
            attempts,
        )


@attrs.frozen
class _Replay:
    """Where each file body started, so that a retry sends the same bytes again."""

    positions: tuple[tuple[IO[bytes], int], ...]

    @classmethod
    def plan(cls, request: WireRequest) -> _Replay | None:
        """``None`` when a body cannot be rewound (an iterator, a pipe): never retry it."""
        if not request.files and (request.content is None or isinstance(request.content, bytes)):
            return _NOTHING_TO_REWIND
        streams: list[Any] = [fileobj for _name, fileobj in (request.files or {}).values()]
        if request.content is not None and not isinstance(request.content, bytes):
            streams.append(request.content)
        positions = []
        for stream in streams:
            seekable = getattr(stream, "seekable", None)
            if seekable is None or not seekable():
                return None
            positions.append((stream, stream.tell()))
        return cls(tuple(positions))

    def rewind(self) -> None:
        for stream, position in self.positions:
            stream.seek(position)


_NOTHING_TO_REWIND: Final = _Replay(())


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what lies under it (requests and urllib3 wrap errors several deep)."""
    seen: set[int] = set()
    queue = [exc]
    while queue:
        error = queue.pop(0)
        if id(error) in seen:
            continue
        seen.add(id(error))
        yield error
        under = (getattr(error, "reason", None), error.__cause__, error.__context__, *error.args)
        queue += [item for item in under if isinstance(item, BaseException)]


@attrs.frozen
class _Failure:
    """What went wrong without a response, and whether trying again is safe."""

    what: str
    retry: Literal["always", "idempotent", "never"]
    timed_out: bool = False

    @classmethod
    def of(cls, exc: requests.RequestException) -> _Failure:
        causes = list(_causes(exc))
        if isinstance(exc, RefusedRedirect):
            return cls(str(exc), "never")
        if isinstance(exc, requests.exceptions.SSLError):
            return cls(
                "TLS failed (for a private CA set SAMBASTUDIO_CA_BUNDLE or verify=)", "never"
            )
        if isinstance(exc, requests.ConnectTimeout):
            return cls("timed out connecting", "always", timed_out=True)
        if any(isinstance(cause, ConnectTimeoutError) for cause in causes):  # refused, DNS
            return cls("could not connect", "always")
        if any(isinstance(cause, SendStalled) for cause in causes):
            return cls("timed out sending the request body", "idempotent", timed_out=True)
        # TimeoutError: a send (of an upload's block) that ran out of time on the socket.
        if any(
            isinstance(cause, (requests.ReadTimeout, ReadTimeoutError, TimeoutError))
            for cause in causes
        ):
            return cls("timed out waiting for the response", "idempotent", timed_out=True)
        if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            return cls("the connection dropped", "idempotent")
        return cls("the request could not be sent", "never")

    def retries(self, request: WireRequest) -> bool:
        return self.retry == "always" or (self.retry == "idempotent" and request.idempotent)

    def error(
        self,
        request: WireRequest,
        url: str,
        attempts: int,
        timeout: Timeout,
        exc: BaseException,
    ) -> APIConnectionError:
        causes = list(_causes(exc))
        # The deadline's own words, when it cut the answer off; else the deepest error
        # (what the socket or the DNS said), not the wrappers around it.
        cause = next((c for c in causes if isinstance(c, DeadlineExceeded)), causes[-1])
        tries = f"{attempts} attempt" + ("s" if attempts > 1 else "")
        detail = "" if str(cause) == self.what else f" ({cause})"  # a refused redirect's own words
        message = f"{request.method} {url} failed after {tries}: {self.what}{detail}"
        if self.timed_out:
            message += f"; timeout={timeout!r}"
        error_class = APITimeoutError if self.timed_out else APIConnectionError
        return error_class(mask_text(message), method=request.method, path=request.path)


def retry_after(response: requests.Response) -> float | None:
    """The server's Retry-After in seconds (a number or an HTTP date), capped at 60 s."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
