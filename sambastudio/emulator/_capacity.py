"""RDU capacity: a tenant's jobs and endpoints share its RDUs, and wait for them in turn.

Each run of a job and each deployment of an endpoint *claims* RDUs (instances times the RDUs
of its ``rdu_arch``) from a moment on. A claim is granted when it fits in what the
tenant's holders leave free (``rdu_node_count`` times :data:`RDUS_PER_NODE`), first come first
served: the first waiting claim holds back the ones after it until it fits, so a large
claim is not starved by small ones (a claim larger than the whole tenant waits without blocking). A
granted claim holds its RDUs until it is released: a job's run when it ends or stops, an endpoint's
deployment when it fails, stops, redeploys or is deleted.

Like the rest of the emulator, grants are derived from the clock, not driven by a thread:
:func:`settle` replays what happened since it last ran (grants at the moment capacity
freed, in emulated time) and stores the grants. Everything that changes a tenant's claims
settles it first, so a replay never rewrites history it has already shown.

Claims live in the documents of their kinds; each kind registers (:func:`register`) how to
read its claims and how to record a grant, so this module imports neither.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from sambastudio.emulator._state import EmulatorState
from sambastudio.emulator._store import GLOBAL

RDUS_PER_NODE = 8
NEVER = math.inf


def rdus_of(arch: str) -> int:
    """The RDUs one instance of ``arch`` takes: ``SN40L-16`` → 16, a bare arch one node."""
    tail = arch.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else RDUS_PER_NODE


def capacity(tenant: dict[str, Any]) -> int:
    return int(tenant["rdu_node_count"]) * RDUS_PER_NODE


@attrs.frozen
class Claim:
    """RDUs a resource asks for from ``requested_at``; ``granted_at`` once it holds them.

    ``release`` is when a claim granted at a given time lets its RDUs go (``NEVER`` while
    nothing ends it); ``withdrawn`` says an ungranted claim no longer waits (stopped).
    """

    kind: str
    doc_id: str
    index: int
    rdus: int
    requested_at: float
    granted_at: float | None
    release: Callable[[float], float]
    withdrawn: bool = False

    def holds_at(self, time: float) -> bool:
        return self.granted_at is not None and self.granted_at <= time < self.release(
            self.granted_at
        )


ReadClaims = Callable[[dict[str, Any]], list[Claim]]
RecordGrant = Callable[[dict[str, Any], int, float], dict[str, Any]]
"""``(document, claim index, grant time)`` → the changes to store in the document."""

_KINDS: dict[str, tuple[ReadClaims, RecordGrant]] = {}


def register(kind: str, read: ReadClaims, record: RecordGrant) -> None:
    """Declare that documents of ``kind`` claim RDUs."""
    _KINDS[kind] = (read, record)


def schedule(
    total: int,
    claims: Iterable[Claim],
    since: float,
    now: float,
    arrival: Mapping[str, int] | None = None,
) -> tuple[list[tuple[Claim, float]], float]:
    """The grants to make, in order: each waiting claim at the first moment (from ``since``
    to ``now``) it fits, first come first served; and the next moment after ``now`` a
    grant may come (``NEVER`` when none waits that could ever fit).

    Claims made at the same emulated moment (a frozen clock) are served in ``arrival``
    order (:func:`ticket` of each document), not by the luck of their ids."""
    order = arrival or {}
    holders = [claim for claim in claims if claim.granted_at is not None]
    waiting = sorted(
        (c for c in claims if c.granted_at is None and not c.withdrawn and c.rdus <= total),
        key=lambda c: (c.requested_at, order.get(ticket(c.kind, c.doc_id), 0), c.index),
    )
    spans = [
        (c.rdus, start, c.release(start)) for c in holders if (start := c.granted_at) is not None
    ]
    grants: list[tuple[Claim, float]] = []
    time = since
    for claim in waiting:
        time = max(time, claim.requested_at)
        while time <= now:
            in_use = sum(rdus for rdus, start, end in spans if start <= time < end)
            if in_use + claim.rdus <= total:
                grants.append((claim, time))
                spans.append((claim.rdus, time, claim.release(time)))
                break
            time = min((end for _, _, end in spans if end > time), default=NEVER)
        else:
            return grants, time
    return grants, NEVER


def ticket(kind: str, doc_id: str) -> str:
    """The key of a document's place in its tenant's arrival order."""
    return f"{kind}:{doc_id}"


def _meta_id(tenant_id: str) -> str:
    return f"rdu:{tenant_id}"


def _meta(state: EmulatorState, tenant_id: str) -> dict[str, Any]:
    """The tenant's book: the documents whose claims wait or hold, what was settled up to
    (``since``) and the next moment a grant may come (``next``)."""
    meta = state.store.get("meta", _meta_id(tenant_id), tenant_id=GLOBAL)
    if meta is None:
        doc = {"id": _meta_id(tenant_id), "waiting": [], "holding": [], "since": 0.0}
        meta = state.store.insert("meta", {**doc, "next": NEVER}, tenant_id=GLOBAL)
    return meta


def request(state: EmulatorState, tenant_id: str, kind: str, doc_id: str, at: float) -> None:
    """Note that a document of the tenant claims RDUs from ``at`` (call after storing it)."""
    with state.store.transaction():
        meta = _meta(state, tenant_id)
        entry = [kind, doc_id]
        waiting = meta["waiting"] + ([entry] if entry not in meta["waiting"] else [])
        arrival = dict(meta.get("arrival", {}))
        arrival.setdefault(ticket(kind, doc_id), max(arrival.values(), default=-1) + 1)
        changes = {"waiting": waiting, "arrival": arrival, "next": min(meta["next"], at)}
        state.store.update("meta", meta["id"], changes)


def wake(state: EmulatorState, tenant_id: str) -> None:
    """Note that the tenant's RDUs changed now (a release, a new capacity): waiting claims
    may fit from now on, never earlier (call after settling, then changing, the tenant)."""
    with state.store.transaction():
        meta, now = _meta(state, tenant_id), state.now()
        changes = {"since": max(meta["since"], now), "next": min(meta["next"], now)}
        state.store.update("meta", meta["id"], changes)


def _claims(state: EmulatorState, entries: Iterable[list[str]]) -> list[Claim]:
    found: list[Claim] = []
    for kind, doc_id in {tuple(entry) for entry in entries}:
        doc = state.store.get(kind, doc_id)
        if doc is not None:
            found.extend(_KINDS[kind][0](doc))
    return found


def settle(state: EmulatorState, tenant_id: str) -> None:
    """Grant, at the moments they fitted, the tenant's waiting claims that fit by now."""
    meta = state.store.get("meta", _meta_id(tenant_id), tenant_id=GLOBAL)
    if meta is None or not meta["waiting"] or state.now() < meta["next"]:
        return
    with state.store.transaction():
        meta, tenant = _meta(state, tenant_id), state.tenant(tenant_id)
        if tenant is None:
            return
        now = state.now()
        tracked = meta["waiting"] + meta["holding"]
        arrival = meta.get("arrival", {})
        grants, after = schedule(
            capacity(tenant), _claims(state, tracked), meta["since"], now, arrival
        )
        for claim, time in grants:
            doc = state.store.get(claim.kind, claim.doc_id)
            if doc is not None:
                changes = _KINDS[claim.kind][1](doc, claim.index, time)
                state.store.update(claim.kind, doc["id"], changes)
        claims = _claims(state, tracked)
        waiting = {(c.kind, c.doc_id) for c in claims if _waits(c)}
        holding = {(c.kind, c.doc_id) for c in claims if _holds_after(c, now)}
        changes = {
            "waiting": sorted(list(entry) for entry in waiting),
            "holding": sorted(list(entry) for entry in holding),
            "arrival": {
                key: place
                for key, place in arrival.items()
                if tuple(key.split(":", 1)) in waiting | holding
            },
            "since": now,
            "next": after,
        }
        state.store.update("meta", meta["id"], changes)


def _holds_after(claim: Claim, time: float) -> bool:
    return claim.granted_at is not None and claim.release(claim.granted_at) > time


def _waits(claim: Claim) -> bool:
    return claim.granted_at is None and not claim.withdrawn


def used(state: EmulatorState, tenant_id: str) -> int:
    """The RDUs the tenant's claims hold now (never more than its capacity)."""
    settle(state, tenant_id)
    meta = state.store.get("meta", _meta_id(tenant_id), tenant_id=GLOBAL)
    if meta is None:
        return 0
    now = state.now()
    return sum(c.rdus for c in _claims(state, meta["holding"]) if c.holds_at(now))
