"""Settings: arguments > environment > snapi files, shadowing logged, clear errors."""

from __future__ import annotations

import functools
import inspect
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sambastudio._client import Client
from sambastudio._config import DEFAULT_TIMEOUT, Settings
from sambastudio.errors import ConfigurationError, InvalidArgumentError

from .conftest import ACCESS_KEY

FILE_KEY = "file-key-1111111111111111"
ENV_KEY = "env-key-2222222222222222"


def write_snapi(
    directory: Path, config: object = None, secret: str | None = None, *, raw: str | None = None
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        (directory / "config.json").write_text(raw)
    elif config is not None:
        (directory / "config.json").write_text(json.dumps(config))
    if secret is not None:
        (directory / "secret.txt").write_text(secret)
    return directory


@pytest.fixture
def snapi(tmp_path: Path) -> Path:
    """A complete snapi directory, as ``snapi config set --tenant`` leaves it."""
    return write_snapi(
        tmp_path / "snapi",
        {
            "HOST_NAME": "https://file.example.com",
            "CONFIG_DIR": "./",
            "DISABLE_SSL_WARNINGS": "false",
            "TENANT_ID": "file-tenant",
        },
        f"  {FILE_KEY}\n",
    )


def test_snapi_files_alone_configure_everything(snapi: Path) -> None:
    settings = Settings.resolve(environ={"SNAPI_CLI_CONFIG_DIR": str(snapi)})
    assert settings.host_url == "https://file.example.com"
    assert settings.access_key == FILE_KEY  # whitespace and newline stripped
    assert settings.tenant == "file-tenant"
    assert settings.verify is True
    assert settings.disable_ssl_warnings is False


@pytest.fixture
def environ(snapi: Path) -> dict[str, str]:
    """The snapi files, and host, key and tenant in the environment as well."""
    return {
        "SNAPI_CLI_CONFIG_DIR": str(snapi),
        "SAMBASTUDIO_HOST_URL": "https://env.example.com",
        "SAMBASTUDIO_ACCESS_KEY": ENV_KEY,
        "SAMBASTUDIO_TENANT": "env-tenant",
    }


def test_environment_beats_files(environ: dict[str, str]) -> None:
    settings = Settings.resolve(environ=environ)
    assert (settings.host_url, settings.access_key, settings.tenant) == (
        "https://env.example.com",
        ENV_KEY,
        "env-tenant",
    )


def test_arguments_beat_environment_and_files(environ: dict[str, str]) -> None:
    settings = Settings.resolve(
        host_url="https://arg.example.com",
        access_key=ACCESS_KEY,
        tenant="arg-tenant",
        environ=environ,
    )
    assert (settings.host_url, settings.access_key, settings.tenant) == (
        "https://arg.example.com",
        ACCESS_KEY,
        "arg-tenant",
    )


def test_empty_environment_values_count_as_unset(snapi: Path) -> None:
    environ = {"SNAPI_CLI_CONFIG_DIR": str(snapi), "SAMBASTUDIO_TENANT": ""}
    assert Settings.resolve(environ=environ).tenant == "file-tenant"


def test_config_dir_argument_beats_snapi_cli_config_dir(tmp_path: Path, snapi: Path) -> None:
    other = write_snapi(tmp_path / "other", {"HOST_NAME": "https://other.example.com"}, "k-other")
    settings = Settings.resolve(environ={"SNAPI_CLI_CONFIG_DIR": str(snapi)}, config_dir=other)
    assert (settings.host_url, settings.access_key, settings.tenant) == (
        "https://other.example.com",
        "k-other",
        None,
    )


def test_ca_bundle_from_environment_sets_verify(tmp_path: Path, snapi: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    environ = {"SNAPI_CLI_CONFIG_DIR": str(snapi), "SAMBASTUDIO_CA_BUNDLE": str(bundle)}
    assert Settings.resolve(environ=environ).verify == str(bundle)
    assert Settings.resolve(verify=False, environ=environ).verify is False


def test_a_missing_ca_bundle_is_a_configuration_error(snapi: Path, tmp_path: Path) -> None:
    environ = {"SNAPI_CLI_CONFIG_DIR": str(snapi), "SAMBASTUDIO_CA_BUNDLE": str(tmp_path / "no")}
    with pytest.raises(ConfigurationError, match="CA bundle"):
        Settings.resolve(environ=environ)


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("FALSE", False)])
def test_disable_ssl_warnings_is_read_from_its_string(
    tmp_path: Path, text: str, expected: bool
) -> None:
    directory = write_snapi(
        tmp_path, {"HOST_NAME": "https://h.example.com", "DISABLE_SSL_WARNINGS": text}, "k"
    )
    assert Settings.resolve(environ={}, config_dir=directory).disable_ssl_warnings is expected


