"""Every method of the SnSdk reference exists on the shim with the same parameters.

The reference is the committed snapshot of the seed's signatures (tests/data/): names, order,
defaults, and the constructor. Newer-release keywords may follow the seed's parameters,
keyword-only and optional.
"""

from __future__ import annotations

import ast
import inspect
import re
from functools import cache
from pathlib import Path

import pytest

from sambastudio.compat import MIGRATION, SnSdk
from tests.seed import SeedParam, seed_constructor, seed_signatures

EXTRA_KEYWORDS = {
    "__init__": ("tenant_id", "disable_ssl_verify"),
    "create_job": ("model_version",),
    "create_endpoint": ("model_version", "inference_api_openai_compatible"),
}
"""Keywords of newer SnSdk releases that real callers pass (api-evidence.md §2, §3, §5)."""
EXTRA_METHODS = (
    "add_composite_model",
    "import_status",
    "validate_model_bundle",
    "validate_spec_decoding",
)
TESTS = Path(__file__).parent


@cache
def reference() -> dict[str, list[SeedParam]]:
    """Method name (and ``__init__``) -> parameters, from the committed snapshot."""
    return {**seed_signatures(), "__init__": seed_constructor()}


def _default(param: SeedParam) -> object:
    return inspect.Parameter.empty if param.default is None else ast.literal_eval(param.default)


def test_the_reference_has_the_74_methods() -> None:
    assert len(reference()) == 74 + 1  # and the constructor


@pytest.mark.parametrize("name", sorted(set(reference()) | set(EXTRA_KEYWORDS)))
def test_parameters_match_the_reference(name: str) -> None:
    params = list(inspect.signature(getattr(SnSdk, name)).parameters.values())[1:]  # self
    seed = reference()[name]
    positional = params[: len(seed)]
    assert [p.name for p in positional] == [s.name for s in seed]
    assert [p.default for p in positional] == [_default(s) for s in seed]
    assert {p.kind for p in positional} <= {inspect.Parameter.POSITIONAL_OR_KEYWORD}
    extras = params[len(seed) :]
    assert tuple(p.name for p in extras) == EXTRA_KEYWORDS.get(name, ())
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in extras)
    assert all(p.default is not inspect.Parameter.empty for p in extras)


def test_constructor_extras_have_the_documented_defaults() -> None:
    params = inspect.signature(SnSdk).parameters
    assert params["tenant_id"].default is None
    assert params["disable_ssl_verify"].default is False


@pytest.mark.parametrize("name", EXTRA_METHODS)
def test_extra_methods_real_callers_use_exist(name: str) -> None:
    assert callable(getattr(SnSdk, name))


def test_public_methods_are_the_reference_plus_the_extras() -> None:
    public = {name for name in dir(SnSdk) if not name.startswith("_")}
    assert public - {"http_session", "host_url"} == (set(reference()) - {"__init__"}) | set(
        EXTRA_METHODS
    )


def test_every_method_has_a_one_line_docstring_and_a_migration_entry() -> None:
    methods = (set(reference()) - {"__init__"}) | set(EXTRA_METHODS)
    assert set(MIGRATION) == methods
    for name in methods:
        doc = inspect.getdoc(getattr(SnSdk, name)) or ""
        assert doc, name
        assert "\n" not in doc, name


def test_every_snsdk_method_runs_against_the_emulator() -> None:
    """Each method (and each extra) is called in some test_emulator_* module."""
    called = set()
    for module in TESTS.glob("test_emulator_*.py"):
        called |= set(re.findall(r"\b(?:sdk|sn_env|carol|user)\.(\w+)\(", module.read_text()))
    helpers = (TESTS / "helpers.py").read_text()
    called |= set(re.findall(r"\bsdk\.(\w+)\(", helpers))
    assert set(MIGRATION) - called == set()
