"""Cassette scrubbing: what a recording may keep, and a scan that proves it kept nothing else.

The rules reuse :mod:`sambastudio._redact` (the one place that knows what a secret is), but
where logs *mask* a secret, a cassette must *replace* it with a stable placeholder: a replay
sends the same requests again, so the same value must always become the same placeholder,
whether it is met in a request (scrubbed again on replay, before matching) or a response.

- the recorded host (an emulator's loopback URL, or a real server) becomes
  :data:`PLACEHOLDER_HOST`, in URLs, headers and bodies;
- the access key becomes :data:`ACCESS_KEY_PLACEHOLDER`;
- a key in an ``api_key`` or ``key`` field becomes ``<api-key:…>`` or ``<key:…>``, so that
  it keeps its identity across a cassette (created, listed, used, revoked) without being
  readable. A key the client *sends* before any answer named it is one the client chose
  (a new endpoint key, a random UUID): it is named by its rank among such keys
  (``<api-key:sent-1>``), so a replay, which draws another random key, sends the same
  placeholder. A key first met in an answer is named by a short hash of its value (keys
  are long random strings, so the hash gives nothing away);
- any other secret field (:data:`~sambastudio._redact.SECRET_FIELDS`: passwords, AWS
  secrets, tokens) becomes ``<field-name>``, without a hash: a password may be guessable;
- values that are placeholders already are kept, so scrubbing is idempotent; no other
  value is exempt, however fake it looks;
- request headers are cut down to what the wire contract names (content type, the routes'
  header arguments), with credentials replaced; response headers to what the SDK reads, so
  volatile ones (``date``, ``server``, correlation ids) never make a re-recording differ.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Final, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sambastudio._redact import SECRET_HEADERS, is_secret_field
from sambastudio._routes import ROUTES

PLACEHOLDER_HOST: Final = "https://sambastudio.test"
"""Every recorded host is rewritten to this origin; replays send their requests to it."""

ACCESS_KEY_PLACEHOLDER: Final = "<access-key>"
"""The platform access key, wherever it appears; also the key replays authenticate with."""

REDACTED: Final = "<redacted>"

MULTIPART_BOUNDARY: Final = "sambastudio-testing-boundary"
"""Every multipart body's boundary, as recorded: clients choose a random one per request."""
_BOUNDARY = re.compile(r"boundary=([^;\s]+)")

_PLACEHOLDER = re.compile(r"<[a-z0-9_-]+(?::(?:[0-9a-f]{8}|sent-[0-9]+))?>")

REQUEST_HEADERS: Final = frozenset(
    {"content-type", "cookie"}
    | {arg.wire_name.lower() for r in ROUTES.values() for arg in r.args if arg.where == "header"}
    | SECRET_HEADERS
)
"""Request headers a cassette keeps: the content type (the body matcher reads it), and the
headers the wire contract sends (``key``, ``Authorization``, ``trace-id``...)."""

RESPONSE_HEADERS: Final = frozenset(
    {
        "content-type",
        "content-length",
        "content-disposition",
        "content-range",
        "location",
        "retry-after",
        "x-request-id",
        "x-correlation-id",
    }
)
"""Response headers a cassette keeps: the ones the SDK reads."""

_REQUEST_ID_HEADERS: Final = frozenset({"x-request-id", "x-correlation-id"})
_KEY_FIELDS: Final = frozenset({"api_key", "key"})
_MIN_TEXT_SECRET: Final = 8
"""Shorter secrets are replaced in their fields only: in free text they would garble words."""


def is_placeholder(value: str) -> bool:
    """A value a cassette may hold in a secret's place."""
    return bool(_PLACEHOLDER.fullmatch(value))


class RecordedRequest(Protocol):
    """What a scrubber reads of a vcrpy request (``vcr.request.Request``)."""

    method: str
    uri: str
    body: Any
    headers: Any

    def __init__(self, method: str, uri: str, body: Any, headers: Any) -> None: ...


def _fixed_boundary(
    headers: dict[str, str], body: bytes | str | None
) -> tuple[dict[str, str], bytes | str | None]:
    """A multipart request with :data:`MULTIPART_BOUNDARY` as its boundary, so that its body
    is the same in every recording and matches in every replay."""
    for name, value in headers.items():
        found = _BOUNDARY.search(value) if name.lower() == "content-type" else None
        if found is None or found.group(1) == MULTIPART_BOUNDARY:
            continue
        chosen = found.group(1)
        headers = {**headers, name: value.replace(chosen, MULTIPART_BOUNDARY)}
        if isinstance(body, bytes):
            body = body.replace(chosen.encode(), MULTIPART_BOUNDARY.encode())
        elif isinstance(body, str):
            body = body.replace(chosen, MULTIPART_BOUNDARY)
    return headers, body


def _body_bytes(body: Any) -> bytes | str | None:
    """A request body as one value: vcrpy keeps a streamed one (an upload part) as an
    iterator, which its YAML cannot load back."""
    if body is None or isinstance(body, (bytes, str)):
        return body
    if hasattr(body, "read"):
        return bytes(body.read())
    return b"".join(chunk.encode() if isinstance(chunk, str) else bytes(chunk) for chunk in body)


