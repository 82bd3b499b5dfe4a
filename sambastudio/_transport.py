"""The only code that speaks HTTP: one pooled session, auth, retries, errors, logging.

Retry policy (the Stainless one, with SambaStudio's creates in mind): a failure to connect
is always retried, since nothing reached the server; a 408/429/502/503/504, a read timeout
or a connection dropped mid-response is retried only for an idempotent route, so a create
is never sent twice. A caller that knows a request is harmless to repeat may retry more
statuses for it (``send(..., retry_statuses=RETRY_STATUSES | {500})``). Backoff is 0.5 s
doubling to 8 s with jitter, or the server's Retry-After (capped at 60 s). A body that
cannot be rewound is never retried.
"""

from __future__ import annotations

import copy
import email.utils
import math
import random as _random
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import suppress
from datetime import datetime, timezone
from typing import IO, Any, Final, Literal
from urllib.parse import urljoin

import attrs
import requests
import requests.adapters
import urllib3
from urllib3.exceptions import ConnectTimeoutError, InsecureRequestWarning, ReadTimeoutError

from sambastudio._bodies import read_at_most
from sambastudio._config import (
    NOT_GIVEN,
    NotGiven,
    Settings,
    Timeout,
    check_max_retries,
    check_timeout,
)
from sambastudio._diagnose import explained
from sambastudio._limits import DEFAULT_LIMITS, Limits, decode_json, read_capped, read_within
from sambastudio._redact import (
    LOGGER,
    configure_logging_from_env,
    is_secret_header,
    mask_text,
    remember_secret,
    secret_header_values,
    secret_json_values,
)
from sambastudio._routes import WireRequest
from sambastudio.errors import (
    APIConnectionError,
    APITimeoutError,
    ResponseDecodeError,
    describe_request,
    error_from_response,
    request_id_of,
)

__all__ = ["RETRY_STATUSES", "Transport", "json_body", "retry_after"]

RETRY_STATUSES: Final = frozenset({408, 429, 502, 503, 504})
INITIAL_BACKOFF: Final = 0.5
MAX_BACKOFF: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0
SEND_BLOCKSIZE: Final = 1 << 20
"""Bytes urllib3 reads from a file-object body per socket send (its own default is 16 KiB)."""


class _Adapter(requests.adapters.HTTPAdapter):
    """requests' adapter, sending a file-object body in 1 MiB blocks instead of 16 KiB.

    http.client and urllib3 read a file body ``blocksize`` bytes at a time and send each
    block in its own syscall: with 16 KiB blocks a 1 GiB body costs 65,536 reads and sends
    and a good share of a core. requests has no setting for it, but every pool the adapter
    makes (proxied ones too) takes its keyword arguments.
    """

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        pool_kwargs.setdefault("blocksize", SEND_BLOCKSIZE)
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs.setdefault("blocksize", SEND_BLOCKSIZE)
        return super().proxy_manager_for(proxy, **proxy_kwargs)


