"""Named profiles: several hosts and tenants in one file, one of them active.

The file (``$SAMBASTUDIO_CONFIG_FILE``, else ``$XDG_CONFIG_HOME/sambastudio/config.json``,
else ``~/.config/sambastudio/config.json``) holds access keys, so it is only ever written
whole, through a new file created with mode 0600 and renamed over the old one: no moment
exists where another user could read a key, nor where a crash leaves half a file.

A profile is chosen by ``SAMBASTUDIO_PROFILE`` (or the CLI's ``--profile``), else by the
file's ``active`` entry (``sambastudio config use NAME``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from sambastudio._redact import MASK
from sambastudio.errors import ConfigurationError

ENV_PROFILE: Final = "SAMBASTUDIO_PROFILE"
ENV_CONFIG_FILE: Final = "SAMBASTUDIO_CONFIG_FILE"
FIELDS: Final = ("host_url", "tenant", "access_key", "output")
"""What a profile may hold; ``output`` is the CLI's default ``--output``."""


def config_file(env: Mapping[str, str]) -> Path:
    """Where the profiles live for this environment."""
    if env.get(ENV_CONFIG_FILE):
        return Path(env[ENV_CONFIG_FILE]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or "~") / ".config")
    return Path(base).expanduser() / "sambastudio" / "config.json"


@attrs.frozen(repr=False)
class Profile:
    """One named set of settings; any field may be absent (``None``)."""

    name: str
    host_url: str | None = None
    tenant: str | None = None
    access_key: str | None = None
    output: str | None = None

    def __repr__(self) -> str:
        key = None if self.access_key is None else MASK
        return f"Profile(name={self.name!r}, host_url={self.host_url!r}, access_key={key!r})"

    def shown(self, *, show_key: bool = False) -> dict[str, str | None]:
        """The profile as printable fields; the key masked unless ``show_key``."""
        key = self.access_key if show_key or self.access_key is None else MASK
        return {"profile": self.name, "host_url": self.host_url, "tenant": self.tenant,
                "access_key": key, "output": self.output}  # fmt: skip


@attrs.frozen
class Profiles:
    """The whole file: every profile and the name of the active one."""

    path: Path
    profiles: Mapping[str, Profile] = attrs.field(factory=dict)
    active: str | None = None

    @classmethod
    def read(cls, env: Mapping[str, str] | None = None) -> Profiles:
        """The file for ``env`` (default ``os.environ``); a missing file holds no profile."""
        path = config_file(os.environ if env is None else env)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as error:
            raise ConfigurationError(f"cannot read the profiles in {path}: {error}") from None
        if not isinstance(data, dict) or not isinstance(data.get("profiles", {}), dict):
            raise ConfigurationError(f"{path} must hold {{'profiles': {{NAME: {{...}}}}}}")
        profiles = {name: _profile(path, name, raw) for name, raw in data["profiles"].items()}
        active = data.get("active")
        return cls(path, profiles, active if isinstance(active, str) else None)

    def selected(self, explicit: str | None) -> Profile | None:
        """The profile named ``explicit``, else the active one, else ``None``.

        A name nobody defined is a :class:`ConfigurationError` that lists the known ones.
        """
        name = explicit or self.active
        if name is None:
            return None
        if name not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none yet"
            raise ConfigurationError(
                f"no profile named {name!r} in {self.path} (known: {known}); "
                f"create it with: sambastudio config set --profile {name} --host URL"
            )
        return self.profiles[name]

    def with_profile(self, profile: Profile) -> Profiles:
        return attrs.evolve(self, profiles={**self.profiles, profile.name: profile})

    def with_active(self, name: str) -> Profiles:
        self.selected(name)  # refuses an unknown name
        return attrs.evolve(self, active=name)

    def write(self) -> None:
        """Replace the file atomically; the new file is 0600 from the moment it exists."""
        data: dict[str, Any] = {
            "active": self.active,
            "profiles": {
                name: {field: value for field in FIELDS if (value := getattr(p, field))}
                for name, p in sorted(self.profiles.items())
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkstemp creates the file with O_EXCL and mode 0600.
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".config-")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=2)
                file.write("\n")
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _profile(path: Path, name: str, raw: Any) -> Profile:
    if not isinstance(raw, dict) or not all(
        isinstance(raw.get(field), (str, type(None))) for field in FIELDS
    ):
        raise ConfigurationError(f"profile {name!r} in {path} must map {FIELDS} to strings")
    return Profile(name, **{field: raw.get(field) or None for field in FIELDS})


def selected_profile(env: Mapping[str, str], explicit: str | None = None) -> Profile | None:
    """The profile chosen by ``explicit``, else ``$SAMBASTUDIO_PROFILE``, else the active one."""
    return Profiles.read(env).selected(explicit or env.get(ENV_PROFILE) or None)