class Scrubber:
    """The scrubbing of one cassette: its ``request`` and ``response`` are vcrpy's
    ``before_record_request`` and ``before_record_response`` (see ``scrubbing_config``).

    ``origins`` are the base URLs being recorded; ``secrets`` maps values known to be
    secret (the access key) to their placeholders. Every secret met on the way is learned,
    so it is also replaced where it turns up as plain text later.
    """

    def __init__(
        self, origins: Iterable[str] = (), secrets: Mapping[str, str] | None = None
    ) -> None:
        self._hosts: dict[str, str] = {}
        for origin in origins:
            parts = urlsplit(origin.rstrip("/"))
            self._hosts[f"{parts.scheme}://{parts.netloc}"] = PLACEHOLDER_HOST
            self._hosts[parts.netloc] = urlsplit(PLACEHOLDER_HOST).netloc
        self._secrets: dict[str, str] = {}
        self._sent_keys = 0
        for value, placeholder in (secrets or {}).items():
            self._learn(value, placeholder)

    # ------------------------------------------------------------------ the hooks
    def request(self, request: RecordedRequest) -> RecordedRequest:
        """vcrpy's ``before_record_request``: run on recording and before every match.

        It returns a new request of the same class, whose body is plain bytes.
        """
        headers = {
            name: self._header(name, str(value))
            for name, value in dict(request.headers).items()
            if name.lower() in REQUEST_HEADERS
        }
        body = _body_bytes(request.body)
        headers, body = _fixed_boundary(headers, body)
        return type(request)(
            method=request.method,
            uri=self._uri(request.uri),
            body=self._body(body, sent=True) if body else body,
            headers=headers,
        )

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy's ``before_record_response``; ``content-length`` follows the new body."""
        body = response.get("body", {}).get("string")
        if body:
            response["body"]["string"] = body = self._body(body, sent=False)
        headers: dict[str, list[str]] = {}
        for name, values in response.get("headers", {}).items():
            lowered = name.lower()
            if lowered in _REQUEST_ID_HEADERS:
                headers[name] = ["<request-id>"]
            elif lowered == "content-length" and body is not None:
                headers[name] = [str(len(body))]
            elif lowered in RESPONSE_HEADERS:
                headers[name] = [self._text(str(value)) for value in values]
        response["headers"] = headers
        return response

    # ---------------------------------------------------------------- the rules
    def _learn(self, value: str, placeholder: str) -> str:
        if value and not is_placeholder(value):
            self._secrets.setdefault(value, placeholder)
        return self._secrets.get(value, placeholder)

    def _secret(self, field: str, value: str, *, sent: bool) -> str:
        """The placeholder of ``value`` found in the secret field ``field`` of a request
        (``sent``) or of an answer."""
        if is_placeholder(value):
            return value
        if value in self._secrets:
            return self._secrets[value]
        folded = field.lower().replace("-", "_")
        if folded not in _KEY_FIELDS:
            return self._learn(value, f"<{folded}>")
        if sent:
            self._sent_keys += 1
            name = f"sent-{self._sent_keys}"
        else:
            name = hashlib.sha256(value.encode()).hexdigest()[:8]
        return self._learn(value, f"<{folded.replace('_', '-')}:{name}>")

    def _header(self, name: str, value: str) -> str:
        lowered = name.lower()
        if lowered in ("cookie", "set-cookie"):
            return "<cookie>"
        if lowered not in SECRET_HEADERS:
            return self._text(value)
        scheme, _, credential = value.rpartition(" ")
        known = credential if is_placeholder(credential) else self._secrets.get(credential)
        return f"{scheme} {known or REDACTED}".lstrip()

    def _uri(self, uri: str) -> str:
        """Any host becomes the placeholder; a secret query parameter, its placeholder."""
        parts = urlsplit(uri)
        query = parts.query
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_field(name) for name, _ in pairs):
            query = urlencode(
                [(n, self._secret(n, v, sent=True) if is_secret_field(n) else v) for n, v in pairs]
            )
        scheme, netloc = PLACEHOLDER_HOST.split("://")
        return urlunsplit((scheme, netloc, parts.path, query, parts.fragment))

    def _body(self, body: bytes | str, *, sent: bool) -> bytes | str:
        raw = body.encode() if isinstance(body, str) else body
        try:
            text = raw.decode("utf-8")
        except (UnicodeDecodeError, AttributeError):
            return body  # binary (an archive, a part of a file): nothing to read
        scrubbed = self._text(_map_json_lines(text, partial(self._json, sent=sent)))
        if scrubbed == text:
            return body
        return scrubbed if isinstance(body, str) else scrubbed.encode()

    def _json(self, value: Any, *, sent: bool) -> Any:
        if isinstance(value, dict):
            return {
                key: (
                    self._secret(key, item, sent=sent)
                    if isinstance(item, str) and is_secret_field(key)
                    else self._json(item, sent=sent)
                )
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._json(item, sent=sent) for item in value]
        return value

    def _text(self, text: str) -> str:
        """Known secrets and recorded hosts replaced in free text, longest first."""
        known = {v: p for v, p in self._secrets.items() if len(v) >= _MIN_TEXT_SECRET}
        for value, placeholder in sorted(
            {**known, **self._hosts}.items(), key=lambda item: -len(item[0])
        ):
            text = text.replace(value, placeholder)
        return text


