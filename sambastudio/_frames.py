"""pandas data frames of metrics and of listed resources (the optional ``pandas`` extra).

A list's frame has the columns its table shows (``sambastudio._views``), so no secret
reaches a frame either; values stay typed (datetimes, floats) for sorting and plotting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sambastudio import _views
from sambastudio._optional import require

if TYPE_CHECKING:
    import pandas


def items_frame(items: Sequence[Any]) -> pandas.DataFrame:
    """One row per item, one column per field its table shows."""
    require("pandas", extra="pandas", feature="to_pandas()")
    import pandas as pd

    columns, found = _views.rows(items)
    frame: pandas.DataFrame = pd.DataFrame(found, columns=list(columns))
    return frame


def metrics_frame(series: Mapping[str, Sequence[Any]]) -> pandas.DataFrame:
    """One row per step, one column per metric series (``NaN`` where a series has no point)."""
    require("pandas", extra="pandas", feature="to_pandas()")
    import pandas as pd

    columns = {
        name: {p.step: p.value for p in points if p.step is not None}
        for name, points in series.items()
    }
    frame: pandas.DataFrame = pd.DataFrame(columns, columns=list(series)).sort_index()
    frame.index.name = "step"
    return frame
