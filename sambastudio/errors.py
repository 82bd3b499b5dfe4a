"""Every error the SDK raises, rooted at :class:`SambaStudioError`.

Messages say what failed and what the server said, and never hold a secret: text that
echoes a request or a response goes through :func:`sambastudio._redact.mask_text`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from sambastudio import _hints
from sambastudio._bodies import ERROR_BODY_BYTES, read_at_most
from sambastudio._hints import Audience, Hint
from sambastudio._redact import (
    mask_text,
    redact_headers,
    redact_json,
    secret_header_values,
    secret_json_values,
)

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AmbiguousNameError",
    "ArchiveLimitError",
    "ArgumentTypeError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "EndpointFailed",
    "InternalServerError",
    "InvalidArgumentError",
    "JobFailed",
    "LimitExceededError",
    "MissingDependencyError",
    "NameNotFoundError",
    "NotFoundError",
    "PathArgumentError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResourceFailed",
    "ResponseDecodeError",
    "SambaStudioError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "UnsafeArchiveError",
    "UploadError",
    "WaitTimeout",
    "error_from_response",
]

if TYPE_CHECKING:  # at run time, the package loads without the HTTP stack (pytest plugin)
    import requests
    from typing_extensions import Self

_SNIPPET = 200
"""How much of a non-JSON error body a message quotes."""

_E = TypeVar("_E", bound=BaseException)


def _restore(cls: type[_E], args: tuple[Any, ...]) -> _E:
    error = cls.__new__(cls)
    error.args = args
    return error


class SambaStudioError(Exception):
    """The root of the tree: ``except SambaStudioError`` catches everything the SDK raises."""

    hint: Hint | None = None
    """What to do about it, for Python code and for a shell (:mod:`sambastudio._hints`);
    ``str(error)`` ends with the Python rendering."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def problem(self) -> str:
        """What went wrong, without the advice."""
        return str(self.__dict__.get("_problem", self.message))

    def advise(self, hint: Hint | None) -> Self:
        """Add ``hint`` to this error (its message then ends with the Python rendering)."""
        if hint is not None:
            self._problem = self.problem
            self.hint = hint
            self.message = self.message_for("python")
            self.args = (self.message, *self.args[1:])
        return self

    def message_for(self, audience: Audience) -> str:
        """The message with the advice rendered for ``audience`` (``python`` or ``shell``)."""
        if self.hint is None:
            return self.message
        problem = self.problem
        joint = " " if problem.endswith((".", "?", "!")) else ". "
        return f"{problem}{joint}{self.hint.render(audience)}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take keyword arguments, so rebuild from the state rather than by
        # calling __init__ again: errors then cross process boundaries (multiprocessing).
        # A pickle may be logged, queued or stored: it keeps what the server answered, never
        # what the request carried (the key header, a password in the body, the transport).
        return (_restore, (type(self), self.args), _shareable_state(self.__dict__))

    def _repr_html_(self) -> str:
        """The error in Jupyter: its type, status, request id and message, escaped."""
        from sambastudio._display import error_html

        return error_html(self)


def _shareable_state(state: dict[str, Any]) -> dict[str, Any]:
    """An error's attributes with the response's request reduced to its method and path."""
    response = state.get("response")
    if response is None:
        return state
    secrets = _sent_secrets(response.request)
    shared = dict(state)
    shared["response"] = _shareable_response(response, secrets)
    if "body" in state:
        shared["body"] = _masked_body(state["body"], secrets)
    return shared


def _masked_body(body: object, secrets: list[str]) -> object:
    if isinstance(body, str):
        return mask_text(body, secrets)
    return json.loads(mask_text(json.dumps(redact_json(body)), secrets))


