"""What every ``SnSdk`` method shares: construction, the call path and argument helpers.

A method binds its route of :mod:`sambastudio._routes` and sends it through the same
:class:`~sambastudio._pipeline.Pipeline` the object model uses (one session, one retry
policy, one auth code path); only the result differs: the raw JSON dict, never an exception.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from typing import Any, TypeAlias

import attrs
import requests

from sambastudio._config import Settings
from sambastudio._limits import limits_from_env
from sambastudio._overrides import answer_of, resolve_routes
from sambastudio._pipeline import Pipeline
from sambastudio._redact import is_secret_field, remember_secret
from sambastudio.compat._envelope import (
    CONNECTION_FAILED,
    TIMED_OUT,
    envelope,
    failure_dict,
    refused_dict,
    response_dict,
    without_sent_secrets,
)
from sambastudio.compat._migration import warn_deprecated
from sambastudio.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    PathArgumentError,
)
from sambastudio.transfers import download as _download

JSONDict: TypeAlias = dict[str, Any]
Hyperparams: TypeAlias = str | Mapping[str, Any]
"""Hyperparameters as SnSdk callers pass them: a JSON string (sent as is) or a mapping."""

DEFAULT_USER_AGENT = "SambaStudioSDK/23.11.2"

NOT_LOGGED_IN = 401
"""``status_code`` of the dict a call that needs the access key returns before ``login``."""
_NO_KEY = "no-access-key-yet"
"""Stands in the settings of an ``SnSdk`` built without a key; it is never sent: every call
that needs a key answers :data:`NOT_LOGGED_IN` until ``login`` installs one."""

SNAPI_COMMANDS = frozenset(
    {"app", "checkpoint", "config", "dataset", "endpoint", "export", "import", "job"}
    | {"model", "project", "tenant", "user", "version"}
)
"""The snapi CLI's command groups (api-evidence.md §4): the values ``command`` takes."""


def _is_command(value: str) -> bool:
    words = value.split()
    if words[:1] == ["snapi"]:
        words = words[1:]
    return bool(words) and words[0] in SNAPI_COMMANDS


def _tenant_in_command(command: str | None, tenant_id: str | None) -> str | None:
    """The tenant a third positional argument meant, if it is one (with a warning).

    The seed puts ``command`` third; the 2025 SnSdk and SambaStudio's own example put
    ``tenant_id`` there. A value that is not a snapi command is a tenant: dropping it
    would send every call to the wrong tenant without a word.
    """
    if not command or tenant_id is not None or _is_command(command):
        return tenant_id
    warnings.warn(
        f"SnSdk's third positional argument is `command`, but {command!r} is not a snapi "
        f"command: it is used as tenant_id. Pass tenant_id={command!r} by keyword to say "
        "so (docs/migration-shim.md).",
        UserWarning,
        stacklevel=3,
    )
    return command


