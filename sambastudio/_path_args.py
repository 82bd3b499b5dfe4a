"""What a value placed in a URL path segment may be, checked before any request is built.

A path argument names one resource. Empty, ``.`` and ``..`` would make the URL name
another one (``DELETE /api/projects/victim/jobs/..`` is ``DELETE /api/projects/victim``
once urllib3 or a proxy resolves the dot segments, and percent-encoding does not stop it),
and a ``/`` would add a segment. The one exception is an argument declared ``nested``
(a file's path inside an uploaded folder): it may hold ``/`` between segments, each of
which obeys the same rule.
"""

from __future__ import annotations

from sambastudio.errors import PathArgumentError

_DOT_SEGMENTS = ("", ".", "..")


def check_path_argument(operation: str, argument: str, value: object, *, nested: bool) -> str:
    """``value`` as the text of one path segment, or a :class:`PathArgumentError` naming it."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(
            f"{operation}() argument {argument!r} must be a name or id (str), "
            f"not {type(value).__name__}"
        )
    text = str(value)
    segments = text.split("/") if nested else [text]
    if "/" in text and not nested:
        raise PathArgumentError(
            argument, f"{operation}(): {argument} must not contain '/', got {text!r}"
        )
    if any(segment.strip() in _DOT_SEGMENTS for segment in segments):
        raise PathArgumentError(
            argument,
            f"{operation}(): {argument} must not be empty, '.' or '..' "
            f"(it would address another resource), got {text!r}",
        )
    return text
