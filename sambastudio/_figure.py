"""A matplotlib figure that shows itself in Jupyter (imported only once matplotlib is known
to be installed: see ``sambastudio._plot``).

A bare ``Figure`` that pyplot does not manage shows as text (``<Figure size 800x500>``)
unless pyplot happened to set up the inline backend; one that pyplot manages shows twice
when it is a cell's value. This one renders itself as a PNG, once, wherever it is shown.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure


class ShownFigure(Figure):
    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
