"""The pages a newcomer looks things up in stay complete as the code grows.

Every environment variable the package reads is in docs/configuration.md, and every public
error class is in docs/errors.md: a new one that is not documented fails here.
"""

from __future__ import annotations

import re

import sambastudio.errors
from tests.docs.code_blocks import REPO

PACKAGE = REPO / "sambastudio"
_VARIABLE = re.compile(r"[\"'`]((?:SAMBASTUDIO|SNAPI)_[A-Z0-9_]+)[\"'`]")


def variables_read() -> set[str]:
    """Every ``SAMBASTUDIO_*``/``SNAPI_*`` name quoted in the package's source."""
    return {name for path in PACKAGE.rglob("*.py") for name in _VARIABLE.findall(path.read_text())}


def test_every_environment_variable_is_documented() -> None:
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert len(variables_read()) >= 9
    assert sorted(name for name in variables_read() if f"`{name}`" not in page) == []


def test_every_error_class_is_documented() -> None:
    page = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    classes = [name for name in sambastudio.errors.__all__ if name[0].isupper()]
    assert sorted(name for name in classes if not re.search(rf"\b{name}\b", page)) == []
