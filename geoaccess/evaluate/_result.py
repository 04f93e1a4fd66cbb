"""The result objects of :func:`evaluate` and :func:`compare`, with their exports."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .._deprecate import renamed_option
from .._fs import write_csv, write_excel, write_parquet
from ..scenario import Scenario, scenario_table
from ._common import join_geometry, label, pick_table

__all__ = ["Comparison", "Result"]


class Result:
    """Per-area and summary measures of one or more scenarios (from :func:`evaluate`).

    Attributes
    ----------
    areas : pandas.DataFrame
        Tidy: one row per area and scenario, areas in the input order within each
        scenario, scenarios in the order given. Columns, in order:

        - ``area_id`` (str), ``scenario`` (str: the scenario's name);
        - ``nearest_minutes`` (float): minutes to the nearest open site (NaN = none
          reachable; see ``reason``), ``nearest_site`` (str; missing where none);
        - for each threshold *t* (``within_{t:g}``, e.g. ``within_15``, ``within_7.5``):
          ``within_<t>`` (bool: ``nearest_minutes <= t``), ``share_within_<t>`` (float
          0-1: share of the area's people within *t*) and ``sites_within_<t>`` (int:
          open sites within *t*);
        - with ``by_role=``: ``nearest_minutes_<role>`` and ``nearest_site_<role>``;
        - with ``rules=``: one bool column per rule, named by its key (with origins,
          followed by ``<rule>_share``, the share of the area's people meeting it);
        - with ``measures=``: ``gravity``, ``two_step_fca``, ``enhanced_two_step_fca``;
        - the population column (named as in the areas, e.g. ``children_0_4``; see
          :attr:`population`), float;
        - ``reason`` (str; missing where ``nearest_minutes`` has a value): why
          ``nearest_minutes`` is NaN (the area's origin
          could not be placed on the network, the area is not in the matrix, no route to
          any open site...).

        When the matrix's rows are origins (:attr:`TravelTimes.origins`), each area
        aggregates its origins, weighted by their share of the area's people:
        ``nearest_minutes`` is the weighted mean over origins with a time, followed by
        ``median_minutes`` and ``p90_minutes`` (weighted percentiles over them);
        ``nearest_site`` is the site nearest to most of the area's people, and
        ``nearest_site_share`` that share; ``share_within_<t>`` is fractional (its
        denominator is all of the area's people, including origins with no time),
        ``within_<t>`` says whether at least half are within *t*, and
        ``sites_within_<t>`` is the weighted mean count (float). ``by_role`` columns,
        gravity and 2SFCA values are weighted means; a rule column says whether at
        least half of the people meet it. ``origins`` (count) and ``origin_method``
        (:func:`~geoaccess.summarise_origins`) come before the population column.
        ``nearest_minutes`` is NaN with a reason only where no origin of the area has a
        time.

    summary : pandas.DataFrame
        One row per scenario: ``scenario``, ``open_sites``, ``areas``,
        ``areas_unreachable``, ``population``, ``population_reached``,
        ``population_unreachable``, ``mean_minutes``, ``median_minutes``,
        ``p90_minutes``, ``max_minutes`` (population-weighted over areas with a time; see
        :func:`geoaccess.measures.summarise_minutes`), and for each threshold
        ``population_within_<t>`` and ``share_within_<t>`` (share of all people, DfT
        Journey Time Statistics definition). With origins, every figure counts people
        at their origins (the minutes, percentiles and shares are over origins weighted
        by their people); ``areas_unreachable`` counts areas none of whose origins has
        a time, and a last column ``origins`` counts origins.
    origins : pandas.DataFrame or None
        With origins, one row per origin and scenario: ``origin_id``, ``area_id``,
        ``scenario``, ``nearest_minutes``, ``nearest_site``, with ``rules=`` a bool column
        per rule (whether the home meets it), and the population column (the origin's
        people). None when the rows of the matrix are areas.
    sites : pandas.DataFrame
        One row per scenario and open site: ``scenario``, ``site_id``,
        ``population_nearest`` (people whose nearest open site it is) and
        ``share_nearest`` (of all people). A site that is nobody's nearest reads 0.
    scenarios : dict
        Name → :class:`~geoaccess.Scenario`, in order.
    thresholds : tuple of float
        Thresholds in minutes.
    population : str or None
        Name of the population column used as weights (None: every area weighs 1 and the
        summary's population columns count areas).
    mode : str
        Travel mode of the (main) matrix.
    provenance : dict
        The matrix's provenance plus the settings of this evaluation.
    rules : dict
        Rule column name → :class:`~geoaccess.measures.AccessRule` evaluated
        (``rules=`` of :func:`evaluate`), in order.
    """

    def __init__(self, areas: pd.DataFrame, summary: pd.DataFrame,
                 scenarios: Mapping[str, Scenario], thresholds: tuple[float, ...],
                 population: str | None, mode: str = "unknown",
                 provenance: Mapping[str, Any] | None = None, *,
                 origins: pd.DataFrame | None = None,
                 sites: pd.DataFrame | None = None,
                 rules: Mapping[str, Any] | None = None) -> None:
        self.areas = areas
        self.summary = summary
        self.scenarios = dict(scenarios)
        self.thresholds = tuple(thresholds)
        self.population = population
        self.mode = mode
        self.provenance = dict(provenance or {})
        self.origins = origins
        self.rules = dict(rules or {})
        self.sites = sites if sites is not None else pd.DataFrame(
            columns=["scenario", "site_id", "population_nearest", "share_nearest"])

    def __repr__(self) -> str:
        n = self.areas["area_id"].nunique() if len(self.areas) else 0
        rows = "" if self.origins is None else \
            f", origins={len(self.origins) // max(len(self.scenarios), 1):,}"
        return (f"Result(scenarios={list(self.scenarios)}, areas={n:,}{rows}, "
                f"mode={self.mode!r}, thresholds={[float(t) for t in self.thresholds]})")

    @property
    def scenario_names(self) -> list[str]:
        """Scenario names in order."""
        return list(self.scenarios)

    @property
    def weight_column(self) -> str:
        """Column of :attr:`areas` holding each area's weight (population or ``weight``)."""
        return self.population or "weight"

    def __getitem__(self, scenario: str) -> pd.DataFrame:
        """Rows of one scenario, indexed by ``area_id``."""
        if scenario not in self.scenarios:
            raise KeyError(f"unknown scenario {scenario!r}; scenarios are {self.scenario_names}")
        rows = self.areas[self.areas["scenario"] == scenario]
        return rows.drop(columns="scenario").set_index("area_id")

    def wide(self, column: str = "nearest_minutes") -> pd.DataFrame:
        """One column per scenario of ``column`` (index ``area_id``, areas in input order).

        Examples
        --------
        >>> import pandas as pd, geoaccess as ga
        >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 9.0]}, index=["E1", "E2"]))
        >>> r = ga.evaluate(tt, None, ga.Scenario("A", {"S1": "hub"}))
        >>> r.wide().to_dict("list")
        {'A': [5.0, 9.0]}
        """
        if column not in self.areas.columns:
            raise KeyError(f"no column {column!r}; columns are {list(self.areas.columns)}")
        table = self.areas.pivot(index="area_id", columns="scenario", values=column)
        order = self.areas["area_id"].drop_duplicates()
        table = table.reindex(index=order, columns=self.scenario_names)
        table.columns.name = "scenario"
        return table

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`areas` (the tidy per-area table)."""
        return self.areas.copy()

    def to_geodataframe(self, areas: Any, *, scenario: str | None = None):
        """Join the per-area rows to the areas' geometry, for maps.

        Parameters
        ----------
        areas : geopandas.GeoDataFrame
            Areas from :func:`geoaccess.read_areas` (``area_id`` and geometry).
        scenario : str, optional
            Only this scenario's rows (one per area); default all (one per area and
            scenario).

        Returns
        -------
        geopandas.GeoDataFrame
        """
        return join_geometry(self.areas, areas, scenario, self.scenario_names)

    def method(self) -> pd.DataFrame:
        """Settings and provenance as a two-column table (``item``, ``value``) for reports."""
        rows = [("mode", self.mode), ("thresholds_minutes",
                                      ", ".join(label(t) for t in self.thresholds)),
                ("population", self.population or "(none: each area counts 1)")]
        rows += [(str(k), str(v)) for k, v in self.provenance.items()]
        return pd.DataFrame(rows, columns=["item", "value"])

    def to_csv(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"``, ``"summary"``, ``"sites"`` or ``"origins"`` table to CSV."""
        return write_csv(pick_table(self, table), path)

    def to_parquet(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"``, ``"summary"``, ``"sites"`` or ``"origins"`` table to Parquet."""
        return write_parquet(pick_table(self, table), path)

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write one workbook: sheets ``summary``, ``areas``, ``scenarios``, ``method``."""
        return write_excel(path, {
            "summary": self.summary, "areas": self.areas,
            "scenarios": scenario_table(self.scenarios.values()).reset_index(),
            "method": self.method()})

    def compare(self, baseline: str | None = None, **kwargs: Any) -> Comparison:
        """Shortcut for :func:`compare` ``(self, baseline=..., ...)``."""
        from ._compare import compare  # compare builds a Comparison of this Result

        return compare(self, baseline=baseline, **kwargs)


class Comparison:
    """Each proposal against a baseline, area by area (from :func:`compare`).

    Attributes
    ----------
    areas : pandas.DataFrame
        One row per area and proposal (every scenario but the baseline, in order; areas
        in input order). Columns, in order:

        - ``area_id``, ``scenario`` (the proposal), ``baseline`` (the baseline's name);
        - ``baseline_minutes``, ``nearest_minutes`` (under the proposal),
          ``change_minutes`` (proposal − baseline; NaN when either is missing);
        - ``baseline_site``, ``nearest_site``;
        - ``status``: ``"gain"`` (at least ``tolerance_minutes`` quicker, or a time where
          there was none), ``"loss"`` (at least ``tolerance_minutes`` slower, or no longer
          any reachable open site), ``"unchanged"``, or ``"unknown"`` (no time under
          either: see ``reason``);
        - for each threshold *t*: ``loses_<t>`` (bool: within *t* under the baseline, not
          under the proposal) and ``gains_<t>``;
        - ``crossing`` (str): e.g. ``"loses 15-minute access"``, ``"loses 10- and
          15-minute access"``, ``"gains 20-minute access"``, or ``""``;
        - with rules (``rules=`` of :func:`evaluate`), for each rule *r*: ``loses_<r>``
          (bool: the area meets it under the baseline, not under the proposal) and
          ``gains_<r>``;
        - the population column (named as in the areas; see :attr:`population`);
        - ``reason`` (str; missing where both times exist): why a time is missing.

        Text columns hold missing values as NaN (pandas' string dtype) or None; test
        with :func:`pandas.isna`.

        When the result has origins, the minutes are the areas' means, ``status`` is
        the area mean's, ``loses_<t>``/``gains_<t>`` say whether the majority of the
        area's people crosses *t* (as ``within_<t>`` of :class:`Result`), and, before
        the population column, ``population_gain``, ``population_loss``,
        ``population_unchanged``, ``population_unknown`` (the area's people by the
        status of their origin; an area with no origin is all unknown),
        ``population_loses_<t>`` and ``population_gains_<t>`` (and per rule
        ``population_loses_<r>``, ``population_gains_<r>``: homes meeting it before and
        not after, or the reverse) count the area's people origin by origin: sum them
        over a group of areas for exact counts of people.

    summary : pandas.DataFrame
        One row per proposal: ``scenario``, ``baseline``, ``areas_gain``, ``areas_loss``,
        ``areas_unchanged``, ``areas_unknown``, ``population_gain``,
        ``population_loss``, ``population_unchanged``, ``population_unknown``,
        ``mean_change_minutes`` (population-weighted over areas with both times),
        ``max_change_minutes``, and per threshold ``population_loses_<t>``,
        ``population_gains_<t>``, ``areas_loses_<t>``, ``areas_gains_<t>``, and the same
        four per rule *r* (``population_loses_<r>``...). With
        origins, every ``population_*`` figure and the mean change count people at
        their origins (``areas_*`` still count areas), and ``max_change_minutes`` is
        the largest change of any origin with people.
    origins : pandas.DataFrame or None
        With origins, one row per origin and proposal: ``origin_id``, ``area_id``,
        ``scenario``, ``baseline_minutes``, ``nearest_minutes``, ``change_minutes``,
        ``status``, ``loses_<t>``, ``gains_<t>`` and the population column.
    baseline : str
        Name of the baseline scenario.
    tolerance_minutes : float
        Changes no larger than this count as unchanged.
    thresholds : tuple of float
    population : str or None
        Population column (as in :attr:`Result.population`).
    result : Result
        The evaluation compared.
    """

    def __init__(self, areas: pd.DataFrame, summary: pd.DataFrame, baseline: str,
                 tolerance_minutes: float, result: Result, *,
                 origins: pd.DataFrame | None = None) -> None:
        self.areas = areas
        self.origins = origins
        self.summary = summary
        self.baseline = baseline
        self.tolerance_minutes = float(tolerance_minutes)
        self.result = result
        self.thresholds = result.thresholds
        self.population = result.population

    def __repr__(self) -> str:
        return (f"Comparison(baseline={self.baseline!r}, proposals={self.scenario_names}, "
                f"tolerance_minutes={self.tolerance_minutes:g})")

    @property
    def scenario_names(self) -> list[str]:
        """Proposal names in order (the baseline excluded)."""
        return [s for s in self.result.scenario_names if s != self.baseline]

    @property
    def weight_column(self) -> str:
        """Column of :attr:`areas` holding each area's weight."""
        return self.result.weight_column

    def __getitem__(self, scenario: str) -> pd.DataFrame:
        """Rows of one proposal, indexed by ``area_id``."""
        if scenario not in self.scenario_names:
            raise KeyError(f"unknown proposal {scenario!r}; proposals are "
                           f"{self.scenario_names}")
        rows = self.areas[self.areas["scenario"] == scenario]
        return rows.drop(columns="scenario").set_index("area_id")

    def losers(self, scenario: str, threshold_minutes: float | None = None, *,
               threshold: float | None = None) -> pd.DataFrame:
        """Areas that lose under ``scenario`` (status loss, or crossing a threshold).

        Parameters
        ----------
        scenario : str
            A proposal's name.
        threshold_minutes : float, optional
            Only areas that lose access within this many minutes (``loses_<t>``).
        threshold : float, optional
            Old name of ``threshold_minutes`` (FutureWarning).

        Returns
        -------
        pandas.DataFrame
            The proposal's rows (as ``comparison[scenario]``) of the losing areas.
        """
        minutes = renamed_option(threshold_minutes, threshold, new="threshold_minutes",
                                 old="threshold", func="Comparison.losers")
        rows = self[scenario]
        if minutes is None:
            return rows[rows["status"] == "loss"]
        col = f"loses_{label(minutes)}"
        if col not in rows.columns:
            raise KeyError(f"no threshold {minutes}; thresholds are {list(self.thresholds)}")
        return rows[rows[col]]

    def to_frame(self) -> pd.DataFrame:
        """A copy of :attr:`areas`."""
        return self.areas.copy()

    def to_geodataframe(self, areas: Any, *, scenario: str | None = None):
        """Join the per-area rows to the areas' geometry (see :meth:`Result.to_geodataframe`)."""
        return join_geometry(self.areas, areas, scenario, self.scenario_names)

    def to_csv(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"``, ``"summary"`` or ``"origins"`` table to CSV (atomically)."""
        return write_csv(pick_table(self, table), path)

    def to_parquet(self, path: str | os.PathLike[str], *, table: str = "areas") -> Path:
        """Write the ``"areas"``, ``"summary"`` or ``"origins"`` table to Parquet."""
        return write_parquet(pick_table(self, table), path)

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write one workbook: the comparison's and the evaluation's tables.

        Sheets ``change_summary``, ``change_areas``, ``summary``, ``areas``,
        ``scenarios`` and ``method``.
        """
        return write_excel(path, {
            "change_summary": self.summary, "change_areas": self.areas,
            "summary": self.result.summary, "areas": self.result.areas,
            "scenarios": scenario_table(self.result.scenarios.values()).reset_index(),
            "method": self.result.method()})