def _map_json_lines(text: str, change: Callable[[Any], Any]) -> str:
    """``text`` with ``change`` applied to its JSON: one document, JSON lines, or the
    ``data:`` lines of server-sent events. What is not JSON is left alone, and a document
    that does not change keeps its exact bytes."""
    try:
        return _changed(text, json.loads(text), change)
    except ValueError:
        pass
    lines = []
    for line in text.split("\n"):
        prefix = "data: " if line.startswith("data: ") else ""
        try:
            value = json.loads(line[len(prefix) :])
        except ValueError:
            lines.append(line)
        else:
            lines.append(prefix + _changed(line[len(prefix) :], value, change))
    return "\n".join(lines)


def _changed(chunk: str, value: Any, change: Callable[[Any], Any]) -> str:
    changed = change(value)
    if changed == value:
        return chunk
    return json.dumps(changed, ensure_ascii=False, separators=(",", ":"))


def json_documents(text: str) -> list[Any]:
    """The JSON documents of a body: one document, JSON lines, or server-sent events."""
    documents: list[Any] = []

    def keep(value: Any) -> Any:
        documents.append(value)
        return value

    _map_json_lines(text, keep)
    return documents


# ------------------------------------------------------------------------ the scan
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
_LONG_HEX = re.compile(r"\b[0-9a-f]{40,}\b")
_URL = re.compile(r"\bhttps?://([^/\s\"'<>]+)", re.IGNORECASE)
_LOOPBACK = re.compile(r"\b(?:127\.0\.0\.1|localhost)(?::\d+)?\b|\[::1\]")
_ALLOWED_URL_HOSTS = frozenset({urlsplit(PLACEHOLDER_HOST).netloc})


def scan_text(text: str, *, secrets: Iterable[str] = ()) -> list[str]:
    """What in ``text`` looks like a secret or a real host: one description per finding."""
    found = [f"the secret {value[:4]}… appears" for value in secrets if value and value in text]
    found += [f"an AWS access key id {m.group()[:8]}…" for m in _AWS_KEY_ID.finditer(text)]
    found += [f"a long hex string {m.group()[:8]}… (a key?)" for m in _LONG_HEX.finditer(text)]
    found += [
        f"the host {m.group(1)!r}"
        for m in _URL.finditer(text)
        if m.group(1).lower() not in _ALLOWED_URL_HOSTS
    ]
    found += [f"a loopback address {m.group()!r}" for m in _LOOPBACK.finditer(text)]
    return found


def scan_interaction(interaction: Mapping[str, Any]) -> list[str]:
    """Structural findings in one recorded interaction: its host, its credential headers,
    and every secret field of its JSON bodies, which must hold placeholders only."""
    request, response = interaction["request"], interaction["response"]
    found = []
    netloc = urlsplit(str(request["uri"])).netloc
    if netloc not in _ALLOWED_URL_HOSTS:
        found.append(f"a request to {netloc!r}")
    headers = {**request.get("headers", {}), **response.get("headers", {})}
    for name, values in headers.items():
        if name.lower() in SECRET_HEADERS:
            for value in values:
                if not is_placeholder(str(value).rpartition(" ")[2]):
                    found.append(f"a {name} header that is no placeholder")
    for body in (request.get("body"), response.get("body", {}).get("string")):
        found += [f"the field {field!r} holds a value" for field in _secret_fields(body)]
    return found


def _secret_fields(body: Any) -> Iterator[str]:
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return
    if not isinstance(body, str):
        return
    yield from _unscrubbed(json_documents(body))


def _unscrubbed(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and is_secret_field(key):
                if item and not is_placeholder(item):
                    yield key
            else:
                yield from _unscrubbed(item)
    elif isinstance(value, list):
        for item in value:
            yield from _unscrubbed(item)


def load_interactions(path: Path) -> list[dict[str, Any]]:
    """The recorded interactions of a vcrpy YAML cassette, as plain data."""
    import yaml  # type: ignore[import-untyped]  # vcrpy's dependency; no stubs installed

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    return list((document or {}).get("interactions") or [])


def scan_cassette(path: Path, *, secrets: Iterable[str] = ()) -> list[str]:
    """Findings in one vcrpy YAML cassette, each prefixed by the file and interaction."""
    found = [
        f"{path}: {finding}"
        for finding in scan_text(path.read_text(encoding="utf-8"), secrets=secrets)
    ]
    for number, interaction in enumerate(load_interactions(path), start=1):
        found += [f"{path} #{number}: {f}" for f in scan_interaction(interaction)]
    return found


def scan_cassettes(root: str | Path, *, secrets: Iterable[str] = ()) -> list[str]:
    """Findings in every ``*.yaml`` cassette under ``root``; an empty list when clean."""
    values = list(secrets)
    return [
        finding
        for path in sorted(Path(root).rglob("*.yaml"))
        for finding in scan_cassette(path, secrets=values)
    ]
