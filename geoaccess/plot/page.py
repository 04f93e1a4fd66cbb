"""Pages for print: A4 and A3 landscape figures, and the headings that say what, how, when.

A map made for a cabinet paper is a page: the map (or panels), the legend and the key of
site numbers beside it, a heading that says what is shown, how the journeys were modelled
and when the data are from, and the attribution, scale bar and north arrow on every map.
``layout="A4"`` or ``"A3"`` on any ``plot_*`` map makes such a landscape page;
``layout=None`` (the default) a figure sized for a screen.

Examples
--------
>>> fig, axes = map_figure("A4", n=3, aspect=1.0)
>>> [round(float(v), 2) for v in fig.get_size_inches()], len(axes)
([11.69, 8.27], 3)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ._common import pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["PAGE_SIZES", "add_heading", "check_layout", "font_scale", "key_in_a_cell",
           "map_figure"]

#: Landscape page sizes in inches (ISO 216).
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}

_FONT_SCALE = {"A4": 1.0, "A3": 1.3}
# width kept beside the panels for the legend and the key of sites, in inches
_SIDE_IN = 3.2


def check_layout(layout: str | None) -> str | None:
    """``layout`` checked: None, ``"A4"`` or ``"A3"`` (any case).

    Examples
    --------
    >>> check_layout("a3"), check_layout(None)
    ('A3', None)
    """
    if layout is None:
        return None
    key = str(layout).upper()
    if key not in PAGE_SIZES:
        raise InputError(f"layout must be None, 'A4' or 'A3' (landscape pages), got "
                         f"{layout!r}", column="layout")
    return key


def font_scale(layout: str | None) -> float:
    """How much larger the lettering is on this page (A3: 1.3 times A4's).

    Examples
    --------
    >>> font_scale("A3"), font_scale(None)
    (1.3, 1.0)
    """
    return _FONT_SCALE.get(check_layout(layout) or "", 1.0)


def _best_columns(n: int, aspect: float, width: float, height: float) -> tuple[int, float]:
    """Panels per row that make the panels largest on a page, and their width (inches)."""
    best, best_size = 1, -1.0
    for ncols in range(1, n + 1):
        nrows = math.ceil(n / ncols)
        size = min(width / ncols, height / nrows / max(aspect, 1e-6))
        if size > best_size + 1e-9:
            best, best_size = ncols, size
    return best, best_size


def _room(layout: str, n: int, below_in: float) -> tuple[float, float]:
    """Width and height left for ``n`` panels on a page, in inches."""
    width, height = PAGE_SIZES[layout]
    fs = font_scale(layout)
    return width - 2.6 * fs, height - (0.9 + 0.35 * min(n - 1, 1)) * fs - below_in


def key_in_a_cell(layout: str | None, n: int, aspect: float, below_in: float) -> bool:
    """Whether the key of sites is better in a cell of the grid than under it, on a page.

    True when ``n + 1`` cells (the panels and the key) make larger panels than ``n``
    panels above a key ``below_in`` inches high.

    Examples
    --------
    >>> key_in_a_cell("A4", 3, 1.0, 2.0), key_in_a_cell("A4", 2, 1.0, 2.0)
    (True, False)
    """
    if check_layout(layout) is None or n < 2:
        return False
    assert layout is not None
    under = _best_columns(n, aspect, *_room(layout, n, below_in))[1]
    cell = _best_columns(n + 1, aspect, *_room(layout, n, 0.0))[1]
    return cell > under


def map_figure(
    layout: str | None,
    *,
    n: int = 1,
    ncols: int | None = None,
    aspect: float = 1.0,
    panel_size: float = 5.2,
    below_in: float = 0.0,
) -> tuple[Figure, list[Axes]]:
    """A figure for ``n`` map panels, with room beside them for the legend and key.

    Parameters
    ----------
    layout : {None, "A4", "A3"}
        A landscape page, or (None) a figure sized from ``panel_size``.
    n : int
        Cells: the panels (and a cell for the key of sites, if it goes in the grid).
    ncols : int, optional
        Panels per row (default: as many as make the panels largest on a page; on
        screen, up to 3).
    aspect : float
        Height / width of the mapped extent.
    panel_size : float
        Width of a panel on screen, in inches (``layout=None``).
    below_in : float
        Height kept under the panels (for a key), in inches.

    Returns
    -------
    (matplotlib.figure.Figure, list of matplotlib.axes.Axes)
        The axes of the ``n`` cells, row by row (unused cells removed).
    """
    layout = check_layout(layout)
    if layout is None:
        ncols = int(ncols or min(n, 3))
        nrows = math.ceil(n / ncols)
        size = (panel_size * ncols + _SIDE_IN,
                panel_size * aspect * nrows * 1.08 + 1.2 + below_in)
    else:
        size = PAGE_SIZES[layout]
        ncols = int(ncols or _best_columns(n, aspect, *_room(layout, n, below_in))[0])
        nrows = math.ceil(n / ncols)
    fig, grid = pyplot().subplots(nrows, ncols, figsize=size, squeeze=False,
                                  layout="constrained")
    axes = list(grid.ravel())
    for ax in axes[n:]:
        ax.remove()
    return fig, axes[:n]


def add_heading(fig: Figure, lines: list[str], *, layout: str | None = None) -> Any:
    r"""The page's heading, left-aligned above the panels: what, then how and when.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> add_heading(fig, ["Minutes to the nearest open site", "walking"]).get_text()
    'Minutes to the nearest open site\nwalking'
    >>> plt.close(fig)
    """
    text = "\n".join(line for line in lines if line)
    return fig.suptitle(text, x=0.01, ha="left", fontsize=10.5 * font_scale(layout),
                        linespacing=1.35)
