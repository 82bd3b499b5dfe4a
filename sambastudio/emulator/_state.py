"""Everything one emulator instance holds: its configuration, store, clock, files and ids.

Routers reach it through :func:`sambastudio.emulator._routing.state`. Tenants and users
are created here (not in a router) because both the HTTP API and :class:`Emulator` make them.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import attrs
from fastapi import Depends, Request

from sambastudio._routes import ROUTES
from sambastudio.emulator import _catalogue
from sambastudio.emulator._clock import Anchor, Clock, parse_epoch
from sambastudio.emulator._permissions import Role
from sambastudio.emulator._store import GLOBAL, Conflict, Store

Flavor = Literal["current", "legacy"]
Api = Literal["v1", "v2"]
"""Which path family the management routes answer on: the route table's (``v1``) or a
grpc-gateway one under ``/api/v2`` (:mod:`sambastudio.emulator._v2`)."""
ADMIN_USER = "admin"
DEFAULT_TENANT = "default"
DB_NAME = "emulator.sqlite3"


def _route_set(value: Iterable[str] | None) -> frozenset[str] | None:
    return frozenset(value) if value is not None else None


def _check_fault_routes(
    _: object, __: attrs.Attribute[frozenset[str] | None], value: frozenset[str] | None
) -> None:
    unknown = sorted(set(value or ()) - set(ROUTES))
    if unknown:
        raise ValueError(f"fault_routes names unknown routes: {unknown}")


@attrs.frozen(kw_only=True)
class Config:
    """How an emulator runs; the keyword arguments of ``Emulator`` and the CLI flags."""

    host: str = "127.0.0.1"
    port: int = attrs.field(default=8080, validator=attrs.validators.ge(0))
    data_dir: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))
    flavor: Flavor = attrs.field(
        default="current", validator=attrs.validators.in_(("current", "legacy"))
    )
    access_key: str | None = attrs.field(default=None, repr=False)
    speed: float = attrs.field(default=1.0, validator=attrs.validators.ge(0))
    """How much faster than real time emulated time runs; 0 freezes it (only advances move it)."""
    epoch: float | None = attrs.field(
        default=None, converter=attrs.converters.optional(parse_epoch)
    )
    """Where a fresh emulator's time starts (default: now); a data dir keeps its own time."""
    latency_ms: float = attrs.field(default=0, validator=attrs.validators.ge(0))
    fault_rate: float = attrs.field(
        default=0.0, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )
    fault_routes: frozenset[str] | None = attrs.field(
        default=None,
        converter=_route_set,
        validator=_check_fault_routes,
    )
    seed: int | None = None
    rdu_nodes: int = attrs.field(default=4, validator=attrs.validators.ge(0))
    """RDU nodes (8 RDUs each) of each new tenant, the default one included."""
    max_body_bytes: int = attrs.field(default=64 << 20, validator=attrs.validators.gt(0))
    """The largest request body accepted (413 above it); dataset parts have their own
    bound, the chunk size their upload declared."""
    api: Api = attrs.field(default="v1", validator=attrs.validators.in_(("v1", "v2")))
    api_docs: bool = True
    """Whether the API description is served (off: clients must find paths by probing)."""


def tenant_roles(user: dict[str, Any]) -> dict[str, Role]:
    """A user's role in each of its tenants (documents written before roles were held per
    tenant hold one ``role`` for all of them)."""
    roles: dict[str, Role] = user.get("tenant_roles", {})
    return {tenant: roles.get(tenant, user["role"]) for tenant in user["tenants"]}


def key_digest(key: str) -> str:
    """How a secret is looked up in the store without being a key of it."""
    return hashlib.sha256(key.encode()).hexdigest()