def test_disable_ssl_warnings_must_be_true_or_false(tmp_path: Path) -> None:
    directory = write_snapi(
        tmp_path, {"HOST_NAME": "https://h.example.com", "DISABLE_SSL_WARNINGS": "yes"}, "k"
    )
    with pytest.raises(ConfigurationError, match=r"DISABLE_SSL_WARNINGS in .*config\.json"):
        Settings.resolve(environ={}, config_dir=directory)


# ------------------------------------------------------------------------ shadowing


def test_a_shadowed_key_is_logged_once_without_its_value(
    snapi: Path, caplog: pytest.LogCaptureFixture
) -> None:
    environ = {"SNAPI_CLI_CONFIG_DIR": str(snapi), "SAMBASTUDIO_ACCESS_KEY": ENV_KEY}
    with caplog.at_level(logging.INFO, logger="sambastudio"):
        Settings.resolve(environ=environ)
        Settings.resolve(environ=environ)
    expected = f"access_key from SAMBASTUDIO_ACCESS_KEY shadows {snapi / 'secret.txt'}"
    assert [r.getMessage() for r in caplog.records].count(expected) == 1
    assert all(r.levelno == logging.INFO and r.name == "sambastudio" for r in caplog.records)
    assert ENV_KEY not in caplog.text
    assert FILE_KEY not in caplog.text


def test_a_shadowed_host_is_logged_with_both_values(
    snapi: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="sambastudio"):
        Settings.resolve(
            host_url="https://arg-shadow.example.com",
            environ={
                "SNAPI_CLI_CONFIG_DIR": str(snapi),
                "SAMBASTUDIO_HOST_URL": "https://env-shadow.example.com",
            },
        )
    messages = [r.getMessage() for r in caplog.records]
    assert (
        "host_url from the host_url argument ('https://arg-shadow.example.com') shadows "
        "SAMBASTUDIO_HOST_URL ('https://env-shadow.example.com')" in messages
    )
    assert (
        "host_url from the host_url argument ('https://arg-shadow.example.com') shadows "
        f"HOST_NAME in {snapi / 'config.json'} ('https://file.example.com')" in messages
    )


def test_an_equal_value_in_a_lower_source_is_not_reported(
    snapi: Path, caplog: pytest.LogCaptureFixture
) -> None:
    environ = {"SNAPI_CLI_CONFIG_DIR": str(snapi), "SAMBASTUDIO_TENANT": "file-tenant"}
    with caplog.at_level(logging.INFO, logger="sambastudio"):
        Settings.resolve(environ=environ)
    assert "shadows" not in caplog.text


# -------------------------------------------------------------------- missing values


def test_missing_host_and_key_name_everything_looked_at(tmp_path: Path) -> None:
    directory = tmp_path / "empty"
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(environ={"SNAPI_CLI_CONFIG_DIR": str(directory)})
    message = str(caught.value)
    for looked_at in (
        "host_url",
        "access_key",
        "the host_url argument",
        "SAMBASTUDIO_HOST_URL",
        f"HOST_NAME in {directory / 'config.json'} (no such file)",
        "the access_key argument",
        "SAMBASTUDIO_ACCESS_KEY",
        f"{directory / 'secret.txt'} (no such file)",
        "SNAPI_CLI_CONFIG_DIR",
    ):
        assert looked_at in message


