"""Saving maps and charts for print: PNG, SVG and PDF, written atomically.

Examples
--------
>>> import tempfile, matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> with tempfile.TemporaryDirectory() as d:
...     [p.name for p in save_figure(ax, f"{d}/chart.svg", close=True)]
['chart.svg']
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._fs import atomic_write
from .._version import __version__
from ..errors import InputError
from ._common import pyplot
from .style import ATTRIBUTION

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["save_figure"]

_FORMATS = ("png", "svg", "pdf")
_PRINT_DPI = 300


def _figure_of(figure: Any) -> Any:
    """The Figure of a Figure, an Axes, or an array of Axes of one figure."""
    if isinstance(figure, (np.ndarray, list, tuple)):
        axes = list(np.ravel(np.asarray(figure, dtype=object)))
        figs = {id(getattr(a, "figure", None)) for a in axes}
        if not axes or len(figs) != 1:
            raise InputError("save_figure: expected the axes of one figure (as plot_scenarios "
                             "returns)")
        figure = axes[0]
    fig = figure.get_figure() if hasattr(figure, "get_figure") and not hasattr(
        figure, "savefig") else figure
    if fig is None or not hasattr(fig, "savefig"):
        raise InputError(f"save_figure: expected a matplotlib Figure or Axes, got "
                         f"{type(figure).__name__}")
    return fig


def save_figure(
    figure: Figure | Axes | np.ndarray,
    path: str | os.PathLike[str],
    *,
    formats: Iterable[str] | None = None,
    dpi: int = _PRINT_DPI,
    close: bool = False,
) -> list[Path]:
    """Save a map or chart for print: PNG, SVG and/or PDF, written atomically.

    Parameters
    ----------
    figure : matplotlib.figure.Figure, matplotlib.axes.Axes or array of Axes
        A figure, or an axes of one (as the ``plot_*`` functions return), or the axes of
        one figure (as :func:`~geoaccess.plot_scenarios` returns).
    path : path-like
        File name; its suffix picks the format (``map.pdf``). Without a suffix, or with
        ``formats``, one file per format is written beside it with that suffix.
    formats : iterable of str, optional
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    dpi : int
        Resolution of raster output (default 300, print quality).
    close : bool
        Close the figure afterwards (frees memory in loops).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile, matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in save_figure(fig, f"{d}/chart", formats=["png", "pdf"], close=True)]
    ['chart.png', 'chart.pdf']
    """
    fig = _figure_of(figure)
    p = Path(path)
    suffix = p.suffix.lower().lstrip(".")
    if formats is None:
        fmts = [suffix] if suffix in _FORMATS else list(_FORMATS)
    else:
        fmts = [str(f).lower().lstrip(".") for f in formats]
    bad = [f for f in fmts if f not in _FORMATS]
    if bad:
        raise InputError(f"save_figure: unsupported formats {bad}; use {list(_FORMATS)}")
    if not p.parent.exists():
        raise InputError(f"save_figure: folder {p.parent} does not exist", path=p.parent)
    stem = p.with_suffix("") if suffix in _FORMATS else p
    written = []
    creator = f"geoaccess {__version__}"
    for fmt in fmts:
        target = stem.with_name(f"{stem.name}.{fmt}")
        meta = ({"Software": creator, "Copyright": ATTRIBUTION} if fmt == "png"
                else {"Creator": creator})

        def write(tmp: Path, fmt: str = fmt, meta: dict[str, str] = meta) -> None:
            fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", metadata=meta,
                        facecolor="white")

        atomic_write(target, write)
        written.append(target)
    if close:
        pyplot().close(fig)
    return written
