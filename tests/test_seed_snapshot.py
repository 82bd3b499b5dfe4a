"""The committed signature snapshot still matches the upstream SnSdk reference text.

Optional by design: the upstream text is not part of the repository, so this check runs only
when ``SNSDK_REFERENCE`` names it (.ci/run does when the text is beside the checkout). Every
other test reads the snapshot alone, so a clone with nothing beside it passes.
"""

from __future__ import annotations

import pytest

from tests.seed import (
    REFERENCE_VARIABLE,
    SNAPSHOT,
    parse_constructor,
    parse_signatures,
    reference_path,
)

REFERENCE = reference_path()
pytestmark = pytest.mark.skipif(
    REFERENCE is None, reason=f"optional: set {REFERENCE_VARIABLE} to the upstream reference text"
)


def test_the_snapshot_has_the_reference_methods() -> None:
    assert REFERENCE is not None
    upstream = REFERENCE.read_text(encoding="utf-8")
    assert parse_signatures(SNAPSHOT.read_text(encoding="utf-8")) == parse_signatures(upstream)


def test_the_snapshot_has_the_reference_constructor() -> None:
    assert REFERENCE is not None
    upstream = REFERENCE.read_text(encoding="utf-8")
    assert parse_constructor(SNAPSHOT.read_text(encoding="utf-8")) == parse_constructor(upstream)