def test_missing_key_alone_says_why_each_place_was_empty(tmp_path: Path) -> None:
    directory = write_snapi(tmp_path, {"TENANT_ID": "t"}, "  \n")
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(host_url="https://h.example.com", environ={}, config_dir=directory)
    message = str(caught.value)
    assert f"{directory / 'secret.txt'} (empty)" in message
    assert "SAMBASTUDIO_HOST_URL" not in message  # the host was found
    assert "the config_dir argument" in message


def test_a_config_file_without_host_name_says_so(tmp_path: Path) -> None:
    directory = write_snapi(tmp_path, {"TENANT_ID": "t"}, "k")
    with pytest.raises(ConfigurationError, match=r"\(no HOST_NAME\)"):
        Settings.resolve(environ={}, config_dir=directory)


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ('{"HOST_NAME": "https://h"', r"config\.json is not valid JSON"),
        ('["https://h"]', r"config\.json must hold a JSON object"),
        ('{"HOST_NAME": 42}', r"HOST_NAME in .*config\.json must be a string"),
    ],
)
def test_a_broken_config_file_is_named(tmp_path: Path, raw: str, match: str) -> None:
    directory = write_snapi(tmp_path, secret="k", raw=raw)
    with pytest.raises(ConfigurationError, match=match):
        Settings.resolve(environ={}, config_dir=directory)


# ------------------------------------------------------------------ host_url and limits


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://h.example.com///", "https://h.example.com"),
        ("  http://10.0.0.1:8080/  ", "http://10.0.0.1:8080"),
        ("https://h.example.com/studio/", "https://h.example.com/studio"),
    ],
)
def test_host_url_is_normalised(given: str, expected: str) -> None:
    settings = Settings.resolve(
        host_url=given, access_key="k", environ={}, config_dir="/nonexistent"
    )
    assert settings.host_url == expected


@pytest.mark.parametrize(
    "bad", ["h.example.com", "ftp://h.example.com", "https://", "https://h?x=1"]
)
def test_host_url_needs_an_http_scheme(bad: str) -> None:
    with pytest.raises(ConfigurationError, match=r"host_url must be an http\(s\) URL") as caught:
        Settings.resolve(environ={"SAMBASTUDIO_HOST_URL": bad, "SAMBASTUDIO_ACCESS_KEY": "k"})
    assert "from SAMBASTUDIO_HOST_URL" in str(caught.value)


def test_timeout_defaults_and_explicit_none() -> None:
    resolve = functools.partial(
        Settings.resolve,
        host_url="https://h.example.com",
        access_key="k",
        environ={},
        config_dir="/nonexistent",
    )
    assert resolve().timeout == DEFAULT_TIMEOUT == (10.0, 60.0)
    assert resolve(timeout=None).timeout is None
    assert resolve(timeout=5).timeout == 5
    assert resolve().max_retries == 2


@pytest.mark.parametrize("bad", [0, -1, (1.0,), (1.0, 0), "3", True, float("nan")])
def test_a_bad_timeout_names_the_argument(bad: object) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        Settings(host_url="https://h.example.com", access_key="k", timeout=bad)  # type: ignore[arg-type]
    assert caught.value.argument == "timeout"
    assert isinstance(caught.value, ValueError)
    assert "timeout" in str(caught.value)


@pytest.mark.parametrize("bad", [-1, 1.5, True])
def test_a_bad_max_retries_names_the_argument(bad: object) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        Settings(host_url="https://h.example.com", access_key="k", max_retries=bad)  # type: ignore[arg-type]
    assert caught.value.argument == "max_retries"


