"""Endpoint API keys: the secrets callers present to an endpoint's predict URLs.

A key's value is shown only by :meth:`ApiKey.reveal`. Its ``id`` is a fingerprint (the
server gives keys no id of their own), its repr and ``model_dump()`` mask it, and every key
the SDK reads is registered with the log and error redaction, so a key echoed by a server
in an error message is masked too.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from typing_extensions import Self

from sambastudio._base import Collection, Resource, Routes, Scope, UnknownStatus
from sambastudio._checks import check_text
from sambastudio._envelopes import object_of
from sambastudio._pagination import Page
from sambastudio._redact import remember_secret
from sambastudio._resolve import not_found, pick_one
from sambastudio._response import APIResponse
from sambastudio.errors import SambaStudioError

ApiKeyStatus = Literal["Active", "Revoked"] | UnknownStatus


def fingerprint(value: str) -> str:
    """A stable id for a key that is safe to log: a prefix of its SHA-256."""
    return "key-" + hashlib.sha256(value.encode()).hexdigest()[:16]


def key_entries(endpoint: Mapping[str, Any]) -> list[dict[str, Any]]:
    """An endpoint record's keys in either generation: ``api_keys[]`` (2025) or ``api_key``.

    2024 servers report one key, the one in use, so it counts as active.
    """
    listed = endpoint.get("api_keys") or []
    entries = [dict(e) for e in listed if isinstance(e, Mapping) and e.get("api_key")]
    single = endpoint.get("api_key")
    if single and all(entry["api_key"] != single for entry in entries):
        entries.insert(0, {"api_key": single, "status": "Active"})
    return entries


def newest_described(keys: list[ApiKey], description: str) -> ApiKey | None:
    """The most recently created key with ``description`` (the last listed of equals)."""
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    described = [
        (key.created_at or oldest, position, key)
        for position, key in enumerate(keys)
        if key.description == description
    ]
    return max(described, key=lambda item: item[:2])[2] if described else None


class ApiKey(Resource):
    """One API key of an endpoint; ``reveal()`` it to call the endpoint yourself."""

    kind: ClassVar[str] = "API key"
    repr_fields: ClassVar[tuple[str, ...]] = ("id", "description", "status")

    id: str
    """A fingerprint of the key, not the key."""
    secret: SecretStr = Field(validation_alias=AliasChoices("api_key", "secret"))
    description: str | None = None
    status: ApiKeyStatus | None = None
    project_id: str | None = None
    endpoint_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _fingerprinted(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        value = data.get("api_key", data.get("secret"))
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if not isinstance(value, str) or not value:
            return data
        remember_secret(value)
        return {**data, "id": fingerprint(value)}

    def reveal(self) -> str:
        """The key itself: the ``key`` header of predict calls, an OpenAI client's api_key."""
        return self.secret.get_secret_value()

    @property
    def is_active(self) -> bool:
        return self.status == "Active"

    def _home(self) -> EndpointApiKeys:
        if not (self.project_id and self.endpoint_id):
            raise SambaStudioError(f"{self!r} does not say which endpoint it belongs to")
        return EndpointApiKeys(self.client, self.project_id, self.endpoint_id)

    def revoke(self) -> Self:
        """Revoke the key: calls presenting it are refused from now on."""
        return self._edit(status="Revoked", description=None)

    def update(self, *, description: str) -> Self:
        """Change the key's description (its status stays as it is)."""
        return self._edit(status=self.status or "Active", description=description)

    def _edit(self, *, status: str, description: str | None) -> Self:
        answer = self._send(
            "edit_endpoint_api_key",
            project_id=self.project_id,
            api_key=self.reveal(),
            status=status,
            description=description,
        )
        return self._absorb_answer(answer)


ApiKeyRef = str | ApiKey
"""A key to call an endpoint with: its value, or the ``ApiKey``."""