def _shareable_response(response: requests.Response, secrets: list[str]) -> requests.Response:
    """A copy of ``response`` fit to pickle: body masked, request without headers or body."""
    import requests  # loaded already: this error holds one of its responses

    shared = requests.Response()
    shared.status_code = response.status_code
    shared.reason = response.reason
    shared.url = mask_text(response.url or "", secrets)
    shared.encoding = response.encoding
    shared.elapsed = response.elapsed
    shared.headers = requests.structures.CaseInsensitiveDict(redact_headers(response.headers))
    if response.request is not None:
        request = requests.PreparedRequest()
        request.method = response.request.method
        request.url = mask_text(response.request.url or "", secrets)
        request.headers = requests.structures.CaseInsensitiveDict()
        shared.request = request
    read = getattr(response, "_content", None)  # False while a streamed body is unread
    content = read if isinstance(read, bytes) else b""
    shared._content = mask_text(content.decode("utf-8", "replace"), secrets).encode()
    return shared


class ConfigurationError(SambaStudioError):
    """The host, the key or a config file is missing or wrong; nothing was sent."""


class InvalidArgumentError(SambaStudioError, ValueError):
    """A bad argument found before any request was sent."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(message)
        self.argument = argument


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type (a string where a list is expected, ``"yes"`` for a
    boolean), found before any request; a ``TypeError`` and an ``InvalidArgumentError``."""


