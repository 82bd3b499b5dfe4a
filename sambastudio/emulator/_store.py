"""A small SQLite document store: every emulated resource is one JSON document.

One table holds every kind of document, keyed by ``(kind, id)``, with the columns the
emulator filters on (``tenant_id``, ``parent_id``, ``name``) pulled out of the JSON. One
connection guarded by a re-entrant lock serves every thread: SQLite serialises writers
anyway, and a single connection makes ``:memory:`` databases shareable. A file database runs
in WAL mode with ``synchronous=FULL``, so a write that returned is on disk and survives a
``kill -9``.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GLOBAL = ""
"""The ``tenant_id`` of documents every tenant sees (the seeded catalogue, tenants, users)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    name TEXT,
    body TEXT NOT NULL,
    UNIQUE (kind, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS docs_name ON docs (kind, tenant_id, parent_id, name);
CREATE INDEX IF NOT EXISTS docs_scope ON docs (kind, tenant_id, parent_id);
CREATE INDEX IF NOT EXISTS docs_parent ON docs (kind, parent_id);
"""


class Conflict(Exception):  # noqa: N818 (the name the emulator's modules share)
    """A document of this kind already has this name (or id) in the same tenant and parent."""

    def __init__(self, kind: str, name: str, parent_id: str | None = None) -> None:
        self.kind, self.name, self.parent_id = kind, name, parent_id
        super().__init__(f"{kind} with {name} name already exists")


class Missing(KeyError):  # noqa: N818
    """No document of this kind has this id."""

    def __init__(self, kind: str, id: str) -> None:
        self.kind, self.id = kind, id
        super().__init__(f"{kind} {id} not found")


class Store:
    """JSON documents in SQLite, in memory (``path=None``) or in a file.

    Every document is a dict with an ``"id"`` (str) and usually a ``"name"`` (str); a
    ``None`` or missing name is never unique-checked. ``tenant_id`` :data:`GLOBAL` marks a
    document visible from every tenant. Each call is atomic; :meth:`transaction` groups
    several into one.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.RLock()
        self._depth = 0
        self._db = sqlite3.connect(
            str(path) if path is not None else ":memory:",
            check_same_thread=False,
            isolation_level=None,
        )
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a group of calls atomically: all of them are written, or none.

        The store's lock is held throughout, so a read-then-write inside cannot race another
        thread. Nested transactions join the outer one.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    def insert(
        self,
        kind: str,
        doc: dict[str, Any],
        *,
        tenant_id: str,
        parent_id: str | None = None,
    ) -> dict[str, Any]:
        """Store a new document and return it.

        Raises :class:`Conflict` when the id exists, or when the name is taken by another
        document of the same kind, tenant and parent.
        """
        name = doc.get("name")
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO docs (kind, id, tenant_id, parent_id, name, body) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (kind, doc["id"], tenant_id, parent_id or "", name, json.dumps(doc)),
                )
            except sqlite3.IntegrityError:
                raise Conflict(kind, str(name or doc["id"]), parent_id) from None
        return doc

    def get(
        self,
        kind: str,
        id_or_name: str,
        *,
        tenant_id: str | None = None,
        parent_id: str | None = None,
    ) -> dict[str, Any] | None:
        """The document with this id, else the only one with this name, else ``None``.

        ``tenant_id`` and ``parent_id`` narrow the search when given. A name shared by
        several documents (possible only across tenants or parents) finds nothing.
        """
        where, params = self._scope(kind, tenant_id, parent_id)
        with self._lock:
            rows = self._db.execute(
                f"SELECT body FROM docs WHERE {where} AND id = ?",  # noqa: S608
                (*params, id_or_name),
            ).fetchall()
            if not rows:
                rows = self._db.execute(
                    f"SELECT body FROM docs WHERE {where} AND name = ? LIMIT 2",  # noqa: S608
                    (*params, id_or_name),
                ).fetchall()
        return json.loads(rows[0][0]) if len(rows) == 1 else None

    def list(
        self,
        kind: str,
        *,
        tenant_id: str | None = None,
        parent_id: str | None = None,
    ) -> builtins.list[dict[str, Any]]:
        """The documents of a kind in creation order, narrowed by tenant and parent."""
        where, params = self._scope(kind, tenant_id, parent_id)
        with self._lock:
            rows = self._db.execute(
                f"SELECT body FROM docs WHERE {where} ORDER BY seq",  # noqa: S608
                params,
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def names(
        self,
        kind: str,
        *,
        tenant_id: str | None = None,
        parent_id: str | None = None,
    ) -> builtins.list[tuple[str, str | None]]:
        """``(id, name)`` of the documents :meth:`list` would return, without reading them."""
        where, params = self._scope(kind, tenant_id, parent_id)
        with self._lock:
            rows = self._db.execute(
                f"SELECT id, name FROM docs WHERE {where} ORDER BY seq",  # noqa: S608
                params,
            ).fetchall()
        return [(str(row[0]), row[1]) for row in rows]

    def update(self, kind: str, id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge ``changes`` into a document (top-level keys) and return the result.

        Raises :class:`Missing` when there is no such document and :class:`Conflict` when a
        new name is taken.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT body, parent_id FROM docs WHERE kind = ? AND id = ?", (kind, id)
            ).fetchone()
            if row is None:
                raise Missing(kind, id)
            doc = {**json.loads(row[0]), **changes}
            try:
                self._db.execute(
                    "UPDATE docs SET name = ?, body = ? WHERE kind = ? AND id = ?",
                    (doc.get("name"), json.dumps(doc), kind, id),
                )
            except sqlite3.IntegrityError:
                raise Conflict(kind, str(doc.get("name")), row[1] or None) from None
        return doc

    def delete(self, kind: str, id: str) -> None:
        """Remove a document; removing one that is gone already is harmless."""
        with self._lock:
            self._db.execute("DELETE FROM docs WHERE kind = ? AND id = ?", (kind, id))

    def last_seq(self) -> int:
        """How many documents were ever inserted (a number that only grows)."""
        with self._lock:
            row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'docs'").fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _scope(
        kind: str, tenant_id: str | None, parent_id: str | None
    ) -> tuple[str, tuple[str, ...]]:
        where, params = ["kind = ?"], [kind]
        if tenant_id is not None:
            where.append("tenant_id = ?")
            params.append(tenant_id)
        if parent_id is not None:
            where.append("parent_id = ?")
            params.append(parent_id)
        return " AND ".join(where), tuple(params)
