"""Charts of access: equality by group, cumulative access, and the optimiser's curves.

- :func:`plot_equality`: share within a threshold by IMD decile (or any group), one bar
  per scenario;
- :func:`plot_cumulative`: % of people within *t* minutes, one line per scenario;
- :func:`plot_trade_off`: best achievable access for each number of sites kept
  (:func:`geoaccess.trade_off`);
- :func:`plot_frontier`: overall access against a group's access
  (:func:`geoaccess.equity_frontier`);
- :func:`plot_cost_frontier`: the best access for each running-cost budget, with the
  sites today and the proposals (:func:`geoaccess.cost_frontier`).

Each returns the matplotlib Axes it drew on.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0]}, index=["E1", "E2"]))
>>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]})
>>> r = ga.evaluate(tt, areas, ga.Scenario("Now", {"S1": "hub"}), population="kids")
>>> plot_cumulative(r).get_title(loc="left")
'How many kids are within t minutes of an open site'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._deprecate import renamed_option
from ..equality import breakdown
from ..errors import InputError
from ..measures import threshold_label
from ._common import mpl_text, new_axes, result_of, scenario_names, tidy_chart
from .labels import default_threshold_minutes, mode_words, population_words
from .style import SCENARIO_COLOURS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from ..evaluate import Comparison, Result
    from ..optimise import Solution
    from ..scenario import Scenario

__all__ = ["plot_cost_frontier", "plot_cumulative", "plot_equality", "plot_frontier",
           "plot_trade_off"]

# Okabe-Ito, as in SCENARIO_COLOURS
_BLUE, _ORANGE, _GREY = "#0072B2", "#E69F00", "#7f7f7f"


def plot_equality(
    result: Result | Comparison,
    areas: pd.DataFrame,
    *,
    by: str = "imd_decile",
    threshold_minutes: float | None = None,
    scenarios: Iterable[str | Scenario | Solution] | None = None,
    population: str | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    threshold: float | None = None,
) -> Axes:
    """Bar chart: share of people within a threshold, by group (IMD decile), per scenario.

    Computed with :func:`geoaccess.equality.breakdown` (population weighted; the share
    counts everyone in the group, including anyone with no time).

    Parameters
    ----------
    result : Result or Comparison
    areas : pandas.DataFrame
        The areas, with the ``by`` column.
    by : str
        Grouping column (``imd_decile``, ``imd_quintile`` (derived), ``ward``...).
    threshold_minutes : float, optional
        Minutes (default 15 when evaluated; the old name ``threshold=`` still works, with
        a FutureWarning).
    scenarios : iterable of str, Scenario or Solution, optional
        Bars per group, in order, by name or as the scenarios themselves (default every
        scenario).
    population : str, optional
        Population column (default the result's).
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0], "S2": [12.0, 8.0]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0],
    ...                       "imd_decile": [3, 8]})
    >>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
    ...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
    >>> ax = plot_equality(r, areas)
    >>> [round(p.get_height()) for p in ax.patches]
    [100, 100, 100, 0]
    """
    threshold_minutes = renamed_option(threshold_minutes, threshold, new="threshold_minutes",
                                       old="threshold", func="plot_equality")
    res = result_of(result)
    names = scenario_names(res, scenarios)
    thr = (default_threshold_minutes(res) if threshold_minutes is None
           else float(threshold_minutes))
    if thr is None:
        raise InputError("plot_equality: the result has no thresholds",
                         column="threshold_minutes")
    lab = f"{thr:g}"
    col = f"share_within_{lab}"
    table = breakdown(res, areas, by=by, population=population, total=False)
    if col not in table.columns:
        raise InputError(f"plot_equality: threshold {lab} minutes was not evaluated; "
                         f"thresholds are {[float(t) for t in res.thresholds]}",
                         column="threshold_minutes")
    groups = list(dict.fromkeys(table[by].tolist()))
    ax = new_axes(ax, (8, 4.8))
    width = 0.8 / max(len(names), 1)
    x = np.arange(len(groups))
    for j, name in enumerate(names):
        rows = table[table["scenario"] == name].set_index(by).reindex(groups)
        ax.bar(x - 0.4 + width * (j + 0.5), rows[col].to_numpy(np.float64) * 100, width,
               label=mpl_text(name), color=SCENARIO_COLOURS[j % len(SCENARIO_COLOURS)],
               edgecolor="white", linewidth=0.5)
    pops = table[table["scenario"] == names[0]].set_index(by).reindex(groups)["population"]
    words = population_words(table.attrs.get("population") or res.population)
    ticks = [f"{g}\n({p:,.0f})" for g, p in zip(groups, pops, strict=True)]
    ax.set_xticks(x, ticks, fontsize=8)
    xlabel = {"imd_decile": "IMD decile (1 = most deprived 10% in England)",
              "imd_quintile": "IMD quintile (1 = most deprived 20% in England)"}.get(
                  by, by.replace("_", " "))
    ax.set_xlabel(f"{xlabel}\nbelow each group: {words} living there", fontsize=8.5)
    mode = mode_words(res.mode)
    ax.set_ylabel(f"% of {words} within {lab} min", fontsize=9)
    ax.set_ylim(0, 105)
    tidy_chart(ax)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or f"Share of {words} within {lab} minutes"
                 f"{' ' + mode if mode else ''} of an open site, by group",
                 fontsize=11, loc="left")
    return ax


def plot_cumulative(
    result: Result | Comparison,
    *,
    scenarios: Iterable[str | Scenario | Solution] | None = None,
    axis_max_minutes: float | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    max_minutes: float | None = None,
) -> Axes:
    """Cumulative curve: % of people within *t* minutes of an open site, per scenario.

    For each scenario the population-weighted share of everyone (including people with
    no time, who never count) whose nearest open site is at most *t* minutes away,
    drawn as a step line. Dotted lines mark the evaluated thresholds.

    Parameters
    ----------
    result : Result or Comparison
    scenarios : iterable of str, Scenario or Solution, optional
        Lines, in order, by name or as the scenarios themselves (default every scenario).
    axis_max_minutes : float, optional
        Right end of the axis (default: the longest time, rounded up to 5 minutes). The
        old name ``max_minutes=`` still works, with a FutureWarning (``max_minutes`` now
        means only the search bound of routing).
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    Two areas, 10 and 30 children, at 5 and 25 minutes: 25% are within 5 minutes, all
    within 25.

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25.0]}, index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0]})
    >>> r = ga.evaluate(tt, areas, ga.Scenario("Now", {"S1": "hub"}), population="kids")
    >>> line = plot_cumulative(r).get_lines()[0]
    >>> line.get_xdata()[:3].tolist(), line.get_ydata()[:3].tolist()
    ([0.0, 5.0, 25.0], [0.0, 25.0, 100.0])
    """
    axis_max_minutes = renamed_option(axis_max_minutes, max_minutes, new="axis_max_minutes",
                                      old="max_minutes", func="plot_cumulative")
    res = result_of(result)
    names = scenario_names(res, scenarios)
    weight = res.weight_column
    ax = new_axes(ax, (8, 4.8))
    top = 0.0
    for j, name in enumerate(names):
        rows = res[name]
        m = rows["nearest_minutes"].to_numpy(np.float64)
        w = rows[weight].to_numpy(np.float64)
        total = w.sum()
        ok = np.isfinite(m)
        order = np.argsort(m[ok], kind="stable")
        ms, ws = m[ok][order], w[ok][order]
        if len(ms):
            top = max(top, float(ms[-1]))
        # distinct times with the share reached at each
        uniq, idx = np.unique(ms, return_index=True)
        cum = np.cumsum(ws)
        last = np.r_[idx[1:] - 1, len(ms) - 1] if len(ms) else np.array([], dtype=int)
        xs = np.r_[0.0, uniq]
        ys = np.r_[0.0, cum[last] / total * 100 if total > 0 else np.zeros(len(last))]
        ax.step(xs, ys, where="post", label=mpl_text(name), linewidth=1.8,
                color=SCENARIO_COLOURS[j % len(SCENARIO_COLOURS)],
                linestyle=("-", "--", "-.", ":")[j % 4])
    xmax = (float(axis_max_minutes) if axis_max_minutes
            else max(5.0, math.ceil(top / 5.0) * 5.0))
    for line in ax.get_lines():
        xs = np.asarray(line.get_xdata(), dtype=np.float64)
        ys = np.asarray(line.get_ydata(), dtype=np.float64)
        line.set_data(np.r_[xs, xmax], np.r_[ys, ys[-1]])
    for t in res.thresholds:
        if t <= xmax:
            ax.axvline(float(t), color="#aaaaaa", linewidth=0.7, linestyle=":", zorder=0)
    words = population_words(res.population)
    mode = mode_words(res.mode)
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, 102)
    ax.set_xlabel(f"Minutes to the nearest open site{' (' + mode + ')' if mode else ''}",
                  fontsize=9)
    ax.set_ylabel(f"% of {words} within t minutes", fontsize=9)
    tidy_chart(ax, grid_below=False)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title(title or f"How many {words} are within t minutes of an open site",
                 fontsize=11, loc="left")
    return ax


def plot_trade_off(frame: pd.DataFrame, ax: Axes | None = None, *,
                   title: str | None = None) -> Axes:
    """Chart of :func:`~geoaccess.trade_off`: best mean journey and best coverage by sites kept.

    The p-median optimum's mean minutes (left axis, solid blue) and the coverage
    optimum's share within the threshold (right axis, dashed orange) against the number
    of sites kept; proposals appear as labelled markers on both. Points not proven
    optimal are drawn hollow.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`~geoaccess.trade_off`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default a new figure).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        The left (mean minutes) axes; the right one is ``ax.right_ax``.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 9, 8], "S2": [10.0, 3, 9], "S3": [9.0, 8, 1]},
    ...     index=["E1", "E2", "E3"]))
    >>> ax = ga.plot_trade_off(ga.trade_off(tt, threshold_minutes=5))
    >>> ax.get_xlabel()
    'Sites kept'
    """
    need = {"problem", "p", "mean_minutes"}
    if not isinstance(frame, pd.DataFrame) or not need <= set(frame.columns):
        raise InputError("plot_trade_off: expected the DataFrame of geoaccess.trade_off")
    t = frame.attrs.get("threshold_minutes")
    share_cols = [c for c in frame.columns if c.startswith("share_within_")]
    scol = f"share_within_{threshold_label(t)}" if t is not None else (
        share_cols[0] if share_cols else None)
    lab = scol.removeprefix("share_within_") if scol else ""
    ax = new_axes(ax, (8, 4.8), constrained=False)
    words = population_words(frame.attrs.get("population"))
    handles = []
    pm = frame[frame["problem"] == "p_median"].sort_values("p")
    right = None
    if len(pm):
        (line,) = ax.plot(pm["p"], pm["mean_minutes"], color=_BLUE, linewidth=1.8,
                          label="shortest mean journey (p-median)")
        proven = pm["status"] == "optimal"
        ax.scatter(pm["p"][proven], pm["mean_minutes"][proven], color=_BLUE, s=14, zorder=3)
        ax.scatter(pm["p"][~proven], pm["mean_minutes"][~proven], facecolor="white",
                   edgecolor=_BLUE, s=18, zorder=3)
        handles.append(line)
        ax.set_ylabel("Mean minutes to the nearest site", fontsize=9, color=_BLUE)
        ax.set_ylim(bottom=0)
    mc = frame[frame["problem"] == "max_coverage"].sort_values("p")
    if len(mc) and scol:
        right = ax.twinx() if len(pm) else ax
        (line2,) = right.plot(mc["p"], mc[scol] * 100, color=_ORANGE, linewidth=1.8,
                              linestyle="--", label=f"most {words} within {lab} min "
                                                    "(max coverage)")
        proven = mc["status"] == "optimal"
        right.scatter(mc["p"][proven], mc[scol][proven] * 100, color=_ORANGE, s=14,
                      zorder=3, marker="s")
        right.scatter(mc["p"][~proven], mc[scol][~proven] * 100, facecolor="white",
                      edgecolor=_ORANGE, s=18, zorder=3, marker="s")
        handles.append(line2)
        right.set_ylabel(f"% of {words} within {lab} minutes", fontsize=9, color=_ORANGE)
        right.set_ylim(0, 102)
        if right is not ax:
            right.spines["top"].set_visible(False)
    props = frame[frame["problem"] == "proposal"]
    marks: dict[str, Any] = {}
    for _, row in props.iterrows():
        if len(pm):
            marks["mean"] = ax.scatter([row["p"]], [row["mean_minutes"]], marker="D",
                                       color="black", s=40, zorder=4,
                                       label="proposal: mean minutes")
        if right is not None and scol:
            marks["share"] = right.scatter([row["p"]], [row[scol] * 100], marker="D",
                                           facecolor="white", edgecolor="black", s=40,
                                           zorder=4, label=f"proposal: % within {lab} min")
        # name each proposal once, beside its first marker
        at_ax, at_y = (ax, row["mean_minutes"]) if len(pm) else (
            right, row[scol] * 100 if scol else np.nan)
        if at_ax is not None:
            at_ax.annotate(str(row["scenario"]), (row["p"], at_y),
                           textcoords="offset points", xytext=(7, 5), fontsize=8)
    handles += list(marks.values())
    ax.set_xlabel("Sites kept", fontsize=9)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    tidy_chart(ax)
    if right is not None and right is not ax:
        right.spines["right"].set_visible(True)
    # below the axes: the curves can run anywhere inside them
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, -0.13), ncol=2)
    ax.set_title(title or "Best achievable access for each number of sites kept",
                 fontsize=11, loc="left")
    ax.right_ax = right  # type: ignore[attr-defined]
    return ax


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def plot_frontier(frame: pd.DataFrame, ax: Axes | None = None, *,
                  title: str | None = None) -> Axes:
    """Chart of :func:`~geoaccess.equity_frontier`: overall access against the group's access.

    Each point is a Pareto-efficient choice of sites; from the most efficient (overall
    optimum) to the most equal (best for the group), with the group's measure on the
    horizontal axis and everyone's on the vertical axis.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`~geoaccess.equity_frontier`.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 25], "S2": [30.0, 10]},
    ...                                             index=["E1", "E2"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2"], "kids": [300.0, 100],
    ...                       "deprived": [False, True]})
    >>> f = ga.equity_frontier(tt, areas, p=1, group="deprived", steps=2, population="kids")
    >>> ga.plot_frontier(f).get_xlabel()
    'Deprived: % within 15 minutes'
    """
    if not isinstance(frame, pd.DataFrame) or "step" not in frame.columns:
        raise InputError("plot_frontier: expected the DataFrame of geoaccess.equity_frontier")
    measure = frame.attrs.get("measure") or (
        "share_within" if any(c.startswith("group_share") for c in frame.columns)
        else "mean_minutes")
    t = frame.attrs.get("threshold_minutes", 15.0)
    lab = threshold_label(t)
    group = frame.attrs.get("group", "group")
    words = population_words(frame.attrs.get("population"))
    ax = new_axes(ax, (6.5, 5), constrained=False)
    if measure == "share_within":
        x = frame[f"group_share_within_{lab}"] * 100
        y = frame[f"share_within_{lab}"] * 100
        ax.set_xlabel(f"{_capital(group)}: % within {lab} minutes", fontsize=9)
        ax.set_ylabel(f"All {words}: % within {lab} minutes", fontsize=9)
    else:
        x = frame["group_mean_minutes"]
        y = frame["mean_minutes"]
        ax.set_xlabel(f"{_capital(group)}: mean minutes", fontsize=9)
        ax.set_ylabel(f"All {words}: mean minutes", fontsize=9)
    ax.plot(x, y, color=_BLUE, linewidth=1.6, marker="o", markersize=5, zorder=3)
    # a near-flat frontier must look flat: never zoom below a minute or 5 points
    span = 5.0 if measure == "share_within" else 1.0
    for values, setter in ((x, ax.set_xlim), (y, ax.set_ylim)):
        if len(values) and np.isfinite(values).any():
            lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
            if hi - lo < span:
                mid = (lo + hi) / 2
                lo, hi = mid - span / 2, mid + span / 2
            pad = 0.08 * (hi - lo)
            setter(lo - pad, hi + pad)
    ax.ticklabel_format(useOffset=False, style="plain")
    tidy_chart(ax)
    if len(frame):
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        same = len(frame) == 1 or (
            abs(x.iloc[-1] - x.iloc[0]) < 0.03 * (x1 - x0)
            and abs(y.iloc[-1] - y.iloc[0]) < 0.03 * (y1 - y0))
        ax.annotate("most efficient" + (" = best for the group" if same else ""),
                    (x.iloc[0], y.iloc[0]), textcoords="offset points", xytext=(8, 4),
                    fontsize=8, color=_GREY)
        if not same:
            ax.annotate("best for the group", (x.iloc[-1], y.iloc[-1]),
                        textcoords="offset points", xytext=(8, -10), fontsize=8,
                        color=_GREY)
    ax.xaxis.grid(True, color="#dddddd", linewidth=0.6)
    p = frame.attrs.get("p")
    ax.set_title(title or f"Efficiency against equity{f' ({p} sites)' if p else ''}",
                 fontsize=11, loc="left")
    return ax


def _pounds(value: float, _pos: Any = None) -> str:
    """Pounds for an axis: £950, £48k, £1.2m."""
    v = float(value)
    if abs(v) >= 1e6:
        return f"£{v / 1e6:.1f}m"
    if abs(v) >= 1e4:
        return f"£{v / 1e3:.0f}k"
    return f"£{v:,.0f}"


def plot_cost_frontier(frame: pd.DataFrame, ax: Axes | None = None, *,
                       measure: str | None = None, title: str | None = None) -> Axes:
    """Chart of :func:`~geoaccess.cost_frontier`: the best access for each running cost.

    The frontier (the best access any configuration gives for its running cost a year)
    as a step line, today's sites as a black star and the proposals as diamonds, each
    labelled with its saving: options above-right of the line cost more than they need
    for the access they give.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`~geoaccess.cost_frontier`.
    ax : matplotlib.axes.Axes, optional
    measure : {"mean_minutes", "share_within"}, optional
        The access drawn; default the one optimised (mean minutes for p-median, the share
        within the threshold for coverage).
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 8], "S2": [6.0, 3], "S3": [9.0, 9]}, index=["E1", "E2"]))
    >>> sites = pd.DataFrame({"site_id": ["S1", "S2", "S3"], "kind": "centre",
    ...                       "running_cost": [50_000.0, 30_000, 20_000]})
    >>> ax = ga.plot_cost_frontier(ga.cost_frontier(tt, sites=sites, steps=3))
    >>> ax.get_xlabel()
    'Running cost of the sites kept (£ a year)'
    """
    need = {"problem", "running_cost", "mean_minutes"}
    if not isinstance(frame, pd.DataFrame) or not need <= set(frame.columns):
        raise InputError("plot_cost_frontier: expected the DataFrame of "
                         "geoaccess.cost_frontier")
    problem = frame.attrs.get("problem", "p_median")
    measure = measure or ("mean_minutes" if problem == "p_median" else "share_within")
    if measure not in ("mean_minutes", "share_within"):
        raise InputError(f"plot_cost_frontier: measure must be 'mean_minutes' or "
                         f"'share_within', got {measure!r}")
    t = frame.attrs.get("threshold_minutes", 15.0)
    lab = threshold_label(t)
    words = population_words(frame.attrs.get("population"))
    col, scale = (("mean_minutes", 1.0) if measure == "mean_minutes"
                  else (f"share_within_{lab}", 100.0))
    ax = new_axes(ax, (7.5, 4.8), constrained=False)
    best = frame[(frame["problem"] == problem) & frame["running_cost"].notna()]
    best = best.drop_duplicates("sites").sort_values("running_cost")
    handles: list[Any] = []
    if len(best):
        (line,) = ax.step(best["running_cost"], best[col] * scale, where="post", color=_BLUE,
                          linewidth=1.8, label="best access for the money")
        ax.scatter(best["running_cost"], best[col] * scale, color=_BLUE, s=16, zorder=3)
        handles.append(line)
    for kind, marker, size, face in (("current", "*", 140, "black"),
                                     ("proposal", "D", 45, "white")):
        rows = frame[frame["problem"] == kind]
        for _, row in rows.iterrows():
            h = ax.scatter([row["running_cost"]], [row[col] * scale], marker=marker, s=size,
                           facecolor=face, edgecolor="black", zorder=4,
                           label="today's sites" if kind == "current" else "proposal")
            saving = row.get("saving", np.nan)
            note = str(row["scenario"]) + (f" (saves {_pounds(saving)})"
                                           if kind == "proposal" and pd.notna(saving)
                                           and saving > 0 else "")
            ax.annotate(mpl_text(note), (row["running_cost"], row[col] * scale),
                        textcoords="offset points", xytext=(7, 5), fontsize=8)
            if h.get_label() not in [x.get_label() for x in handles]:
                handles.append(h)
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(_pounds))
    ax.set_xlabel("Running cost of the sites kept (£ a year)", fontsize=9)
    if measure == "mean_minutes":
        ax.set_ylabel(f"Mean minutes to the nearest site ({words})", fontsize=9)
        ax.set_ylim(bottom=0)
    else:
        ax.set_ylabel(f"% of {words} within {lab} minutes", fontsize=9)
        ax.set_ylim(0, 102)
    tidy_chart(ax)
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="best")
    ax.set_title(title or "What each running-cost budget buys", fontsize=11, loc="left")
    return ax
