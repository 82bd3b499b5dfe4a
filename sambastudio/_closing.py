"""``Closing``: what owns a resource to release (connections, a bar) is a context manager.

Leaving a ``with`` block calls ``close()``, however the block is left; ``close()`` stays
callable on its own. One mixin, so the client, streams and progress bars say it once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing_extensions import Self  # not at run time: first use stays cheap


class Closing:
    """``with thing:`` closes ``thing`` at the end of the block."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