def test_user_agent_names_sdk_python_and_requests() -> None:
    settings = Settings(host_url="https://h.example.com", access_key="k")
    assert re.fullmatch(
        r"sambastudio-python/\d+\.\d+\.\d+\S* python/\d+\.\d+\.\d+\S* requests/\d+\.\d+\S*",
        settings.user_agent,
    )


def test_settings_are_frozen() -> None:
    settings = Settings(host_url="https://h.example.com", access_key="k")
    with pytest.raises(AttributeError):
        settings.access_key = "other"  # type: ignore[misc]


# ------------------------------------------------- the arguments Client passes through


def _arguments(function: Callable[..., object], *left_out: str) -> list[tuple[str, object, object]]:
    """Each parameter's name, annotation (as written) and default, in order."""
    parameters = inspect.signature(function).parameters.values()
    return [(p.name, p.annotation, p.default) for p in parameters if p.name not in left_out]


def test_client_and_login_spell_out_the_arguments_of_settings_resolve() -> None:
    """Each signature lists them explicitly, for IDEs and ``help()``; this keeps them equal."""
    resolved = _arguments(Settings.resolve, "environ", "config_dir")
    # clock and routes are the client's own, not settings
    assert _arguments(Client.__init__, "self", "clock", "routes") == resolved
    made_by_login = ("host_url", "access_key")  # its own host_url is required, its key asked for
    assert _arguments(Client.login, "host_url", "username", "password", "clock", "routes") == [
        argument for argument in resolved if argument[0] not in made_by_login
    ]
    assert _arguments(Client.login)[-2:] == _arguments(Client.__init__)[-2:]  # limits, routes


# ------------------------------------------------------- a host holding the API path


@pytest.mark.parametrize("tail", ["/api", "/api/", "/API/v1", "/api/v2"])
@pytest.mark.parametrize("prefix", ["", "/studio"])
def test_an_api_tail_is_dropped_with_a_warning(
    tail: str, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="sambastudio"):
        settings = Settings.resolve(
            host_url=f"https://h.example.com{prefix}{tail}",
            access_key="k",
            environ={},
            config_dir="/nonexistent",
        )
    assert settings.host_url == f"https://h.example.com{prefix}"
    assert f"ends in an API path, which the SDK adds itself; using {settings.host_url!r}" in (
        caplog.text
    )


@pytest.mark.parametrize("path", ["/api/projects", "/api/v2/projects/p1", "/studio/api/jobs"])
def test_a_route_path_is_refused_with_the_site_to_use(path: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(
            environ={
                "SAMBASTUDIO_HOST_URL": f"https://h.example.com{path}",
                "SAMBASTUDIO_ACCESS_KEY": "k",
            },
            config_dir="/nonexistent",
        )
    site = "https://h.example.com" + ("/studio" if path.startswith("/studio") else "")
    error = caught.value
    assert "from SAMBASTUDIO_HOST_URL holds an API path" in error.problem
    assert f"Client(host_url={site!r})" in str(error)
    assert f"sambastudio config set --host {site}" in error.message_for("shell")


def test_missing_settings_advise_python_and_the_shell_apart(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.resolve(environ={}, config_dir=tmp_path)
    error = caught.value
    assert "Pass host_url and access_key to Client(...)" in str(error)
    shell = error.message_for("shell")
    assert "sambastudio config set --host URL --access-key" in shell
    assert "Client(" not in shell


def test_the_key_source_is_recorded_without_the_key(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("k-from-the-file\n")
    settings = Settings.resolve(host_url="https://h.example.com", environ={}, config_dir=tmp_path)
    assert settings.access_key_source.where == f"snapi's secret.txt file at {tmp_path}/secret.txt"
    assert "k-from-the-file" not in repr(settings)
    from_env = Settings.resolve(
        environ={
            "SAMBASTUDIO_HOST_URL": "https://h.example.com",
            "SAMBASTUDIO_ACCESS_KEY": "k-env",
        },
        config_dir=tmp_path,
    )
    assert from_env.access_key_source.where == "SAMBASTUDIO_ACCESS_KEY"
