"""Change maps: minutes gained or lost under each proposal, one legend for all of them.

A run compares several proposals with one baseline; a reader lays their change maps side by
side, so every change map of a comparison uses the same classes and the same legend
(:func:`change_legend`): the full scale of losses (and of gains, if any proposal has a
gain) whatever the proposal shown, and "no open site reachable any more" or "no time
either way" when any proposal has them. A scale that jumps from "5–10" to "more than 20"
on one map because no area of that proposal is in between is thereby avoided.

- :func:`plot_change`: the change in minutes under one proposal, areas losing threshold
  access outlined;
- :func:`change_legend`: the classes (label, colour) every change map of a comparison
  shares.

The examples are in each function's documentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._deprecate import renamed_option
from ..errors import InputError
from ..evaluate import Comparison
from ._common import NO_DATA, mpl_text, scenario_name
from ._furnish import close_map, context_handles, furnish, one_map, want_numbers
from .cartography import areas_for_map, draw_geometries
from .context import as_context
from .labels import default_threshold_minutes, minutes_text, population_words
from .page import check_layout
from .sites import role_handles
from .style import CHANGE_BINS, CHANGE_COLOURS, class_index

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

    from ..optimise import Solution
    from ..scenario import Scenario

__all__ = ["change_legend", "plot_change"]


def _labels_and_colours(bins: Sequence[float]) -> tuple[list[str], list[str]]:
    """Labels and colours of every class of a change map.

    Gains (largest first), unchanged, losses by size, no open site any more, no time
    either way.
    """
    b = [float(x) for x in bins]
    nb = len(b)
    if nb == len(CHANGE_BINS):
        blue, red = list(CHANGE_COLOURS[: nb + 1]), list(CHANGE_COLOURS[nb + 2: 2 * nb + 3])
        white, lost = CHANGE_COLOURS[nb + 1], CHANGE_COLOURS[-1]
    else:
        from matplotlib import colormaps
        from matplotlib.colors import to_hex

        cm = colormaps["RdBu"]
        blue = [to_hex(cm(v)) for v in np.linspace(0.95, 0.62, nb + 1)]
        red = [to_hex(cm(v)) for v in np.linspace(0.38, 0.05, nb + 1)]
        white, lost = CHANGE_COLOURS[len(CHANGE_BINS) + 1], CHANGE_COLOURS[-1]
    gains = [f"quicker by more than {minutes_text(b[-1])} min"]
    gains += [f"quicker by {minutes_text(lo)}–{minutes_text(hi)} min"
              for lo, hi in zip(b[::-1][1:], b[::-1][:-1], strict=True)]
    gains.append(f"quicker by up to {minutes_text(b[0])} min")
    losses = [f"longer by up to {minutes_text(b[0])} min"]
    losses += [f"longer by {minutes_text(lo)}–{minutes_text(hi)} min"
               for lo, hi in zip(b[:-1], b[1:], strict=True)]
    losses.append(f"longer by more than {minutes_text(b[-1])} min")
    labels = gains + ["unchanged"] + losses + ["no open site reachable any more",
                                               "no time either way"]
    return labels, blue + [white] + red + [lost, NO_DATA]


def _classes(rows: pd.DataFrame, bins: Sequence[float]) -> np.ndarray:
    """Class of each area of one proposal (indices into :func:`_labels_and_colours`)."""
    nb = len(bins)
    status = (rows["status"].astype(object).where(rows["status"].notna(), "unknown")
              .astype(str).to_numpy())
    change = rows["change_minutes"].to_numpy(np.float64)
    after = rows["nearest_minutes"].to_numpy(np.float64)
    size = class_index(np.abs(change), [float(b) for b in bins])  # 0..nb
    cls = np.full(len(status), nb + 1, dtype=np.int64)  # unchanged
    gain = status == "gain"
    loss = status == "loss"
    cls[gain] = nb - np.where(np.isfinite(change[gain]), size[gain], nb)
    cls[loss] = nb + 2 + np.where(np.isfinite(change[loss]), size[loss], nb)
    cls[loss & ~np.isfinite(after)] = 2 * nb + 3
    cls[status == "unknown"] = 2 * nb + 4
    return cls


def _legend_classes(comparison: Comparison, bins: Sequence[float]) -> list[int]:
    """The classes in the legend of every change map of the comparison."""
    nb = len(bins)
    seen: set[int] = set()
    for name in comparison.scenario_names:
        seen |= set(_classes(comparison[name], bins).tolist())
    out = []
    if any(c <= nb for c in seen):
        out += list(range(nb + 1))
    out.append(nb + 1)
    if any(nb + 2 <= c <= 2 * nb + 2 for c in seen):
        out += list(range(nb + 2, 2 * nb + 3))
    out += [c for c in (2 * nb + 3, 2 * nb + 4) if c in seen]
    return out


def change_legend(comparison: Comparison, bins: Sequence[float] = CHANGE_BINS
                  ) -> list[tuple[str, str]]:
    """The classes (label, colour) that every change map of this comparison shows.

    The full scale of losses when any proposal lengthens a journey, the full scale of
    gains when any shortens one, "unchanged" always, and "no open site reachable any
    more" and "no time either way" when any proposal has such areas.

    Parameters
    ----------
    comparison : Comparison
        From :func:`geoaccess.compare`.
    bins : sequence of float
        Sizes of change separating the classes, in minutes.

    Returns
    -------
    list of (str, str)
        In the legend's order, from the largest gain to areas with no time.

    Examples
    --------
    Closing site A leaves area x 27 minutes further; nothing gets quicker:

    >>> import pandas as pd, geoaccess as ga
    >>> minutes = pd.DataFrame({"A": [3.0, 30.0], "B": [30.0, 2.0]}, index=["x", "y"])
    >>> both, b_only = ga.Scenario("Both", {"A": "hub", "B": "hub"}), ga.Scenario("B", {"B": "hub"})
    >>> change = ga.compare(ga.evaluate(ga.TravelTimes.from_frame(minutes), None, [both, b_only]))
    >>> [label for label, _ in change_legend(change)]  # doctest: +NORMALIZE_WHITESPACE
    ['unchanged', 'longer by up to 5 min', 'longer by 5–10 min', 'longer by 10–20 min',
     'longer by more than 20 min']
    """
    labels, colours = _labels_and_colours(bins)
    return [(labels[c], colours[c]) for c in _legend_classes(comparison, bins)]


def plot_change(
    comparison: Comparison,
    areas: gpd.GeoDataFrame,
    scenario: str | Scenario | Solution | None = None,
    *,
    sites: gpd.GeoDataFrame | None = None,
    threshold_minutes: float | None = None,
    bins: Sequence[float] = CHANGE_BINS,
    ax: Axes | None = None,
    title: str | None = None,
    legend: bool = True,
    credits: str | Sequence[str] | None = None,
    context: Any = None,
    layout: str | None = None,
    numbers: bool | None = None,
    population_year: int | str | None = None,
    threshold: float | None = None,
) -> Axes:
    """Map the change in minutes under a proposal against the baseline.

    A diverging palette (ColorBrewer RdBu) shows longer journeys in reds, shorter in
    blues and unchanged areas in white, classed by the size of the change; areas left
    with no reachable open site are darkest red. Areas that lose access within
    ``threshold_minutes`` are outlined in black, so the losers stand out at a glance.
    Gain, loss and unchanged follow the comparison's ``status`` (and its tolerance). The
    legend is the same on the change map of every proposal of the comparison
    (:func:`change_legend`).

    Parameters
    ----------
    comparison : Comparison
        From :func:`geoaccess.compare`.
    areas : geopandas.GeoDataFrame
    scenario : str, Scenario or Solution, optional
        The proposal, by name or itself (default: the comparison's only one).
    sites : geopandas.GeoDataFrame, optional
        Drawn in their roles under the proposal; closed sites as grey crosses.
    threshold_minutes : float, optional
        Outline the areas losing access within this many minutes (default 15 when
        evaluated, else the first threshold; the old name ``threshold=`` still works,
        with a FutureWarning).
    bins : sequence of float
        Sizes of change separating the classes, in minutes (default 5, 10, 20).
    ax, title, legend, credits, context, layout, numbers, population_year
        As in :func:`~geoaccess.plot_minutes`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geopandas as gpd, geoaccess as ga
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "kids": [1.0, 1.0]},
    ...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
    ...                          crs="EPSG:27700")
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
    ...                                             index=["E1", "E2"]))
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
    >>> ax = plot_change(ga.compare(r), areas)
    >>> "loses 15-minute access" in [t.get_text() for t in ax.get_legend().get_texts()]
    True
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    threshold_minutes = renamed_option(threshold_minutes, threshold, new="threshold_minutes",
                                       old="threshold", func="plot_change")
    if not isinstance(comparison, Comparison):
        raise InputError(f"plot_change: expected a Comparison from geoaccess.compare, got "
                         f"{type(comparison).__name__}")
    geo = areas_for_map(areas, "plot_change")
    layout = check_layout(layout)
    names = comparison.scenario_names
    scenario = None if scenario is None else scenario_name(scenario)
    if scenario is None:
        if len(names) != 1:
            raise InputError(f"plot_change: the comparison holds proposals {names}; say which "
                             "with scenario=...", column="scenario")
        scenario = names[0]
    if scenario not in names:
        raise InputError(f"plot_change: unknown proposal {scenario!r}; proposals are {names}",
                         column="scenario")
    rows = comparison[scenario].reindex(geo["area_id"])
    labels, colours = _labels_and_colours(bins)
    cls = _classes(rows, bins)
    ax, owns, fs = one_map(ax, geo, layout)
    no_time = len(colours) - 1
    draw_geometries(ax, geo.geometry, facecolor=[colours[c] for c in cls],
                    edgecolor="#bdbdbd", linewidth=0.5)
    if (cls == no_time).any():
        draw_geometries(ax, geo.geometry[cls == no_time], edgecolor="#969696", hatch="///",
                        linewidth=0.0, zorder=1.5)
    res = comparison.result
    if threshold_minutes is None:
        threshold_minutes = default_threshold_minutes(res)
    lab = None if threshold_minutes is None else f"{float(threshold_minutes):g}"
    crossers = np.zeros(len(geo), dtype=bool)
    if lab is not None and f"loses_{lab}" in rows.columns:
        crossers = rows[f"loses_{lab}"].astype("boolean").fillna(False).to_numpy(bool)
        if crossers.any():
            draw_geometries(ax, geo.geometry[crossers], edgecolor="black", linewidth=2.2,
                            zorder=5)
    ctx = as_context(context, geo)
    numbered = want_numbers(numbers, sites, owns)
    roles = furnish(ax, geo, context=ctx, sites=sites, scenario=res.scenarios[scenario],
                    numbers=numbered, fontscale=fs)
    handles: list[Any] = [Patch(facecolor=colours[c], edgecolor="#bdbdbd",
                                hatch="///" if c == no_time else None, label=labels[c])
                          for c in _legend_classes(comparison, bins)]
    if lab is not None and any(comparison[n][f"loses_{lab}"].astype("boolean").fillna(False)
                               .any() for n in names if f"loses_{lab}" in rows.columns):
        handles.append(Line2D([], [], color="black", linewidth=2.2,
                              label=f"loses {lab}-minute access"))
    handles += role_handles(roles) + context_handles(ctx)
    if title is None:
        summary = comparison.summary.set_index("scenario").loc[scenario]
        words = population_words(comparison.population)
        sub = f"{summary['population_loss']:,.0f} {words} with longer journeys"
        if lab is not None and f"population_loses_{lab}" in summary.index:
            sub += f" · {summary[f'population_loses_{lab}']:,.0f} lose {lab}-minute access"
        title = f"{mpl_text(scenario)} against {mpl_text(comparison.baseline)}\n{sub}"
    close_map(ax, handles, title=title, legend=legend,
              legend_title="Change in minutes to\nthe nearest open site",
              heading="Change in minutes to the nearest open site", source=res, owns=owns,
              fontscale=fs, sites=sites, numbers=numbered, population_year=population_year,
              layout=layout, credits=credits)
    return ax
