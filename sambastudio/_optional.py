"""Optional packages (matplotlib, pandas): imported when a feature needs them, with an error
naming the extra that installs them when they are absent, so the core stays small."""

from __future__ import annotations

import importlib
from types import ModuleType

from sambastudio.errors import MissingDependencyError


def require(package: str, *, extra: str, feature: str) -> ModuleType:
    """``package``, imported; ``MissingDependencyError`` saying how to install it if absent."""
    try:
        return importlib.import_module(package)
    except ImportError as error:
        raise MissingDependencyError(
            f"{feature} needs {package}, which is not installed: pip install 'sambastudio[{extra}]'"
        ) from error
