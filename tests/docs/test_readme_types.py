"""README.md's main example passes ``mypy --strict``: tests/typing/check_readme.py is that
example, word for word, and CI runs mypy over tests/typing. This test keeps the two equal."""

from __future__ import annotations

from tests.docs.code_blocks import REPO, readme_example

CHECKED = REPO / "tests" / "typing" / "check_readme.py"
HEADER = '"""README.md\'s main example, type-checked by CI (see tests/docs)."""\n\n'


def test_the_type_checked_copy_is_the_readme_example() -> None:
    assert CHECKED.read_text(encoding="utf-8") == HEADER + readme_example(), (
        "README's main example changed: copy it into tests/typing/check_readme.py"
    )
