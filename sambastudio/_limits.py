"""How much a server may make the client hold, nest or unpack, and the checks that enforce it.

A hostile or broken server can answer a 10 GB JSON document or error body, one nested
100,000 levels deep (which blows Python's recursion limit in ``json.loads``), a stream
line that never ends, or an archive that inflates a thousandfold. :class:`Limits` bounds
each; every bound is a setting (``Client(..., limits=Limits(max_json_bytes=...))``, or
``SAMBASTUDIO_LIMITS=max_json_bytes=256MiB`` in the environment, the one way the CLI and the
``SnSdk`` shim can be given one) and crossing it raises
:class:`~sambastudio.errors.LimitExceededError` naming the setting.
"""

from __future__ import annotations

import itertools
import json
import re
from array import array
from collections.abc import Iterator, Mapping
from typing import IO, Any, Final
from urllib.parse import urlsplit

import attrs
import requests

from sambastudio._bodies import ERROR_BODY_BYTES, read_at_most
from sambastudio._hints import ENV_LIMITS
from sambastudio._redact import mask_text
from sambastudio.errors import (
    APIConnectionError,
    ArchiveLimitError,
    ConfigurationError,
    LimitExceededError,
    describe_request,
)

_MIB: Final = 1 << 20
_GIB: Final = 1 << 30


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{attribute.name} must be a number > 0, not {value!r}")


@attrs.frozen
class Limits:
    """Bounds on what a server can make the client do; each can be raised or lowered."""

    max_json_bytes: int = attrs.field(default=64 * _MIB, validator=_positive)
    """Largest JSON answer read into memory."""
    max_json_depth: int = attrs.field(default=100, validator=_positive)
    """Deepest nesting of objects and arrays accepted in a JSON answer."""
    max_error_bytes: int = attrs.field(default=ERROR_BODY_BYTES, validator=_positive)
    """Most of an error answer's body read (to quote it); the rest is not read."""
    max_line_bytes: int = attrs.field(default=8 * _MIB, validator=_positive)
    """Longest line of a streamed answer (a prediction's SSE or JSON lines), and longest
    server-sent event."""
    max_extract_bytes: int = attrs.field(default=512 * _GIB, validator=_positive)
    """Most bytes an archive may unpack to (checkpoints are large; bombs are larger)."""
    max_extract_ratio: float = attrs.field(default=200.0, validator=_positive)
    """Most an archive may inflate: unpacked bytes over the archive's own size."""


DEFAULT_LIMITS: Final = Limits()

_SIZE: Final = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[KMG]iB|B)?", re.IGNORECASE)
_UNITS: Final = {"": 1, "b": 1, "kib": 1 << 10, "mib": _MIB, "gib": _GIB}


def limits_from_env(env: Mapping[str, str]) -> Limits:
    """The limits ``SAMBASTUDIO_LIMITS`` sets over the defaults: comma-separated
    ``name=value`` pairs such as ``max_json_bytes=256MiB,max_json_depth=200`` (sizes take
    ``KiB``, ``MiB`` or ``GiB``). A wrong name or value is a ConfigurationError naming the
    variable and the entry: a typo must not leave a bound silently at its default."""
    names = [field.name for field in attrs.fields(Limits)]
    given: dict[str, Any] = {}
    for entry in filter(None, (part.strip() for part in env.get(ENV_LIMITS, "").split(","))):
        name, equals, value = (part.strip() for part in entry.partition("="))
        if not equals or name not in names:
            raise ConfigurationError(
                f"{ENV_LIMITS}: {entry!r} is not name=value with a name among {', '.join(names)}"
            )
        given[name] = _limit_value(name, value)
    try:
        return attrs.evolve(DEFAULT_LIMITS, **given)
    except ValueError as error:
        raise ConfigurationError(f"{ENV_LIMITS}: {error}") from None


def _limit_value(name: str, text: str) -> float:
    found = _SIZE.fullmatch(text)
    unit = (found["unit"] or "").lower() if found else ""
    if found is None or (unit and not name.endswith("_bytes")):
        sizes = ", with KiB, MiB or GiB" if name.endswith("_bytes") else ""
        raise ConfigurationError(f"{ENV_LIMITS}: {name} must be a number{sizes}, not {text!r}")
    number = float(found["number"]) * _UNITS[unit]
    if isinstance(getattr(DEFAULT_LIMITS, name), float):
        return number
    if not number.is_integer():
        raise ConfigurationError(f"{ENV_LIMITS}: {name} must be a whole number, not {text!r}")
    return int(number)


_LINE_CHUNK: Final = 512
"""Bytes asked of the socket per read of a stream (requests' own): a token arrives as soon
as it is sent, not once a bigger buffer fills."""

_STRUCTURE: Final = b'"[]{}'
_NOT_STRUCTURE: Final = bytes(sorted(set(range(256)) - set(_STRUCTURE)))
_STRINGS: Final = re.compile(rb'"[^"]*"')
_STEPS: Final = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
"""Opening brackets as +1, closing ones as -1 (signed bytes)."""