class EndpointApiKeys(
    Collection[ApiKey],
    model=ApiKey,
    routes=Routes(list="endpoint_info", list_key="api_keys"),
    scope=Scope(
        parents=("project", "endpoint"), list_args={"project": "project", "endpoint": "endpoint"}
    ),
):
    """``endpoint.api_keys`` (``EndpointApiKeys(client, project_id, endpoint_id)``): list,
    find and create an endpoint's keys, which the server lists in the endpoint's record.

    A 2024 server lists only the key in use; a 2025 one lists every key, revoked ones too.
    """

    def create(self, *, description: str = "", key: str | None = None) -> ApiKey:
        """A new key, registered with the server: the client chooses its value, which is a
        random UUID (as the server expects) unless you pass ``key`` (to rotate to a value
        you manage).

        The new key is the newest one with this ``description`` in the server's answer (or
        in the endpoint's keys, when the answer lists none), not the one whose value equals
        the one sent: a recorded answer holds placeholders, never the value.
        """
        value = str(uuid.uuid4()) if key is None else check_text("key", key)
        return self._create(  # one value for every attempt: a retry cannot add a second key
            "add_endpoint_api_key",
            called=fingerprint(value),
            expected={"description": description},
            answer=lambda answer: self._new_key(answer, description=description, sent=value),
            repeat=lambda: self._build(
                {"api_key": value, "description": description, "status": "Active"}, None
            ),
            project_id=self._within["project"],
            endpoint_id=self._within["endpoint"],
            api_key=value,
            description=description,
        )

    def _named(self, name: str) -> ApiKey | None:
        """A key by its fingerprint (keys have no names): after a lost answer, the one sent."""
        return next((key for key in self.list() if key.id == name), None)

    def _new_key(self, answer: APIResponse, *, description: str, sent: str) -> ApiKey:
        """The key just added: the newest with ``description`` in the answer, else among the
        endpoint's keys; a server that describes no key (2024) has taken the value ``sent``."""
        body = answer.json()
        answered = key_entries(object_of(body)) if isinstance(body, Mapping) else []
        found = newest_described([self._build(entry, answer) for entry in answered], description)
        if found is None:
            listed = self._page(None)
            found = newest_described(list(listed.items), description)
        if found is None:
            new = {"api_key": sent, "description": description, "status": "Active"}
            found = self._build(new, answer)
        return found

    def _page(self, _cursor: object | None) -> Page[ApiKey]:
        # Keys sit in the endpoint's record, in either generation's form (key_entries).
        answer = self._client._request("endpoint_info", **self._list_args())
        entries = key_entries(object_of(answer.json()))
        return Page([self._build(entry, answer) for entry in entries], response=answer)

    def get(self, ref: ApiKeyRef) -> ApiKey:
        """One key, fetched fresh: the object, its id, its value or its description.

        A reference that is no description is reported by its fingerprint: it may be a key.
        """
        wanted = ref.id if isinstance(ref, ApiKey) else ref
        keys = self.list().to_list()
        exact = [key for key in keys if wanted in (key.id, key.reveal())]
        described = [key for key in keys if key.description == wanted]
        safe = isinstance(ref, ApiKey) or (bool(described) and not exact)
        shown = wanted if safe else fingerprint(wanted)
        matches = [key.id for key in exact or described]
        if not matches:  # no suggestions: the reference may be a key, compared to nothing
            raise not_found(ApiKey.kind, shown, names=list, parents=self._parents())
        found = pick_one(ApiKey.kind, shown, matches)
        return next(key for key in keys if key.id == found)

    def _from_answer(self, answer: APIResponse, *, key: str | None = None) -> ApiKey:
        """The key ``key`` (a fingerprint) from an answer that carries it, else fetched."""
        body = answer.json()
        data = object_of(body) if isinstance(body, Mapping) else {}
        for entry in [data, *key_entries(data)]:
            value = entry.get("api_key")
            if isinstance(value, str) and fingerprint(value) == key:
                return self._build(entry, answer)
        return self._fetch(key or "")
