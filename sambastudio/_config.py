"""Settings: which server, which key, which tenant, and how patient to be.

:meth:`Settings.resolve` looks in the same places as the tools users already have:
explicit arguments, then ``SAMBASTUDIO_*`` environment variables, then the active named
profile (:mod:`sambastudio._profiles`), then the files of the ``snapi`` CLI (``~/.snapi`` or
``$SNAPI_CLI_CONFIG_DIR``). A profile chosen by name (``SAMBASTUDIO_PROFILE``) is a deliberate
choice, so it comes before the other environment variables. A source that silently hides
another is a classic support ticket, so every shadowing is logged once at INFO.
"""

from __future__ import annotations

import enum
import json
import os
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Final, Generic, TypeVar
from urllib.parse import urlsplit, urlunsplit

import attrs
import requests

from sambastudio import _hints as hints
from sambastudio._hints import KeySource
from sambastudio._limits import DEFAULT_LIMITS, Limits, limits_from_env
from sambastudio._profiles import ENV_PROFILE, Profile, selected_profile
from sambastudio._redact import LOGGER, MASK, configure_logging_from_env, mask_text
from sambastudio._version import __version__
from sambastudio.errors import ConfigurationError, InvalidArgumentError

ENV_HOST_URL: Final = "SAMBASTUDIO_HOST_URL"
ENV_ACCESS_KEY: Final = "SAMBASTUDIO_ACCESS_KEY"
ENV_TENANT: Final = "SAMBASTUDIO_TENANT"
ENV_CA_BUNDLE: Final = "SAMBASTUDIO_CA_BUNDLE"
ENV_SNAPI_DIR: Final = "SNAPI_CLI_CONFIG_DIR"


class NotGiven(enum.Enum):
    """The type of :data:`NOT_GIVEN`: the caller said nothing, which differs from ``None``."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN
"""Default of options where ``None`` has a meaning of its own (``timeout=None``: no limit)."""

Timeout = float | tuple[float, float] | None
"""Seconds for the whole exchange, a ``(connect, read)`` pair, or ``None`` to wait forever."""

DEFAULT_TIMEOUT: Final[tuple[float, float]] = (10.0, 60.0)
DEFAULT_MAX_RETRIES: Final = 2


def default_user_agent() -> str:
    return (
        f"sambastudio-python/{__version__} python/{platform.python_version()} "
        f"requests/{requests.__version__}"
    )


def _positive_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def check_timeout(value: Timeout) -> Timeout:
    """``value`` if it is a valid timeout, else an :class:`InvalidArgumentError`."""
    parts: tuple[object, ...] = value if isinstance(value, tuple) else (value,)
    pair_ok = not isinstance(value, tuple) or len(value) == 2
    if value is not None and not (pair_ok and all(_positive_number(part) for part in parts)):
        raise InvalidArgumentError(
            "timeout",
            "timeout must be a number of seconds > 0, a (connect, read) pair of them, "
            f"or None to wait forever; got {value!r}",
        )
    return value


def check_max_retries(value: int) -> int:
    """``value`` if it is a valid retry count, else an :class:`InvalidArgumentError`."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidArgumentError("max_retries", f"max_retries must be an int >= 0; got {value!r}")
    return value


def _check_verify(value: bool | str) -> bool | str:
    # A missing CA bundle would otherwise surface at the first request as a bare OSError.
    if isinstance(value, str) and not Path(value).expanduser().exists():
        raise ConfigurationError(f"verify: the CA bundle {value!r} does not exist")
    return value


def _check_access_key(value: str) -> str:
    if not value.strip():
        raise ConfigurationError("access_key is empty")
    return value.strip()


_API_TAILS: Final = (("api",), ("api", "v1"), ("api", "v2"))
"""Path endings people copy from the docs or the network tab; the routes add them."""


def normalize_host_url(value: str, source: str = "host_url") -> str:
    """``https://host[/prefix]`` without trailing slashes, or a :class:`ConfigurationError`.

    A prefix (a reverse proxy's ``/studio``) is kept. A URL ending in ``/api``, ``/api/v1``
    or ``/api/v2`` is corrected, with a warning, since every route starts with ``/api``
    already (``/api/api/projects`` would 404); any other path holding an ``api`` segment
    (``/api/projects``) is refused, with the address to use instead.
    """
    url = value.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(
            f"host_url must be an http(s) URL such as https://sambastudio.example.com; "
            f"got {value!r} from {source}"
        )
    segments = [segment for segment in parts.path.split("/") if segment]
    lowered = [segment.lower() for segment in segments]
    if "api" not in lowered:
        return url
    site = urlunsplit(parts._replace(path="/".join(["", *segments[: lowered.index("api")]])))
    if any(tuple(lowered[-len(tail) :]) == tail for tail in _API_TAILS):
        LOGGER.warning(
            "host_url %r from %s ends in an API path, which the SDK adds itself; using %r",
            value,
            source,
            site,
        )
        return site
    raise ConfigurationError(
        f"host_url {value!r} from {source} holds an API path ({parts.path}); the host URL "
        "is the site's address, the SDK adds each route's path itself"
    ).advise(hints.fix_host(site))


