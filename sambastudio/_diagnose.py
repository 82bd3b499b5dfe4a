"""Why a platform call was refused, when the settings explain it: the key or the tenant.

A 401 says where the access key came from (never the key). A 403 or 404 while a tenant is
set may mean the tenant is wrong: then one more request, on this failure path only, lists
the tenants the key can see without the tenant cookie. If the tenant is among them, the
error was about something else and stays as it is (and the tenant is not checked again on
that connection pool); if not, the error says which tenants the key can see. When that
request fails too, a 403 (or a 404 whose words blame the tenant) says how to list them; any
other 404 is left as the server said it, since it most likely concerns the resource.

Only errors that can reach the caller are diagnosed. A request whose 404 the SDK takes
for an answer (a search that finds no such name, an upload-status probe, a checkpoint
looked up by name) is sent with ``expected_statuses`` (``Client._look_up``,
``Pipeline.send``): its error is raised undiagnosed, so the SDK's own lookups cost no
side request. That is decided where the request is sent, not where the error leaves the
public API, because the call site is the one place that knows the 404 is expected.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import requests

from sambastudio import _hints as hints
from sambastudio._routes import WireRequest
from sambastudio.errors import APIStatusError, AuthenticationError, SambaStudioError

if TYPE_CHECKING:
    from sambastudio._pipeline import Pipeline

TENANT_STATUSES = frozenset({403, 404})

_confirmed: weakref.WeakKeyDictionary[requests.Session, str] = weakref.WeakKeyDictionary()
"""The tenant each session is known to be allowed in, so a 404 costs no second look."""


def explained(error: APIStatusError, transport: Pipeline, request: WireRequest) -> APIStatusError:
    """``error`` with advice when the key or the tenant explains it."""
    settings = transport.settings
    if request.auth != "platform":
        return error
    if isinstance(error, AuthenticationError):
        return error.advise(hints.replace_key(settings.access_key_source))
    tenant = settings.tenant
    if not tenant or error.status_code not in TENANT_STATUSES:
        return error
    if _confirmed.get(transport.session) == tenant:
        return error
    visible = visible_tenants(transport)
    if visible is None:
        # Unverifiable: a 404 is most often the resource, unless the server blames the tenant.
        if error.status_code == 404 and "tenant" not in error.problem.lower():
            return error
        return error.advise(hints.choose_tenant(tenant, None))
    if tenant in visible:
        _confirmed[transport.session] = tenant
        return error
    return error.advise(hints.choose_tenant(tenant, sorted(set(visible.values()))))


def visible_tenants(transport: Pipeline) -> dict[str, str] | None:
    """The tenants the key can see, by id and by name (each to its name); ``None`` if
    they cannot be listed. Sent without the tenant cookie, over the same connections."""
    from sambastudio._pipeline import Pipeline  # it imports this module

    session = requests.Session()
    for prefix, adapter in transport.session.adapters.items():
        session.mount(prefix, adapter)  # shares the pool; this session is never closed
    settings = attrs.evolve(transport.settings, tenant=None, max_retries=0)
    try:
        pipeline = Pipeline(settings, session=session, routes=transport.routes)
        answer = pipeline.request(transport.routes["list_tenants"].bind())
        return _names(answer.json())
    except SambaStudioError:
        return None


def _names(body: Any) -> dict[str, str]:
    from sambastudio._envelopes import list_of

    found: dict[str, str] = {}
    for entry in list_of(body, "tenants"):
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("tenant_name") or entry.get("name")
        ident = entry.get("tenant_id") or entry.get("id")
        if name:
            found[str(name)] = str(name)
            if ident:
                found[str(ident)] = str(name)
    return found
