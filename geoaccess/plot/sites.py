"""Sites on maps: symbols by role, numbers keyed to a table, co-located sites spread.

- :func:`plot_sites`: each site by its role (hub, centre, outreach...; closed sites as grey
  crosses), with its number beside it; sites at (nearly) the same place are drawn on a
  small ring around it with leader lines, so each shows (Ketton Library and the
  community centre that houses it are 3.8 m apart);
- :func:`site_numbers`: the number of each site, its row in the sites table (1, 2, ...),
  the same on every map of a run;
- :func:`add_site_key`: the key beside a map that turns numbers into site ids and names.

Examples
--------
>>> import geopandas as gpd, geoaccess as ga
>>> from shapely.geometry import Point
>>> sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"], "name": ["Library", "Hall"],
...                           "kind": ["hub", "centre"]},
...                          geometry=[Point(0, 0), Point(3.8, 0)], crs="EPSG:27700")
>>> ax = plot_sites(sites, numbers=True)
>>> [t.get_text() for t in LabelLayer.of(ax).numbers]
['1', '2']
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from matplotlib.legend_handler import HandlerBase

from ..errors import InputError
from ._common import mpl_text, new_axes, site_roles
from .placement import LabelLayer, halo, offset_transform, spread_offsets
from .style import ROLE_STYLES

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

    from ..optimise import Solution
    from ..scenario import Scenario

__all__ = ["KEY_HANDLERS", "add_site_key", "key_handles", "plot_sites", "role_handles",
           "site_numbers"]

log = logging.getLogger(__name__)


def _ordered_roles(roles: Iterable[str]) -> list[str]:
    present = list(dict.fromkeys(roles))
    order = list(ROLE_STYLES)
    return sorted(present, key=lambda r: (order.index(r) if r in order else len(order), r))


def _role_label(role: str) -> str:
    return "closed site" if role == "closed" else f"{role} (open)"


def role_handles(roles: Iterable[str]) -> list[Any]:
    """Legend entries of the site roles present, in the order of :data:`ROLE_STYLES`.

    Examples
    --------
    >>> [h.get_label() for h in role_handles(["closed", "hub", "hub"])]
    ['hub (open)', 'closed site']
    """
    from matplotlib.lines import Line2D

    handles = []
    for role in _ordered_roles(roles):
        st = ROLE_STYLES.get(role, ROLE_STYLES["other"])
        handles.append(Line2D([], [], linestyle="none", marker=st["marker"],
                              markerfacecolor=st["color"], markeredgecolor="black",
                              markeredgewidth=0.6, markersize=math.sqrt(st["size"]) * 0.8,
                              label=_role_label(role)))
    return handles


def site_numbers(sites: gpd.GeoDataFrame) -> pd.Series:
    """The number of each site on maps: its row in the sites table, from 1.

    The same sites table gives the same numbers on every map and in the report's table.

    Returns
    -------
    pandas.Series
        Number by ``site_id`` (text).

    Examples
    --------
    >>> import pandas as pd
    >>> site_numbers(pd.DataFrame({"site_id": ["S07", "S02"]})).to_dict()
    {'S07': 1, 'S02': 2}
    """
    ids = pd.Index(sites["site_id"].astype(str))
    if ids.has_duplicates:
        dup = sorted(set(ids[ids.duplicated()]))
        raise InputError(f"sites: site ids {dup[:5]} are used twice; number them once each",
                         column="site_id", rows=dup)
    return pd.Series(np.arange(1, len(ids) + 1), index=ids, name="number")


def _marker_radius_pt(role: str, scale: float) -> float:
    st = ROLE_STYLES.get(role, ROLE_STYLES["other"])
    return 0.5 * math.sqrt(st["size"] * scale)


def _data_per_point(ax: Axes, x: np.ndarray, y: np.ndarray) -> float:
    """Data units (metres) per point on the page at the axes' current size and limits."""
    if len(x):
        ax.update_datalim(np.column_stack([x, y]))
        ax.autoscale_view()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    bbox = ax.get_position()
    fig_w, fig_h = cast(Any, ax.figure).get_size_inches()
    w_in, h_in = bbox.width * fig_w, bbox.height * fig_h
    return max(abs(x1 - x0) / max(w_in * 72, 1.0), abs(y1 - y0) / max(h_in * 72, 1.0))