class MissingDependencyError(SambaStudioError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


class PathArgumentError(InvalidArgumentError):
    """A name or id that would address another resource in the URL: empty, ``.``, ``..``
    or holding ``/``. Raised before any request."""


class APIConnectionError(SambaStudioError):
    """No HTTP response: the connection failed, dropped, or TLS was refused."""

    def __init__(self, message: str, *, method: str, path: str) -> None:
        super().__init__(message)
        self.method = method
        self.path = path


class APITimeoutError(APIConnectionError):
    """The server did not connect or answer within the timeout."""


class APIStatusError(SambaStudioError):
    """The server answered with an error status; ``body`` is its parsed JSON, or text.

    A grpc-gateway answer (``{code, message, details}``, api-evidence §1.3 and §7) also
    gives ``code`` (the grpc code, an int), ``server_message`` and ``details``;
    ``correlation_id`` is the id SambaStudio's support asks for (the answer's
    ``correlation_id``, the one an internal error's details cite, or the
    ``x-correlation-id`` header).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        body: object = None,
        response: requests.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.body = body
        self.response = response
        grpc = _grpc_fields(body)
        self.code: int | None = grpc.code
        self.server_message: str | None = grpc.message
        self.details: list[Any] = grpc.details
        self.correlation_id: str | None = grpc.correlation_id or request_id


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: the access key (or endpoint key) is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but its user may not do this (an admin route, another tenant)."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409: usually a name that is already taken."""


class UnprocessableEntityError(APIStatusError):
    """422: the server refused the body's fields."""


class RateLimitError(APIStatusError):
    """429."""


class InternalServerError(APIStatusError):
    """Any 5xx."""


class NameNotFoundError(NotFoundError):
    """No resource of this kind has this name; found client-side, so there is no response."""

    def __init__(
        self, kind: str, name: str, *, scope: str = "", suggestions: Sequence[str] = ()
    ) -> None:
        where = f" in {scope}" if scope else ""
        close = " or ".join(repr(found) for found in suggestions)
        guess = f"; did you mean {close}?" if close else ""
        super().__init__(f"no {kind} named {name!r}{where}{guess}", status_code=404)
        self.kind = kind
        self.name = name
        self.scope = scope
        self.suggestions = list(suggestions)


class AmbiguousNameError(SambaStudioError):
    """Several resources share a name; the caller must pass an id."""

    def __init__(self, kind: str, name: str, ids: Sequence[str]) -> None:
        super().__init__(
            f"{len(ids)} {kind} resources are named {name!r} (ids: {', '.join(ids)}); "
            "pass an id instead"
        )
        self.kind = kind
        self.name = name
        self.ids = list(ids)


def _describe(resource: object) -> str:
    label = getattr(resource, "name", None) or getattr(resource, "id", None)
    kind = type(resource).__name__
    return f"{kind} {label!r}" if label else kind


class WaitTimeout(SambaStudioError):  # noqa: N818 - the public name of the design
    """A ``wait...`` call ran out of time; the resource may still finish later.

    ``waiting_for_capacity`` says it was still waiting for its tenant's RDUs (PENDING_RDU,
    AwaitingRDU): other work holds them, so waiting longer or freeing some is the remedy.
    """

    def __init__(
        self,
        resource: object,
        seconds: float,
        last_status: str | None,
        *,
        waiting_for_capacity: bool = False,
    ) -> None:
        message = f"gave up waiting for {_describe(resource)} after {seconds:g} s"
        if waiting_for_capacity:
            message += (
                f" while it waited for RDU capacity (last status: {last_status}): the "
                "tenant's RDUs are held by other jobs and endpoints; free some, or wait longer"
            )
        else:
            message += f" (last status: {last_status})"
        super().__init__(message)
        self.resource = resource
        self.seconds = seconds
        self.last_status = last_status
        self.waiting_for_capacity = waiting_for_capacity


class ResourceFailed(SambaStudioError):  # noqa: N818 - the family of JobFailed/EndpointFailed
    """Long-running work ended in a failure state; carries the resource and the server's words."""

    def __init__(self, resource: object, server_message: str | None) -> None:
        status = getattr(resource, "status", None)
        reason = f": {mask_text(server_message)}" if server_message else ""
        super().__init__(f"{_describe(resource)} ended with status {status}{reason}")
        self.resource = resource
        self.server_message = server_message


def _label(resource: object, field: str = "name") -> str:
    return str(getattr(resource, field, None) or getattr(resource, "id", None) or "?")


class JobFailed(ResourceFailed):
    """A job ended in FAILED (or EXIT_WITH_1); the message points to its logs."""

    def __init__(self, resource: object, server_message: str | None) -> None:
        super().__init__(resource, server_message)
        self.advise(_hints.job_logs(_label(resource, "project_id"), _label(resource)))

    @property
    def job(self) -> object:
        return self.resource


class EndpointFailed(ResourceFailed):
    """An endpoint ended in a failed state instead of Live; a stopped one says how to
    start it again."""

    def __init__(self, resource: object, server_message: str | None) -> None:
        super().__init__(resource, server_message)
        if getattr(resource, "status", None) == "Stopped":
            project = _label(resource, "project_id")
            self.advise(_hints.start_endpoint(project, _label(resource)))

    @property
    def endpoint(self) -> object:
        return self.resource


class UploadError(SambaStudioError):
    """A dataset upload could not be completed (a part, a checksum, the final assembly)."""


class UnsafeArchiveError(SambaStudioError):
    """A downloaded archive holds a member that would land outside the destination."""


class LimitExceededError(SambaStudioError):
    """An answer crossed a bound of :class:`sambastudio.Limits`; ``limit`` names the setting."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit
        self.advise(_hints.raise_limit(limit))


class ArchiveLimitError(UnsafeArchiveError, LimitExceededError):
    """A downloaded archive would unpack to more bytes, or inflate more, than allowed."""


class UnexpectedResponseError(SambaStudioError):
    """An answer does not have the shape the SDK expects (a missing or mistyped field).

    The message names the fields and what is wrong with them, never their values.
    """


class ResponseDecodeError(SambaStudioError):
    """A response body is not the JSON it should be."""

    def __init__(self, message: str, *, response: requests.Response) -> None:
        super().__init__(message)
        self.response = response


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


_CITED_ID = re.compile(r"correlation ID ([0-9A-Za-z-]+)", re.IGNORECASE)


class _Grpc(NamedTuple):
    code: int | None
    message: str | None
    details: list[Any]
    correlation_id: str | None


def _grpc_fields(body: object) -> _Grpc:
    """The grpc-gateway fields of an error body (snapi's variant sends ``code`` as a string)."""
    if not isinstance(body, dict):
        return _Grpc(None, None, [], None)
    raw_code, message = body.get("code"), body.get("message")
    code = int(str(raw_code)) if str(raw_code).lstrip("-").isdigit() else None
    details = body.get("details")
    details = details if isinstance(details, list) else []
    cited = body.get("correlation_id")
    for item in details:
        found = _CITED_ID.search(str(item.get("message", ""))) if isinstance(item, dict) else None
        cited = cited or (found.group(1) if found else None)
    return _Grpc(code, message if isinstance(message, str) else None, details, cited or None)


def _error_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)


def request_id_of(response: requests.Response) -> str | None:
    """The id the server gave this request, for support tickets and log correlation."""
    headers = response.headers
    return headers.get("x-request-id") or headers.get("x-correlation-id")


def describe_request(response: requests.Response) -> str:
    """``"GET /api/projects"``: the method and path a response answers (no host, no query)."""
    request = response.request
    if request is None:  # a Response built by hand, as in a test
        return "request"
    return f"{request.method} {urlsplit(request.url or '').path}"


def _server_words(body: object) -> str:
    """What the server said, in either error format, or the start of a non-JSON body."""
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, list):  # FastAPI validation errors: [{loc, msg, type}]
            return "; ".join(_validation_item(item) for item in detail)
        if detail:
            return str(detail)
        error = body.get("error")  # OpenAI-compatible routes: {"error": {"message": ...}}
        if isinstance(error, dict):
            error = error.get("message")
        parts = [body.get("message") or error]
        details = body.get("details")
        if isinstance(details, list):
            parts += [item.get("message") for item in details if isinstance(item, dict)]
        words = "; ".join(str(part) for part in parts if part)
        if words:
            return words
    text = body if isinstance(body, str) else json.dumps(redact_json(body))
    text = " ".join(text.split())
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "..."


