"""The package's public names: all importable, and loaded only when used."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sambastudio


@pytest.mark.parametrize("name", sambastudio.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(sambastudio, name)
    assert value is not None
    if isinstance(value, type):
        assert value.__name__ == name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Clinet'"):
        sambastudio.Clinet  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_package_loads_no_http_stack() -> None:
    """The pytest plugin imports the package in every run of every user's suite."""
    code = "import sys, sambastudio, sambastudio.testing; print(sorted(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    heavy_modules = ("requests", "pydantic", "attrs", "sambastudio._client", "fastapi")
    for heavy in (*heavy_modules, "sambastudio.testing.scrubbing", "sambastudio.testing.kit"):
        assert f"'{heavy}'" not in loaded, heavy


def test_a_client_loads_no_resource_module_until_one_is_used() -> None:
    """First use costs little more than ``import requests`` (docs/performance.md)."""
    code = (
        "import sys; from sambastudio import Client; "
        "c = Client(host_url='http://127.0.0.1:9', access_key='k' * 20); "
        "print(sorted(sys.modules)); c.projects; print(sorted(sys.modules))"
    )
    before, after = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    heavy_modules = (
        "pydantic",
        "typing_extensions",  # ~10 ms: annotations only, imported for type checkers
        "tqdm",
        "click",
        "sambastudio.resources",
        "sambastudio.emulator",
    )
    for heavy in heavy_modules:
        assert f"'{heavy}'" not in before, heavy
    assert "'sambastudio.resources.projects'" in after


def test_listing_projects_loads_only_what_projects_need() -> None:
    """The first ``projects.list()`` imports pydantic and the projects module, not the
    collections a project links to, nor bars, notebook display or archive code."""
    code = (
        "import sys; from sambastudio import Client; "
        "c = Client(host_url='http://127.0.0.1:9', access_key='k' * 20); "
        "c.projects.get; print(sorted(sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "'sambastudio.resources.projects'" in loaded
    for deferred in (
        "sambastudio.resources.jobs",
        "sambastudio.resources.endpoints",
        "sambastudio._display",
        "tqdm",
        "tarfile",
    ):
        assert f"'{deferred}'" not in loaded, deferred


def test_every_lazy_resource_name_is_exported_and_loads() -> None:
    from sambastudio import resources

    homes = resources._HOME
    assert set(homes) == set(resources.__all__)
    for name, module in homes.items():
        value = getattr(resources, name)
        assert value.__module__ == f"sambastudio.resources.{module}", name