class Ids:
    """UUID strings and access keys; the same sequence for the same seed and store.

    The sequence is salted with the store's insert count, so a restarted persistent
    emulator does not hand out the ids it handed out before.
    """

    def __init__(self, seed: int | None, salt: int) -> None:
        self._rng = random.Random(f"{seed}:{salt}") if seed is not None else random.Random()  # noqa: S311
        self._lock = threading.Lock()

    def uuid(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def key(self) -> str:
        """A 64-hex-character key, like SambaStudio's platform keys."""
        with self._lock:
            return f"{self._rng.getrandbits(256):064x}"


class EmulatorState:
    """One emulator's world; close it to release the store and temporary files."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.flavor: Flavor = config.flavor
        if config.data_dir is not None:
            config.data_dir.mkdir(parents=True, exist_ok=True)
            self.store = Store(config.data_dir / DB_NAME)
            self.files_dir = config.data_dir / "files"
            self.files_dir.mkdir(exist_ok=True)
            self._temp_dir: Path | None = None
        else:
            self.store = Store()
            self._temp_dir = Path(tempfile.mkdtemp(prefix="sambastudio-emulator-"))
            self.files_dir = self._temp_dir
        self.ids = Ids(config.seed, self.store.last_seq())
        self.clock = Clock(
            config.speed,
            epoch=config.epoch,
            anchor=self._saved_now(),
            on_anchor=self._save_anchor,
        )
        self._save_anchor(self.clock.anchor())
        if self.store.get("meta", "catalogue", tenant_id=GLOBAL) is None:
            self._seed()
        self.access_key = self._admin_key(config.access_key)

    def close(self) -> None:
        self.store.close()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    # ------------------------------------------------------------------ helpers
    def now(self) -> float:
        return self.clock.now()

    def new_id(self) -> str:
        return self.ids.uuid()

    def tenant(self, ref: str) -> dict[str, Any] | None:
        """A tenant by id or name."""
        return self.store.get("tenant", ref, tenant_id=GLOBAL)

    def user(self, user_id: str) -> dict[str, Any] | None:
        return self.store.get("user", user_id, tenant_id=GLOBAL)

    def user_for_key(self, key: str) -> dict[str, Any] | None:
        """The user a platform key belongs to."""
        entry = self.store.get("key", key_digest(key), tenant_id=GLOBAL)
        return self.user(entry["user_id"]) if entry else None

    # ------------------------------------------------------- tenants and users
    def add_tenant(
        self, name: str, *, display_name: str | None = None, rdu_node_count: int | None = None
    ) -> dict[str, Any]:
        """Create a tenant; a name already taken raises :class:`Conflict`."""
        now = self.now()
        tenant = {
            "id": self.new_id(),
            "name": name,
            "display_name": display_name or name,
            "rdu_node_count": self.config.rdu_nodes if rdu_node_count is None else rdu_node_count,
            "arch": "SN40L",
            "created_at": now,
            "updated_at": now,
        }
        return self.store.insert("tenant", tenant, tenant_id=GLOBAL)

    def add_user(
        self,
        user_id: str,
        *,
        tenant: str = DEFAULT_TENANT,
        role: Role = "User",
        email: str | None = None,
        password: str | None = None,
        key: str | None = None,
    ) -> tuple[dict[str, Any], str]:
        """Create a user in a tenant (by name or id) and return it with its platform key.

        A user that exists already joins the tenant instead, with ``role`` there (keeping
        its key, and its roles elsewhere); one already in the tenant is left as it is.
        """
        home = self.tenant(tenant)
        if home is None:
            raise KeyError(f"no tenant {tenant!r}")
        with self.store.transaction():
            user = self.user(user_id)
            if user is not None:
                if home["id"] not in user["tenants"]:
                    roles = {**tenant_roles(user), home["id"]: role}
                    user = self.store.update(
                        "user",
                        user_id,
                        {"tenants": [*user["tenants"], home["id"]], "tenant_roles": roles},
                    )
                return user, str(user["key"])
            key = key or self.ids.key()
            user = {
                "id": user_id,
                "name": user_id,
                "email": email or f"{user_id}@example.com",
                "role": role,
                "tenants": [home["id"]],
                "tenant_roles": {home["id"]: role},
                "default_tenant": home["id"],
                "key": key,
                "password_sha256": key_digest(password) if password else None,
                "created_at": self.now(),
            }
            self.store.insert("user", user, tenant_id=GLOBAL)
            self.store.insert("key", {"id": key_digest(key), "user_id": user_id}, tenant_id=GLOBAL)
        return user, key

    def remove_user(self, user_id: str) -> None:
        with self.store.transaction():
            user = self.user(user_id)
            if user is not None:
                self.store.delete("key", key_digest(user["key"]))
                self.store.delete("user", user_id)

    # ---------------------------------------------------------------- startup
    def _saved_now(self) -> Anchor | None:
        """The stored clock's time now, at the speed it ran at: emulated time never goes
        back across a restart, whatever the new speed, and a new ``epoch`` does not move it."""
        saved = self.store.get("meta", "clock", tenant_id=GLOBAL)
        if saved is None:
            return None
        emulated, real = saved["anchor"]
        return Clock(saved["speed"], anchor=(emulated, real)).anchor()

    def _save_anchor(self, anchor: Anchor) -> None:
        doc = {"id": "clock", "anchor": list(anchor), "speed": self.config.speed}
        with self.store.transaction():
            if self.store.get("meta", "clock", tenant_id=GLOBAL) is None:
                self.store.insert("meta", doc, tenant_id=GLOBAL)
            else:
                self.store.update("meta", "clock", doc)

    def _seed(self) -> None:
        with self.store.transaction():
            self.add_tenant(DEFAULT_TENANT, display_name="Default")
            _catalogue.seed(self.store, self.new_id, self.now())
            self.store.insert("meta", {"id": "catalogue"}, tenant_id=GLOBAL)

    def _admin_key(self, wanted: str | None) -> str:
        """The admin's key: the one asked for, else the stored one, else a new one.

        The admin logs in as ``admin`` with its access key as the password.
        """
        with self.store.transaction():
            admin = self.user(ADMIN_USER)
            if admin is not None and wanted in (None, admin["key"]):
                return str(admin["key"])
            if admin is not None:
                self.remove_user(ADMIN_USER)
            key = wanted or self.ids.key()
            self.add_user(ADMIN_USER, role="OrgAdmin", password=key, key=key)
        return key


async def get_state(request: Request) -> EmulatorState:
    """The state of the emulator serving this request."""
    state: EmulatorState = request.app.state.emulator
    return state


State = Annotated[EmulatorState, Depends(get_state)]
"""The emulator's state, as a handler parameter."""

__all__ = ["Config", "Conflict", "EmulatorState", "Flavor", "State"]