def _validation_item(item: object) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = ".".join(str(part) for part in item.get("loc", ()))
    return f"{where}: {item.get('msg')}" if where else str(item.get("msg"))


def _parse_body(response: requests.Response, max_bytes: int) -> object:
    """The body (its first ``max_bytes``) as JSON when it parses, else as text; ``None``
    when empty. A body cut at ``max_bytes`` is no JSON: its start is quoted as text."""
    with suppress(OSError):  # a body that broke off (requests' errors are OSErrors)
        read_at_most(response, max_bytes)
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, RecursionError):  # not JSON, or nested too deep to decode
        return response.text


def _sent_secrets(request: requests.PreparedRequest | None) -> list[str]:
    """The credentials a request carried, in its headers or its JSON body."""
    if request is None:
        return []
    secrets = secret_header_values(request.headers)
    is_json = "json" in request.headers.get("content-type", "")
    if is_json and isinstance(request.body, (bytes, str)):
        with suppress(ValueError):
            secrets += secret_json_values(json.loads(request.body))
    return secrets


def error_from_response(
    response: requests.Response, *, max_bytes: int = ERROR_BODY_BYTES
) -> APIStatusError:
    """The exception for an error response: its class by status, its message in plain words.

    The message names the method, path and status, says what the server said, and carries
    the request id; any secret the request sent is masked, even if the server echoed it.
    Only the first ``max_bytes`` of an unread body are read (``Limits.max_error_bytes``).
    """
    status = response.status_code
    body = _parse_body(response, max_bytes)
    request_id = request_id_of(response)
    message = f"{describe_request(response)} returned {status}"
    if response.reason:
        message += f" {response.reason}"
    words = _server_words(body) if body is not None else ""
    if words:
        message += f": {words}"
    grpc = _grpc_fields(body)
    if grpc.code is not None:
        message += f" (grpc code {grpc.code})"
    if request_id:
        message += f" (request id {request_id})"
    if grpc.correlation_id and grpc.correlation_id != request_id:
        message += f" (correlation id {grpc.correlation_id})"
    return _error_class(status)(
        mask_text(message, _sent_secrets(response.request)),
        status_code=status,
        request_id=request_id,
        body=body,
        response=response,
    )
