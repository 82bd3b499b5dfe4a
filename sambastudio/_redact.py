"""The one place that knows what a secret is, and the ``sambastudio`` logger that hides them.

Headers and JSON fields are recognised by name (:data:`SECRET_HEADERS`,
:data:`SECRET_FIELDS`); free text is cleaned by value (every key the transport has sent)
and by shape (``"api_key": "..."``, ``Bearer ...``, ``user:password@``). Cassette
scrubbing reuses the same sets, so a secret hidden from logs is hidden from recordings too.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Final

SECRET_HEADERS: Final = frozenset({"key", "authorization", "cookie", "set-cookie", "x-api-key"})
"""Header names (lower case) whose values are credentials."""

SECRET_FIELDS: Final = frozenset(
    {
        "api_key",
        "access_key",
        "access_key_id",
        "secret_access_key",
        "session_token",
        "password",
        "secret",
        "token",
        "key",
    }
)
"""JSON field names whose values are credentials; matched ignoring case, ``_`` and ``-``,
so ``accessKeyId`` and ``ACCESS-KEY-ID`` count as ``access_key_id``."""

MASK: Final = "***"

LOGGER: Final = logging.getLogger("sambastudio")

_HANDLER_NAME = "sambastudio-stderr"
_LOG_LEVELS: Final = {"debug": logging.DEBUG, "info": logging.INFO}


def _fold(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


_FOLDED_FIELDS: Final = frozenset(_fold(name) for name in SECRET_FIELDS)


def is_secret_header(name: str) -> bool:
    return name.lower() in SECRET_HEADERS


def is_secret_field(name: str) -> bool:
    return _fold(name) in _FOLDED_FIELDS


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every credential replaced by :data:`MASK`."""
    return {name: MASK if is_secret_header(name) else value for name, value in headers.items()}


def redact_json(value: Any) -> Any:
    """A copy of a decoded JSON document with every secret field's value replaced."""
    if isinstance(value, Mapping):
        return {
            key: MASK if isinstance(key, str) and is_secret_field(key) else redact_json(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    return value


def secret_header_values(headers: Mapping[str, str]) -> list[str]:
    """The credentials among ``headers``, without an auth scheme such as ``Bearer``."""
    return [
        value.split()[-1]
        for name, value in headers.items()
        if is_secret_header(name) and value.strip()
    ]


def secret_json_values(value: Any) -> list[str]:
    """The string values of every secret field in a decoded JSON document."""
    if isinstance(value, Mapping):
        return [
            found
            for key, item in value.items()
            for found in (
                [item]
                if isinstance(item, str) and is_secret_field(str(key))
                else secret_json_values(item)
            )
        ]
    if isinstance(value, list):
        return [found for item in value for found in secret_json_values(item)]
    return []


_remembered: set[str] = set()
_remembered_lock = threading.Lock()


_MIN_SECRET = 8
"""Shorter values are not real keys, and masking them everywhere would garble every message."""


def remember_secret(value: str) -> None:
    """Mask ``value`` wherever :func:`mask_text` meets it from now on (in this process)."""
    if len(value.strip()) >= _MIN_SECRET:
        with _remembered_lock:
            _remembered.add(value.strip())


def _flexible(field: str) -> str:
    return "[_-]?".join(re.escape(part) for part in field.split("_"))


_FIELD_NAMES: Final = "|".join(_flexible(f) for f in sorted(SECRET_FIELDS, key=len, reverse=True))
_SHAPES: Final = (
    # "api_key": "abc", access_key=abc, key: abc  (JSON, query strings, header dumps)
    re.compile(
        r"""(["']?\b(?:""" + _FIELD_NAMES + r""")["']?\s*[:=]\s*["']?)[^"'\s,;&{}\[\]]+""",
        re.IGNORECASE,
    ),
    re.compile(r"""(\bbearer\s+)[^\s"',;]+""", re.IGNORECASE),
    re.compile(r"(://[^/\s:@]+:)[^\s@]+(?=@)"),  # https://user:password@proxy
)


def mask_values(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets`` (those long enough to be keys) masked, by value only."""
    for secret in sorted({s for s in secrets if len(s) >= _MIN_SECRET}, key=len, reverse=True):
        text = text.replace(secret, MASK)  # longest first: no partial leftovers
    return text


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every remembered or given secret, and every secret-shaped value, masked."""
    with _remembered_lock:
        known = _remembered | set(secrets)
    text = mask_values(text, known)
    for shape in _SHAPES:
        text = shape.sub(rf"\g<1>{MASK}", text)
    return text


class RedactingFilter(logging.Filter):
    """Masks secrets in every record, whoever formats it: our handler, caplog, a user's."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_FILTER: Final = RedactingFilter()
LOGGER.addFilter(_FILTER)


def configure_logging_from_env(environ: Mapping[str, str] | None = None) -> int:
    """Apply ``SAMBASTUDIO_LOG=debug|info``; return the level request lines are logged at.

    Without the variable the logger is left alone (the application owns logging); with it,
    one stderr handler is added, however many clients are built.
    """
    value = (os.environ if environ is None else environ).get("SAMBASTUDIO_LOG", "")
    level = _LOG_LEVELS.get(value.strip().lower())
    if level is None:
        return logging.DEBUG
    LOGGER.setLevel(level)
    if not any(handler.name == _HANDLER_NAME for handler in LOGGER.handlers):
        handler = logging.StreamHandler()
        handler.name = _HANDLER_NAME
        handler.addFilter(_FILTER)  # also covers records of child loggers
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOGGER.addHandler(handler)
    return level