def _copy_proxies(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@attrs.frozen(repr=False)
class Settings:
    """Everything a client needs to reach SambaStudio; immutable, so clients can share it."""

    host_url: str = attrs.field(converter=normalize_host_url)
    access_key: str = attrs.field(converter=_check_access_key, repr=False)
    access_key_source: KeySource = attrs.field(factory=KeySource, kw_only=True)
    """Where the key came from, in words, for the error a refused key raises."""
    tenant: str | None = None
    timeout: Timeout = attrs.field(default=DEFAULT_TIMEOUT, converter=check_timeout)
    max_retries: int = attrs.field(default=DEFAULT_MAX_RETRIES, converter=check_max_retries)
    verify: bool | str = attrs.field(default=True, converter=_check_verify)
    proxies: Mapping[str, str] = attrs.field(factory=dict, converter=_copy_proxies)
    user_agent: str = attrs.field(factory=default_user_agent)
    disable_ssl_warnings: bool = False
    """snapi's ``DISABLE_SSL_WARNINGS``: silence urllib3's warning when ``verify`` is off."""
    limits: Limits = attrs.field(
        default=DEFAULT_LIMITS, validator=attrs.validators.instance_of(Limits)
    )
    """What a server may make the client hold, nest or unpack (see ``docs/security.md``)."""

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{field.name}={repr(getattr(self, field.name)) if field.repr else repr(MASK)}"
            for field in attrs.fields(type(self))
        )
        return mask_text(f"{type(self).__name__}({shown})")  # also proxy passwords

    @classmethod
    def resolve(
        cls,
        *,
        host_url: str | None = None,
        access_key: str | None = None,
        tenant: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        verify: bool | str | None = None,
        proxies: Mapping[str, str] | None = None,
        user_agent: str | None = None,
        limits: Limits | None = None,
        environ: Mapping[str, str] | None = None,
        config_dir: str | os.PathLike[str] | None = None,
    ) -> Settings:
        """Settings from arguments, else the environment, else snapi's files.

        ``None`` means "not given" everywhere except ``timeout``, where it means no limit.
        ``environ`` defaults to ``os.environ``; ``config_dir`` to ``$SNAPI_CLI_CONFIG_DIR``,
        else ``~/.snapi``.
        """
        env = os.environ if environ is None else environ
        configure_logging_from_env(env)  # so SAMBASTUDIO_LOG shows the shadowing below
        files = SnapiFiles.read(config_dir, env)
        profile = _ProfileSource(selected_profile(env), explicit=bool(env.get(ENV_PROFILE)))
        found_host = _looked_up(
            "host_url", host_url, env, ENV_HOST_URL, profile, files.config_value("HOST_NAME")
        )
        found_key = _looked_up(
            "access_key",
            access_key,
            env,
            ENV_ACCESS_KEY,
            profile,
            _Found(str(files.secret_path), files.secret, files.secret_note),
            secret=True,
        )
        found_tenant = _looked_up(
            "tenant", tenant, env, ENV_TENANT, profile, files.config_value("TENANT_ID")
        )
        found_verify = _first(
            "verify",
            _Found[bool | str]("the verify argument", verify),
            _Found[bool | str](ENV_CA_BUNDLE, env.get(ENV_CA_BUNDLE)),
        )
        host, key = found_host.value, found_key.value
        if host is None or key is None:
            missing = [found for found in (found_host, found_key) if found.value is None]
            raise ConfigurationError(_missing_message(missing, files)).advise(
                hints.configure([found.field for found in missing])
            )
        return cls(
            host_url=normalize_host_url(host, found_host.source),
            access_key=key,
            access_key_source=_key_source(found_key.source, profile, files),
            tenant=found_tenant.value,
            timeout=DEFAULT_TIMEOUT if timeout is NOT_GIVEN else timeout,
            max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
            verify=True if found_verify.value is None else found_verify.value,
            proxies={} if proxies is None else proxies,
            user_agent=default_user_agent() if user_agent is None else user_agent,
            disable_ssl_warnings=files.disable_ssl_warnings,
            limits=limits_from_env(env) if limits is None else limits,
        )


_T = TypeVar("_T")


@attrs.frozen
class _Found(Generic[_T]):
    """One place a setting may come from, what it held, and why it held nothing."""

    source: str
    value: _T | None
    note: str = ""


@attrs.frozen
class _Outcome(Generic[_T]):
    field: str
    value: _T | None
    source: str
    looked_at: tuple[str, ...]


_shadows_logged: set[tuple[str, str, str, int]] = set()