class Transport:
    """Sends :class:`WireRequest` objects for one client.

    ``session`` is public on purpose: the legacy ``SnSdk.http_session`` is this object, and
    cookies, ``verify`` or adapters set on it apply to every later request.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self.settings = settings
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            for prefix in ("https://", "http://"):
                session.mount(prefix, _Adapter())
        self.session = session
        self._sleep = sleep
        self._random = random
        self._log_level = configure_logging_from_env()
        self.session.headers["User-Agent"] = settings.user_agent
        self.session.verify = settings.verify
        self.session.proxies.update(settings.proxies)
        if settings.tenant is not None:
            self.session.cookies.set("tenant", settings.tenant)
        if settings.disable_ssl_warnings:  # snapi's DISABLE_SSL_WARNINGS; process-wide
            urllib3.disable_warnings(InsecureRequestWarning)
        remember_secret(settings.access_key)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings!r})"

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool, if this transport created it."""
        if self._owns_session:
            self.session.close()

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Transport:
        """A transport with other defaults over the same session (same pool, same cookies)."""
        changes: dict[str, Any] = {}
        if timeout is not NOT_GIVEN:
            changes["timeout"] = timeout
        if max_retries is not NOT_GIVEN:
            changes["max_retries"] = max_retries
        clone = copy.copy(self)
        clone.settings = attrs.evolve(self.settings, **changes)
        return clone

    def send(
        self,
        request: WireRequest,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        stream: bool = False,
        raise_for_status: bool = True,
        base_url: str | None = None,
        retry_statuses: Collection[int] = RETRY_STATUSES,
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
        """
        timeout = self.settings.timeout if timeout is NOT_GIVEN else check_timeout(timeout)
        retries = (
            self.settings.max_retries
            if max_retries is NOT_GIVEN
            else check_max_retries(max_retries)
        )
        url = (base_url or self.settings.host_url).rstrip("/") + request.path
        headers = self._headers(request)
        replay = _Replay.plan(request)
        attempts = retries + 1
        attempt = 0
        while True:
            attempt += 1
            if attempt > 1 and replay is not None:
                replay.rewind()
            started = time.monotonic()
            try:
                response = self.session.request(
                    request.method,
                    url,
                    params=dict(request.query) or None,
                    json=None if request.json is None else dict(request.json),
                    data=request.content,
                    files=dict(request.files) if request.files else None,
                    headers=headers,
                    timeout=timeout,
                    stream=True,  # the body is read here, within the limits (_read_body)
                    # Explicit, so REQUESTS_CA_BUNDLE cannot override session.verify = False.
                    verify=self.session.verify,
                    hooks={"response": self._drop_secrets_on_foreign_redirect},
                )
                self._read_body(response, stream)
            except requests.RequestException as exc:
                failure = _Failure.of(exc)
                self._log(request, type(exc).__name__, started, None, attempt, attempts)
                if attempt < attempts and replay is not None and failure.retries(request):
                    self._wait(request, self._backoff(attempt))
                    continue
                raise failure.error(request, url, attempt, timeout, exc) from exc
            status = response.status_code
            self._log(request, str(status), started, request_id_of(response), attempt, attempts)
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
            if raise_for_status and status >= 400:
                raise explained(error_from_response(response), self, request)
            return response

    def _read_body(self, response: requests.Response, stream: bool) -> None:
        """Read the body now unless the caller streams it: an error body always, and only
        up to ``max_error_bytes`` (it is quoted, never used whole); a JSON answer up to
        ``max_json_bytes`` (:class:`~sambastudio.errors.LimitExceededError` past it)."""
        limits = self.settings.limits
        if response.status_code >= 400:
            with suppress(requests.RequestException):  # what came of it is quoted
                read_at_most(response, limits.max_error_bytes)
        elif not stream:
            read_within(response, limits)

    def _headers(self, request: WireRequest) -> dict[str, str]:
        headers = dict(request.headers)
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
        outcome: str,
        started: float,
        request_id: str | None,
        attempt: int,
        attempts: int,
    ) -> None:
        LOGGER.log(
            self._log_level,
            "%s %s -> %s in %.0f ms (request id %s, attempt %d of %d)",
            request.method,
            request.path,
            outcome,
            (time.monotonic() - started) * 1000,
            request_id,
            attempt,
            attempts,
        )

    def _drop_secrets_on_foreign_redirect(
        self, response: requests.Response, *args: object, **kwargs: object
    ) -> requests.Response:
        """requests strips ``Authorization`` when a redirect leaves the host, not ``key``."""
        if response.is_redirect:
            target = urljoin(response.url, response.headers["location"])
            # requests' own rule (and a subclass's override); untyped in its stubs
            foreign: Callable[[str, str], bool] = self.session.should_strip_auth
            if foreign(response.url, target):
                sent = response.request.headers
                for name in [name for name in sent if is_secret_header(name)]:
                    del sent[name]
        return response


@attrs.frozen
class _Replay:
    """Where each file body started, so that a retry sends the same bytes again."""

    positions: tuple[tuple[IO[bytes], int], ...]

    @classmethod
    def plan(cls, request: WireRequest) -> _Replay | None:
        """``None`` when a body cannot be rewound (an iterator, a pipe): never retry it."""
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
        if isinstance(exc, requests.exceptions.SSLError):
            return cls(
                "TLS failed (for a private CA set SAMBASTUDIO_CA_BUNDLE or verify=)", "never"
            )
        if isinstance(exc, requests.ConnectTimeout):
            return cls("timed out connecting", "always", timed_out=True)
        if any(isinstance(cause, ConnectTimeoutError) for cause in causes):  # refused, DNS
            return cls("could not connect", "always")
        if any(isinstance(cause, (requests.ReadTimeout, ReadTimeoutError)) for cause in causes):
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
        cause = list(_causes(exc))[-1]
        tries = f"{attempts} attempt" + ("s" if attempts > 1 else "")
        message = f"{request.method} {url} failed after {tries}: {self.what} ({cause})"
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
