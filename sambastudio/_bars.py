"""Where a progress bar shows: a tqdm bar on a terminal, a widget in Jupyter, else nothing.

Bars go to stderr only when it is a terminal: in CI logs and pipes a bar is noise that can
even block the program on log back-pressure (huggingface_hub#978, PR#2000). In a Jupyter
kernel stderr is no terminal, yet a bar is what the user wants to see: there the bar is
tqdm's notebook widget, chosen as ``tqdm.auto`` chooses it, but decided for each bar rather
than once at import. Bars are off everywhere with ``SAMBASTUDIO_DISABLE_PROGRESS_BARS=1``;
an explicit ``progress_bar=True`` or ``False`` from the caller wins over all of this.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from tqdm.std import tqdm

DISABLE_ENV = "SAMBASTUDIO_DISABLE_PROGRESS_BARS"

Output = Literal["notebook", "terminal"]


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel whose front end draws widgets.

    The test is ``tqdm.autonotebook``'s: an IPython kernel is loaded, and it is not a Qt
    console or Spyder (which show text only).
    """
    if "ipykernel.zmqshell" not in sys.modules:
        return False
    if any(name == "QT_API" or name.startswith("SPYDER") for name in os.environ):
        return False
    ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    shell = ipython() if callable(ipython) else None
    name = type(shell).__name__.lower()
    return shell is not None and "qt" not in name and "spyder" not in name


def disabled_by_env() -> bool:
    return os.environ.get(DISABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def bar_output(stream: TextIO | None = None) -> Output | None:
    """Where an automatic bar goes: ``notebook``, ``terminal`` (stderr), or ``None`` (off)."""
    if disabled_by_env():
        return None
    if in_notebook():
        return "notebook"
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return "terminal" if isatty and isatty() else None


def bars_enabled(stream: TextIO | None = None) -> bool:
    """Whether an automatic bar should show (see :func:`bar_output`)."""
    return bar_output(stream) is not None


def bar_class() -> type[tqdm[Any]]:
    """tqdm's notebook widget in a notebook that has ipywidgets, the text bar elsewhere.

    tqdm is imported here, at the first bar: a program that shows none never loads it."""
    if in_notebook():
        from tqdm import notebook

        if getattr(notebook, "IProgress", None) is not None:
            return notebook.tqdm
    from tqdm.std import tqdm

    return tqdm


def make_bar(
    total: int | None,
    *,
    desc: str,
    unit: str = "B",
    initial: int = 0,
    enabled: bool | None = None,
    **options: Any,
) -> tqdm[Any] | None:
    """A bar (bytes shown as KiB/MiB with rate and ETA), or ``None`` when off.

    ``options`` go to tqdm as they are (``bar_format``, ``leave``...).
    """
    if not (bars_enabled() if enabled is None else enabled):
        return None
    is_bytes = unit == "B"
    return bar_class()(
        total=total,
        initial=initial,
        desc=desc,
        unit=unit,
        unit_scale=is_bytes,
        unit_divisor=1024 if is_bytes else 1000,
        file=sys.stderr,
        dynamic_ncols=True,
        **options,
    )
