"""The dicts ``SnSdk`` returns: the server's JSON with ``status_code`` and ``headers`` added.

Nothing here raises: an HTTP error, a body that is not JSON and a connection failure all
become dicts, as they did in ``SnSdk``. A secret the caller sent is masked wherever the
server repeats it, since callers print these dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import requests

from sambastudio._limits import Limits, decode_json, read_capped
from sambastudio._redact import mask_text, mask_values
from sambastudio.errors import InvalidArgumentError, LimitExceededError

CONNECTION_FAILED = 503
"""``status_code`` of the dict returned when no HTTP response arrived at all."""
TIMED_OUT = 504
"""``status_code`` of the dict returned when the server did not answer in time."""
REFUSED = 400
"""``status_code`` of the dict returned when an argument was refused before any request."""

_DETAIL_LIMIT = 300


def response_dict(response: requests.Response, limits: Limits) -> dict[str, Any]:
    """The body as a dict, plus ``status_code`` (int) and ``headers`` (a plain dict).

    A body that is not JSON becomes ``{"detail": <its first characters>}``, as in ``SnSdk``;
    one past ``limits`` (read streamed, and only up to the limit) ``{"detail": <why>}``.
    """
    body: Any = None
    try:
        if read_capped(response, limits).strip():
            body = decode_json(response.text, limits)
    except LimitExceededError as exc:  # advice for the environment: SnSdk takes no Limits
        body = {"detail": exc.message_for("shell")}
    except ValueError:
        body = {"detail": _short(response.text) or "the response body is not JSON"}
    return envelope(body, response.status_code, response.headers)


def envelope(body: Any, status_code: int, headers: Mapping[str, str]) -> dict[str, Any]:
    """Wrap a parsed JSON body: a dict is copied, anything else is wrapped sensibly."""
    if isinstance(body, dict):
        result = dict(body)
    elif body is None or body == "":
        result = {}
    elif isinstance(body, str) and status_code >= 400:
        result = {"detail": _short(body)}
    else:
        result = {"data": body}
    result["status_code"] = status_code
    result["headers"] = dict(headers)
    return result


def failure_dict(message: str, status_code: int, secrets: Iterable[str]) -> dict[str, Any]:
    """A dict for a request that got no response; secrets are masked in the message."""
    return {"detail": mask_text(message, secrets), "status_code": status_code, "headers": {}}


def refused_dict(error: InvalidArgumentError) -> dict[str, Any]:
    """A dict for an argument refused before anything was sent; ``argument`` names it."""
    return {
        "detail": mask_text(str(error)),
        "argument": error.argument,
        "status_code": REFUSED,
        "headers": {},
    }


_KEY_FIELD = "api_key"
"""Where an endpoint lists its keys: the key the caller sent as ``api_key``, found whole
there, is the resource's data, which callers read (``endpoint_info`` shows it anyway)."""


def without_sent_secrets(value: Any, sent: Mapping[str, str], field: object = None) -> Any:
    """A copy of a result with the secret arguments ``sent`` (name to value) masked in every
    string, keys too, except the endpoint key found whole as an ``api_key``: a server that
    echoes the AWS secret or a password in its answer must not put it in a printout."""
    if not sent:
        return value
    if isinstance(value, str):
        if field == _KEY_FIELD and value == sent.get(_KEY_FIELD):
            return value
        return mask_values(value, sent.values())
    if isinstance(value, Mapping):
        return {
            without_sent_secrets(key, sent): without_sent_secrets(item, sent, key)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [without_sent_secrets(item, sent, field) for item in value]
    return value


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 3] + "..."