def plot_sites(
    sites: gpd.GeoDataFrame,
    scenario: Scenario | Solution | None = None,
    *,
    ax: Axes | None = None,
    show_closed: bool = True,
    labels: bool = False,
    numbers: bool | Mapping[str, int] = False,
    spread: bool = True,
    marker_scale: float = 1.0,
    fontscale: float = 1.0,
    zorder: float = 10,
) -> Axes:
    """Draw sites by role: hubs, centres, outreach sites, bases, and closed sites.

    Roles differ by marker shape as well as colour, so they read in greyscale too; every
    marker has a dark edge and a white halo, so it shows on any fill. Sites whose
    symbols would overlap (closer than a symbol's width at the map's scale) are drawn on
    a small ring around their place, each joined to it by a leader line.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Sites from :func:`geoaccess.read_sites`.
    scenario : Scenario or Solution, optional
        Draw each site in its role in this scenario (closed sites as grey crosses);
        default: by the sites' ``kind``.
    ax : matplotlib.axes.Axes, optional
    show_closed : bool
        Draw closed sites.
    labels : bool
        Write each open site's name beside it (for maps of a few sites).
    numbers : bool or mapping
        Write each site's number beside it (:func:`site_numbers`, or a mapping site_id →
        number), for a key beside the map (:func:`add_site_key`). Numbers never overlap
        each other or the symbols.
    spread : bool
        Spread co-located sites onto a ring (else they are drawn on top of each other).
    marker_scale : float
        Multiply the marker sizes (e.g. 0.6 on busy maps).
    fontscale : float
        Multiply the size of numbers and names.
    zorder : float

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import geopandas as gpd, geoaccess as ga
    >>> from shapely.geometry import Point
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1", "S2"], "name": ["A", "B"],
    ...                           "kind": ["hub", "centre"]},
    ...                          geometry=[Point(0, 0), Point(500, 500)], crs="EPSG:27700")
    >>> ax = plot_sites(sites, ga.Scenario("Hub only", {"S1": "hub"}))
    >>> [h.get_label() for h in ax.get_legend_handles_labels()[0]]
    ['hub (open)', 'closed site']
    """
    from matplotlib.text import Text

    if "site_id" not in getattr(sites, "columns", ()):
        raise InputError("sites: expected the sites GeoDataFrame from geoaccess.read_sites "
                         "(with 'site_id' and point geometry)", column="site_id")
    ax = new_axes(ax, (7, 7))
    roles = site_roles(sites, scenario).to_numpy(dtype=object)
    pts = sites.geometry.representative_point()
    x, y = pts.x.to_numpy(np.float64), pts.y.to_numpy(np.float64)
    shown = np.array([show_closed or r != "closed" for r in roles], dtype=bool)
    radius = np.array([_marker_radius_pt(r, marker_scale) for r in roles])
    offsets = np.zeros((len(x), 2))
    if spread and shown.sum() > 1:
        per_pt = _data_per_point(ax, x[shown], y[shown])
        width = 2.0 * float(radius[shown].max()) * per_pt
        offsets[shown] = spread_offsets(x[shown], y[shown], within=width,
                                        radius_pt=float(radius[shown].max()) + 1.5)
    moved = np.any(offsets != 0, axis=1)
    for role in _ordered_roles(roles):
        if role == "closed" and not show_closed:
            continue
        st = ROLE_STYLES.get(role, ROLE_STYLES["other"])
        style: dict[str, Any] = {
            "s": st["size"] * marker_scale, "marker": st["marker"], "c": st["color"],
            "edgecolors": "black" if role != "closed" else "white", "linewidths": 0.6,
            "zorder": zorder - (1 if role == "closed" else 0)}
        if role != "closed":
            style["path_effects"] = halo(1.6)
        sel = roles == role
        here = sel & ~moved
        ax.scatter(x[here], y[here], label=_role_label(role), gid=f"sites:{role}", **style)
        for i in np.flatnonzero(sel & moved):
            ax.annotate("", xy=(x[i], y[i]), xytext=tuple(offsets[i]),
                        textcoords="offset points", zorder=zorder - 1.5,
                        arrowprops={"arrowstyle": "-", "color": "#262626", "lw": 0.6,
                                    "shrinkA": 0, "shrinkB": 0})
            ax.scatter([x[i]], [y[i]], transform=offset_transform(ax, *offsets[i]),
                       gid=f"sites:{role}", **style)
    if moved.any():
        ax.scatter(x[moved], y[moved], s=5, c="#262626", zorder=zorder - 1.4, linewidths=0,
                   gid="sites:true-place")
    layer = LabelLayer.of(ax)
    for i in np.flatnonzero(shown):
        layer.add_symbol(x[i], y[i], dx_pt=offsets[i, 0], dy_pt=offsets[i, 1],
                         radius_pt=radius[i])
    if numbers is not False:
        number_of = site_numbers(sites) if numbers is True else pd.Series(dict(numbers))
        for j, sid in enumerate(sites["site_id"].astype(str)):
            if not shown[j] or sid not in number_of.index:
                continue
            closed = roles[j] == "closed"
            text = Text(x[j], y[j], str(int(number_of[sid])), fontsize=6.3 * fontscale,
                        fontweight="normal" if closed else "bold",
                        color="#595959" if closed else "#141414", path_effects=halo(2.0),
                        gid=f"site_number:{sid}", zorder=zorder + 2)
            layer.add_number(text, x[j], y[j], dx_pt=offsets[j, 0], dy_pt=offsets[j, 1],
                             radius_pt=radius[j])
    if labels and "name" in sites.columns:
        for j, name in enumerate(sites["name"]):
            if roles[j] != "closed":
                text = Text(x[j], y[j], mpl_text(name), fontsize=6.5 * fontscale,
                            path_effects=halo(2.0), gid="site_name")
                layer.add_number(text, x[j], y[j], dx_pt=offsets[j, 0],
                                 dy_pt=offsets[j, 1], radius_pt=radius[j])
    ax.set_aspect("equal")
    return ax


