"""Reading a response body without letting the server choose how much is held.

``requests`` reads a body whole (``.content``, ``.json()``, ``iter_lines``); a hostile or
broken server can then make the client hold gigabytes. :func:`read_at_most` reads a
streamed body chunk by chunk and stops at a bound. It depends on nothing else in the
package, so that :mod:`sambastudio.errors` can read error bodies with it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # at run time, the package loads without the HTTP stack (pytest plugin)
    import requests

ERROR_BODY_BYTES: Final = 1 << 20
"""How much of an error body is read by default (``Limits.max_error_bytes``)."""

_CHUNK: Final = 1 << 16


def read_at_most(response: requests.Response, max_bytes: int) -> tuple[bytes, bool]:
    """The first ``max_bytes`` of the body, and whether the server sent more.

    Past the bound the connection is closed, so no more is read; what was read becomes
    the response's ``content`` (later readers see the same bytes). A body already read is
    taken as it is: it is in memory anyway.
    """
    read = getattr(response, "_content", False)  # False while a streamed body is unread
    if isinstance(read, bytes):
        return read, False
    buffer = bytearray()
    more = False
    try:
        for chunk in response.iter_content(min(max_bytes + 1, _CHUNK)):
            buffer += chunk
            if len(buffer) > max_bytes:
                more = True
                del buffer[max_bytes:]
                response.close()
                break
    finally:
        response._content = bytes(buffer)
        response._content_consumed = True  # type: ignore[attr-defined]  # later reads reuse it
    return response._content, more
