"""The bottom layer: the one ``requests.Session`` and one HTTP exchange on it.

:meth:`Transport.exchange` is the only code that calls the session. It sends one attempt
of a request, follows redirects by a stricter rule than requests' own, and holds the
attempt to its deadline. Everything that decides *what* to send, and whether to try again,
is in :mod:`sambastudio._pipeline`, one layer up.

Redirects. requests would re-send a 307/308 body to any host a server names, and strips
only ``Authorization``. Here: a redirect from https to http is never followed; a body is
never re-sent to another origin (scheme, host, port); and the secret headers (``key``,
``Authorization``) are dropped whenever the origin changes. A 301/302/303 turns the
request into a bodiless GET, as browsers and requests do.

Deadlines. requests' timeout bounds the connect and each socket read, so a server that
trickles one byte a second keeps a call alive forever. ``timeout`` here is a deadline for
the whole attempt: connecting and every read take at most what is left of it, and a
watchdog (:mod:`sambastudio._watchdog`), armed before the request is sent, cuts the
connection when it runs out, whether the status line, the headers or the body of a
response read at once (every call but a download or a token stream) is still arriving.
A ``(connect, read)`` pair allows ``connect`` for connecting, ``read`` for each read, and
``connect + read`` for the whole attempt. A request that uploads a file-like body (a
dataset part) takes as long as its size needs, but each block of it must go out within
the deadline's length, and the response (headers and body) has that length again from
its start. A streamed response (downloads, token streams) is bounded by the deadline
until its headers are in; then each token stream event
(:mod:`sambastudio.resources.predictions`) and each block of a download
(:mod:`sambastudio.transfers.download`) has ``timeout`` to arrive. On a
session whose adapters a caller mounted, the watchdog can only find the socket once the
headers are in, so there the deadline bounds the body only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import suppress
from typing import IO, Any, Final
from urllib.parse import urljoin, urlsplit

import attrs
import requests
import urllib3
from urllib3.exceptions import InsecureRequestWarning

from sambastudio._bodies import read_at_most
from sambastudio._config import Settings, Timeout
from sambastudio._limits import Limits, read_within
from sambastudio._redact import is_secret_header, remember_secret
from sambastudio._watchdog import DeadlineExceeded, Watchdog, WatchedAdapter, watching

__all__ = ["DeadlineExceeded", "RefusedRedirect", "Transport", "total_seconds"]

MAX_REDIRECTS: Final = 10
_BODY_HEADERS: Final = frozenset({"content-type", "content-length", "transfer-encoding"})


class RefusedRedirect(requests.exceptions.RequestException):
    """A redirect this transport will not follow (to http, or a body to another origin)."""


@attrs.frozen
class Outgoing:
    """One HTTP request as the transport sends it (the pipeline has resolved everything)."""

    method: str
    url: str
    headers: Mapping[str, str] = attrs.field(repr=False)
    params: Mapping[str, str | list[str]] | None = None
    json: Any = attrs.field(default=None, repr=False)
    data: Any = attrs.field(default=None, repr=False)
    files: Mapping[str, tuple[str, IO[bytes]]] | None = attrs.field(default=None, repr=False)

    @property
    def has_body(self) -> bool:
        return self.json is not None or self.data is not None or bool(self.files)

    @property
    def streams_body(self) -> bool:
        """A file-like or iterated body: sending it takes as long as its size needs."""
        uploads = self.data is not None and not isinstance(self.data, (bytes, str))
        return uploads or bool(self.files)

    def redirected(self, response: requests.Response, target: str) -> Outgoing:
        """The request to send to ``target``, or :class:`RefusedRedirect`."""
        here, there = urlsplit(response.url), urlsplit(target)
        if here.scheme == "https" and there.scheme != "https":
            raise RefusedRedirect(f"refused a redirect from https to {there.scheme}")
        same_origin = (here.scheme, here.hostname, here.port) == (
            there.scheme,
            there.hostname,
            there.port,
        )
        keeps_body = response.status_code in (307, 308)
        if keeps_body and self.has_body and not same_origin:
            raise RefusedRedirect(
                f"refused to send the request body on to another origin "
                f"({there.scheme}://{there.netloc}) named by a {response.status_code} redirect"
            )
        headers = {
            name: value
            for name, value in self.headers.items()
            if not (not same_origin and is_secret_header(name))
            and not (not keeps_body and name.lower() in _BODY_HEADERS)
        }
        if keeps_body:
            return attrs.evolve(self, url=target, params=None, headers=headers)
        method = "HEAD" if self.method == "HEAD" else "GET"
        return Outgoing(method, target, headers)


def total_seconds(timeout: Timeout) -> float | None:
    """How long an attempt (or a stream's wait for its next event) may take in all."""
    if timeout is None:
        return None
    return sum(timeout) if isinstance(timeout, tuple) else timeout


@attrs.frozen
class Deadline:
    """When an attempt must be over, and the requests timeout for each step before it."""

    connect: float | None
    read: float | None
    at: float | None

    @classmethod
    def start(cls, timeout: Timeout) -> Deadline:
        total = total_seconds(timeout)
        if timeout is None or total is None:
            return cls(None, None, None)
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return cls(connect, read, time.monotonic() + total)

    def remaining(self) -> float | None:
        if self.at is None:
            return None
        left = self.at - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded("the deadline passed before the response arrived")
        return left

    def step(self) -> tuple[float, float] | None:
        """requests' ``(connect, read)`` for the next step: no more than what is left."""
        left = self.remaining()
        if left is None or self.connect is None or self.read is None:
            return None
        return (min(self.connect, left), min(self.read, left))


class Transport:
    """One connection pool and the exchanges sent on it.

    ``session`` is public on purpose: the legacy ``SnSdk.http_session`` is this object, and
    cookies, ``verify`` or adapters set on it apply to every later request.
    """

    def __init__(self, settings: Settings, *, session: requests.Session | None = None) -> None:
        self._owns_session = session is None
        self._limits = settings.limits
        if session is None:
            session = requests.Session()
            for prefix in ("https://", "http://"):
                session.mount(prefix, WatchedAdapter())
        self.session = session
        session.headers["User-Agent"] = settings.user_agent
        session.verify = settings.verify
        session.proxies.update(settings.proxies)
        if settings.tenant is not None:
            session.cookies.set("tenant", settings.tenant)
        if settings.disable_ssl_warnings:  # snapi's DISABLE_SSL_WARNINGS; process-wide
            urllib3.disable_warnings(InsecureRequestWarning)
        remember_secret(settings.access_key)

    def close(self) -> None:
        """Close the connection pool, if this transport created it."""
        if self._owns_session:
            self.session.close()

    def exchange(
        self,
        request: Outgoing,
        *,
        timeout: Timeout,
        stream: bool,
    ) -> requests.Response:
        """Send one attempt of ``request``; raises requests' exceptions (and this module's)."""
        deadline = Deadline.start(timeout)
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._hop(request, deadline, timeout, stream=stream)
            if not response.is_redirect:
                return response
            target = urljoin(response.url, response.headers["location"])
            response.close()
            request = request.redirected(response, target)
        raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")

    def _hop(
        self, request: Outgoing, deadline: Deadline, timeout: Timeout, *, stream: bool
    ) -> requests.Response:
        """One request and its response, read (unless streamed) within the deadline.

        The watchdog runs from before the request is sent (block by block for an upload)
        to the end of the headers, or of the body when it is read here.
        """
        step = deadline.step()
        watchdog = Watchdog(per_block=total_seconds(timeout) if request.streams_body else None)
        left = deadline.remaining()
        if left is not None and not request.streams_body:
            watchdog.run_for(left)
        try:
            with watching(watchdog):
                response = self.session.request(
                    request.method,
                    request.url,
                    params=request.params,
                    json=request.json,
                    data=request.data,
                    files=request.files,
                    headers=dict(request.headers),
                    timeout=step,
                    stream=True,
                    allow_redirects=False,
                    # Explicit, so REQUESTS_CA_BUNDLE cannot override session.verify = False.
                    verify=self.session.verify,
                )
            if not watchdog.fired:  # else cut in the headers: what came is not the answer
                watchdog.watch_response(response)
                if not response.is_redirect and (not stream or response.status_code >= 400):
                    _read_body(response, self._limits)
            # A cut error body is quoted as far as it came; a cut answer is no answer.
            if watchdog.fired and response.status_code < 400:
                response.close()
                raise watchdog.cut_off()
        except requests.RequestException as exc:
            if watchdog.fired and not isinstance(exc, DeadlineExceeded):
                raise watchdog.cut_off() from exc
            raise
        finally:
            watchdog.stand_down()
        return response


def _read_body(response: requests.Response, limits: Limits) -> None:
    """An error body up to ``max_error_bytes`` (it is quoted, never used whole; what came of
    it is enough), an answer up to ``max_json_bytes`` (``LimitExceededError`` past it)."""
    if response.status_code >= 400:
        with suppress(requests.RequestException):
            read_at_most(response, limits.max_error_bytes)
    else:
        read_within(response, limits)