# ============================================================================ the key
class _NumberHandler(HandlerBase):
    """Draws a key entry's handle as the site's number, as it looks on the map."""

    def create_artists(self, legend: Any, orig_handle: Any, xdescent: float,
                       ydescent: float, width: float, height: float, fontsize: float,
                       trans: Any) -> list[Any]:
        from matplotlib.text import Text

        text = Text(width - xdescent, height / 2 - ydescent, orig_handle.get_text(),
                    ha="right", va="center", fontsize=fontsize, fontweight="bold",
                    color="#141414", transform=trans)
        return [text]


def _key_handlers() -> dict[type, Any]:
    from matplotlib.text import Text

    return {Text: _NumberHandler()}


def key_handles(sites: Any, numbers: Mapping[str, int] | None = None, *,
                max_chars: int = 34, header: str | None = "Sites") -> list[Any]:
    """Legend entries of the key of site numbers: a header, then number → "id  name".

    The entries are Text handles drawn by :data:`KEY_HANDLERS` (pass it as a legend's
    ``handler_map``); add them to a map's legend so that the key sits under it.

    Examples
    --------
    >>> import pandas as pd
    >>> h = key_handles(pd.DataFrame({"site_id": ["S1"], "name": ["Oakham Library"]}))
    >>> [(x.get_text(), x.get_label()) for x in h]
    [('', 'Sites'), ('1', 'S1  Oakham Library')]
    """
    from matplotlib.text import Text

    number_of = site_numbers(sites) if numbers is None else pd.Series(dict(numbers))
    names = (sites["name"].astype(object) if "name" in sites.columns
             else pd.Series([None] * len(sites), index=sites.index))
    handles = [Text(0, 0, "", label=header, gid="key_header")] if header else []
    for sid, name in zip(sites["site_id"].astype(str), names, strict=True):
        if sid not in number_of.index:
            continue
        label = sid if name is None or (isinstance(name, float) and np.isnan(name)) \
            else f"{sid}  {name}"
        if len(label) > max_chars:
            label = label[: max_chars - 1].rstrip() + "…"
        handles.append(Text(0, 0, str(int(number_of[sid])), label=mpl_text(label)))
    return handles


#: Legend handler map drawing key entries (Text handles) as site numbers.
KEY_HANDLERS: dict[type, Any] = _key_handlers()


def add_site_key(
    target: Any,
    sites: gpd.GeoDataFrame,
    numbers: Mapping[str, int] | None = None,
    *,
    fontsize: float = 6.3,
    ncols: int | None = None,
    max_chars: int = 34,
    loc: str | None = None,
) -> Any:
    """The key of site numbers beside a map: number, site id and name.

    Parameters
    ----------
    target : matplotlib.axes.Axes or matplotlib.figure.Figure
        An Axes gets the key at its lower right, outside the map; a Figure (several
        panels) at the lower right of the figure, outside the panels.
    sites : geopandas.GeoDataFrame
    numbers : mapping, optional
        site_id → number (default :func:`site_numbers`).
    fontsize : float
    ncols : int, optional
        Columns of the key (default: one per 26 sites).
    max_chars : int
        Longer entries are cut with "…".
    loc : str, optional
        Where the key goes (matplotlib legend location); defaults as above.

    Returns
    -------
    matplotlib.legend.Legend

    Examples
    --------
    >>> import geopandas as gpd, matplotlib.pyplot as plt
    >>> from shapely.geometry import Point
    >>> sites = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["Oakham Library"]},
    ...                          geometry=[Point(0, 0)], crs="EPSG:27700")
    >>> fig, ax = plt.subplots()
    >>> key = add_site_key(ax, sites)
    >>> key.get_title().get_text(), [t.get_text() for t in key.get_texts()]
    ('Sites', ['S1  Oakham Library'])
    >>> plt.close(fig)
    """
    from matplotlib.legend import Legend

    handles = key_handles(sites, numbers, max_chars=max_chars, header=None)
    ncols = int(ncols or max(1, math.ceil(len(handles) / 40)))
    style: dict[str, Any] = {
        "title": "Sites", "fontsize": fontsize, "title_fontsize": fontsize + 1.5,
        "frameon": False, "alignment": "left", "ncols": ncols, "handlelength": 1.6,
        "handletextpad": 0.5, "labelspacing": 0.25, "columnspacing": 1.0,
        "handler_map": KEY_HANDLERS}
    labels = [h.get_label() for h in handles]
    if hasattr(target, "add_subplot"):  # a Figure
        key = target.legend(handles, labels, loc=loc or "outside right lower", **style)
    else:
        key = Legend(target, handles, labels, loc=cast(Any, loc or "lower left"),
                     bbox_to_anchor=(1.01, 0.0), **style)
        target.add_artist(key)
    key.set_gid("site_key")
    return key
