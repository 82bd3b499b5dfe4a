"""The legacy flat ``SnSdk`` API over the SDK's transport and routes.

Old scripts keep working after one import change: ``from sambastudio.compat import SnSdk``
(or ``from sambastudio import SnSdk``).
"""

from sambastudio.compat._migration import MIGRATION, SILENCE_ENV, SnSdkDeprecationWarning
from sambastudio.compat._snsdk import SnSdk

__all__ = ["MIGRATION", "SILENCE_ENV", "SnSdk", "SnSdkDeprecationWarning"]