def json_depth(body: bytes) -> int:
    """How deeply the JSON document ``body`` nests its arrays and objects.

    Counted on the bytes, without parsing and without a Python step per byte or per value:
    escaped backslashes and quotes are dropped, every byte but brackets and quotes deleted,
    the strings (with any brackets they hold) cut out, and the depth is the highest running
    sum of the brackets that are left. About 1 ms per MiB of JSON, whatever its shape (a
    pass over the parsed value cost as much for a list of 2,000 projects and three times as
    much for 20,000, its lists and the garbage collection growing with the items). Meant
    for a valid document: the parser judges validity.
    """
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Two adjacent quotes are an empty string or the end of one string and the start of the
    # next with nothing in between: removing them leaves the brackets outside strings as
    # they were, and most strings (those without brackets) go here.
    marks = body.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in marks:
        marks = _STRINGS.sub(b"", marks)
    return max(itertools.accumulate(array("b", marks.translate(_STEPS))), default=0)


def check_json_depth(body: bytes, limits: Limits) -> None:
    """Refuse a (valid) JSON document that nests deeper than ``max_json_depth``."""
    if json_depth(body) > limits.max_json_depth:
        raise too_deep(limits)


def too_deep(limits: Limits) -> LimitExceededError:
    return LimitExceededError(
        "max_json_depth",
        f"the JSON answer nests deeper than max_json_depth ({limits.max_json_depth})",
    )


def decode_json(text: str | bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """``json.loads(text)`` if its size and depth are within ``limits``.

    A document too deep for the parser's recursion is refused alike; the depth of one it
    parsed is counted on its text (:func:`json_depth`).
    """
    if len(text) > limits.max_json_bytes:
        raise LimitExceededError(
            "max_json_bytes",
            f"the JSON answer is larger than max_json_bytes ({limits.max_json_bytes} bytes)",
        )
    try:
        value = json.loads(text)
    except RecursionError:
        raise too_deep(limits) from None
    body = text if isinstance(text, bytes) else text.encode(errors="surrogatepass")
    check_json_depth(body, limits)
    return value


def read_capped(response: requests.Response, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """:func:`read_within`, with a connection that drops in the middle reported as an
    :class:`~sambastudio.errors.APIConnectionError`."""
    try:
        return read_within(response, limits)
    except requests.RequestException as error:
        raise _broken_off(response, error) from error


def read_within(response: requests.Response, limits: Limits) -> bytes:
    """A (streamed) response's body, refused once it passes ``max_json_bytes``.

    The body is read chunk by chunk and the connection closed at the limit, so a server
    cannot make the client hold more than the limit in memory. A dropped connection is
    requests' own error here (the transport retries on it).
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_json_bytes:
        response.close()
        raise LimitExceededError(
            "max_json_bytes",
            f"the answer declares {declared} bytes, more than max_json_bytes "
            f"({limits.max_json_bytes})",
        )
    body, more = read_at_most(response, limits.max_json_bytes)
    if more:
        response._content = b""  # not kept: it is refused
        raise LimitExceededError(
            "max_json_bytes",
            f"the answer is larger than max_json_bytes ({limits.max_json_bytes} bytes)",
        )
    return body


def iter_lines_capped(response: requests.Response, limits: Limits) -> Iterator[bytes]:
    """The lines of a streamed answer (without their line ending), refused once one
    passes ``max_line_bytes``: a server that never ends a line cannot make the client
    hold more than that (``requests``' ``iter_lines`` holds it all)."""
    pending: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_LINE_CHUNK):
        *ended, rest = chunk.split(b"\n")
        if ended:
            ended[0] = b"".join([*pending, ended[0]])
            pending, size = [], 0
        for line in ended:
            check_line_size(len(line), limits)
            yield line.removesuffix(b"\r")
        pending.append(rest)
        size += len(rest)
        check_line_size(size, limits)
    if size:
        yield b"".join(pending).removesuffix(b"\r")


def check_line_size(size: int, limits: Limits) -> None:
    """Refuse a streamed line, or a server-sent event's data, past ``max_line_bytes``."""
    if size > limits.max_line_bytes:
        raise LimitExceededError(
            "max_line_bytes",
            f"a streamed line or event is longer than max_line_bytes "
            f"({limits.max_line_bytes} bytes)",
        )


def _broken_off(response: requests.Response, error: Exception) -> APIConnectionError:
    request = response.request
    return APIConnectionError(
        mask_text(f"{describe_request(response)}: the answer broke off ({error})"),
        method=str(request.method) if request is not None else "",
        path=urlsplit(request.url or "").path if request is not None else "",
    )


def check_archive_size(declared: int, archive_size: int, limits: Limits) -> None:
    """Refuse an archive whose members declare more than the limits allow, before writing."""
    if declared > limits.max_extract_bytes:
        raise ArchiveLimitError(
            "max_extract_bytes",
            f"the archive unpacks to {declared} bytes, more than max_extract_bytes "
            f"({limits.max_extract_bytes})",
        )
    if declared > limits.max_extract_ratio * max(archive_size, 1):
        raise ArchiveLimitError(
            "max_extract_ratio",
            f"the archive inflates {declared / max(archive_size, 1):.0f}-fold, more than "
            f"max_extract_ratio ({limits.max_extract_ratio:g})",
        )


@attrs.define
class ExtractBudget:
    """Counts the bytes actually written, in case an archive's headers under-declare them."""

    limits: Limits
    archive_size: int
    written: int = 0

    def copy(self, source: IO[bytes], out: IO[bytes], chunk_size: int) -> None:
        while chunk := source.read(chunk_size):
            self.written += len(chunk)
            check_archive_size(self.written, self.archive_size, self.limits)
            out.write(chunk)