class SnSdkBase:
    """Construction, public attributes and the one call path of :class:`SnSdk`."""

    def __init__(
        self,
        host_url: str,
        access_key: str,
        command: str | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        *,
        tenant_id: str | None = None,
        disable_ssl_verify: bool = False,
    ) -> None:
        tenant_id = _tenant_in_command(command, tenant_id)
        # A deployment fact, like the host: SAMBASTUDIO_ROUTES corrects the wire contract.
        self._routes = resolve_routes(config_dir=False)
        self._host_url = host_url
        self._has_key = bool(access_key.strip())  # legacy scripts pass "" and login() later
        settings = Settings(
            host_url=host_url,
            access_key=access_key if self._has_key else _NO_KEY,
            tenant=tenant_id,
            verify=not disable_ssl_verify,
            user_agent=user_agent,
            limits=limits_from_env(os.environ),  # snapi's signature has no place for them
        )
        self._pipeline = Pipeline(settings, routes=self._routes)

    @property
    def host_url(self) -> str:
        """Base URL of the SambaStudio API service; setting it redirects later calls."""
        return self._host_url

    @host_url.setter
    def host_url(self, host_url: str) -> None:
        settings = attrs.evolve(self._pipeline.settings, host_url=host_url)
        self._pipeline = self._pipeline.with_settings(settings)
        self._host_url = host_url

    @property
    def http_session(self) -> requests.Session:
        """The live ``requests.Session`` every call is sent with (cookies, verify, proxies)."""
        return self._pipeline.session

    @http_session.setter
    def http_session(self, session: requests.Session) -> None:
        self._pipeline.session = session

    def __repr__(self) -> str:
        return f"{type(self).__name__}(host_url={self.host_url!r})"

    def _install_key(self, access_key: str) -> None:
        """Send ``access_key`` from now on (what ``login`` obtained)."""
        settings = attrs.evolve(self._pipeline.settings, access_key=access_key)
        remember_secret(settings.access_key)
        self._pipeline.settings = settings
        self._has_key = True

    def _without_key(self, name: str) -> JSONDict | None:
        """The seed's error dict for a call that needs the access key before there is one."""
        if self._has_key or self._routes[name].auth != "platform":
            return None
        message = f"{name} needs an access key: pass one to SnSdk(), or call login() first"
        return {"detail": message, "status_code": NOT_LOGGED_IN, "headers": {}}

    def _call(self, name: str, /, *, base_url: str | None = None, **arguments: Any) -> JSONDict:
        """Send the route ``name`` bound to ``arguments``; the JSON dict, never an exception."""
        warn_deprecated(name, stacklevel=3)
        route = self._routes[name]
        try:
            wire = route.bind(**arguments)
        except PathArgumentError as exc:
            return refused_dict(exc)
        refused = self._without_key(name)
        if refused is not None:
            return refused
        try:
            response = self._pipeline.send(
                wire, stream=True, raise_for_status=False, base_url=base_url
            )
            answered = response_dict(response, self._pipeline.settings.limits)
        except APIConnectionError as exc:
            return self._failure(exc, arguments)
        result: JSONDict = without_sent_secrets(answered, _secret_arguments(arguments))
        if not route.answer or response.status_code >= 400:
            return result
        meta = {"status_code": result.pop("status_code"), "headers": result.pop("headers")}
        answer = answer_of(route, result)
        return {**answer, **meta} if isinstance(answer, dict) else {"data": answer, **meta}

    def _download(self, name: str, /, dest_dir: str, **arguments: Any) -> JSONDict:
        """Stream the archive of route ``name`` into ``dest_dir``; ``path`` names the file."""
        warn_deprecated(name, stacklevel=3)
        try:
            wire = self._routes[name].bind(**arguments)
        except PathArgumentError as exc:
            return refused_dict(exc)
        refused = self._without_key(name)
        if refused is not None:
            return refused
        try:
            path = _download.download_to_dir(self._pipeline, wire, dest_dir, progress_bar=False)
        except APIStatusError as exc:
            headers = exc.response.headers if exc.response is not None else {}
            return envelope(exc.body, exc.status_code, headers)
        except APIConnectionError as exc:
            return self._failure(exc, arguments)
        return {"path": str(path), "status_code": 200, "headers": {}}

    def _failure(self, exc: APIConnectionError, arguments: Mapping[str, Any]) -> JSONDict:
        status = TIMED_OUT if isinstance(exc, APITimeoutError) else CONNECTION_FAILED
        secrets = [self._pipeline.settings.access_key, *_secret_arguments(arguments).values()]
        return failure_dict(str(exc), status, secrets)


def _secret_arguments(arguments: Mapping[str, Any]) -> dict[str, str]:
    """The arguments that are secrets (AWS credentials, passwords, keys), by name."""
    return {
        name: value
        for name, value in arguments.items()
        if isinstance(value, str) and is_secret_field(name)
    }


def hyperparams_text(hyperparams: Hyperparams | None) -> str | None:
    """Hyperparameters as the JSON string the wire carries; a string is sent as is."""
    if hyperparams is None or isinstance(hyperparams, str):
        return hyperparams
    return json.dumps(dict(hyperparams))