def _first(field: str, *candidates: _Found[_T], secret: bool = False) -> _Outcome[_T]:
    """The first candidate holding a value; logs each different value it shadows, once."""
    present = [found for found in candidates if found.value is not None and found.value != ""]
    looked_at = tuple(f"{found.source}{found.note}" for found in candidates)
    if not present:
        return _Outcome(field, None, "", looked_at)
    winner = present[0]
    for shadowed in present[1:]:
        if shadowed.value == winner.value:
            continue
        seen = (field, winner.source, shadowed.source, hash((winner.value, shadowed.value)))
        if seen in _shadows_logged:
            continue
        _shadows_logged.add(seen)
        if secret:
            LOGGER.info("%s from %s shadows %s", field, winner.source, shadowed.source)
        else:
            LOGGER.info(
                "%s from %s (%r) shadows %s (%r)",
                field,
                winner.source,
                winner.value,
                shadowed.source,
                shadowed.value,
            )
    return _Outcome(field, winner.value, winner.source, looked_at)


@attrs.frozen
class _ProfileSource:
    """The selected profile, and whether it was chosen by name (then it beats the
    environment) or is only the file's active one (then the environment beats it)."""

    profile: Profile | None
    explicit: bool

    def value(self, field: str) -> _Found[str]:
        if self.profile is None:
            return _Found("a profile", None, " (none selected)")
        return _Found(f"profile {self.profile.name!r}", getattr(self.profile, field))


def _looked_up(
    field: str,
    argument: str | None,
    env: Mapping[str, str],
    env_name: str,
    profile: _ProfileSource,
    in_files: _Found[str],
    *,
    secret: bool = False,
) -> _Outcome[str]:
    """A setting snapi also keeps: the argument, else the profile and the environment
    variable (in the order :class:`_ProfileSource` says), else snapi's file."""
    in_env = _Found(env_name, env.get(env_name))
    in_profile = profile.value(field)
    between = (in_profile, in_env) if profile.explicit else (in_env, in_profile)
    return _first(
        field, _Found(f"the {field} argument", argument), *between, in_files, secret=secret
    )


def _missing_message(missing: list[_Outcome[str]], files: SnapiFiles) -> str:
    names = " and ".join(outcome.field for outcome in missing)
    looked = "; ".join(f"for {o.field}: {', '.join(o.looked_at)}" for o in missing)
    return (
        f"SambaStudio {names} not found. Looked {looked}. The snapi directory "
        f"{files.directory} comes from {files.origin}."
    )


def _key_source(source: str, profile: _ProfileSource, files: SnapiFiles) -> KeySource:
    """The words a refused key's error uses for ``source`` (never the key)."""
    if source == str(files.secret_path):
        return KeySource(f"snapi's secret.txt file at {source}")
    if profile.profile is not None and source == profile.value("access_key").source:
        return KeySource(source, profile=profile.profile.name)
    return KeySource(source)


_NO_FILE = " (no such file)"


@attrs.frozen
class SnapiFiles:
    """What snapi's ``config.json`` and ``secret.txt`` hold (either may be absent)."""

    directory: Path
    origin: str
    config: Mapping[str, str]
    config_note: str
    secret: str | None
    secret_note: str

    @property
    def config_path(self) -> Path:
        return self.directory / "config.json"

    @property
    def secret_path(self) -> Path:
        return self.directory / "secret.txt"

    @classmethod
    def read(cls, config_dir: str | os.PathLike[str] | None, env: Mapping[str, str]) -> SnapiFiles:
        if config_dir is not None:
            directory, origin = Path(config_dir), "the config_dir argument"
        elif env.get(ENV_SNAPI_DIR):
            directory, origin = Path(env[ENV_SNAPI_DIR]), ENV_SNAPI_DIR
        else:
            directory, origin = Path("~/.snapi"), f"the default ({ENV_SNAPI_DIR} is not set)"
        directory = directory.expanduser()
        config, config_note = _read_config(directory / "config.json")
        secret_text = _read_text(directory / "secret.txt")
        secret = secret_text.strip() if secret_text else None
        secret_note = _NO_FILE if secret_text is None else "" if secret else " (empty)"
        return cls(directory, origin, config, config_note, secret, secret_note)

    def config_value(self, name: str) -> _Found[str]:
        note = self.config_note or ("" if name in self.config else f" (no {name})")
        return _Found(f"{name} in {self.config_path}", self.config.get(name), note)

    @property
    def disable_ssl_warnings(self) -> bool:
        value = self.config.get("DISABLE_SSL_WARNINGS", "false").strip().lower()
        if value not in ("true", "false"):
            raise ConfigurationError(
                f'DISABLE_SSL_WARNINGS in {self.config_path} must be "true" or "false"; '
                f"got {value!r}"
            )
        return value == "true"


def _read_text(path: Path) -> str | None:
    """The file's text, or ``None`` if there is no such file."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc


_CONFIG_KEYS: Final = ("HOST_NAME", "TENANT_ID", "DISABLE_SSL_WARNINGS")


def _read_config(path: Path) -> tuple[dict[str, str], str]:
    text = _read_text(path)
    if text is None:
        return {}, _NO_FILE
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path} must hold a JSON object, not {type(data).__name__}")
    config: dict[str, str] = {}
    for name in _CONFIG_KEYS:
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigurationError(f"{name} in {path} must be a string; got {value!r}")
        config[name] = value
    return config, ""
