"""The four location models: which ``p`` sites to keep, or the fewest that cover everyone.

======================  ==========================================================
function                keeps
======================  ==========================================================
:func:`p_median`        ``p`` sites, shortest population-weighted mean journey
:func:`max_coverage`    ``p`` sites, most people within ``threshold_minutes``
:func:`set_cover`       the fewest sites with everyone within ``threshold_minutes``
:func:`p_center`        ``p`` sites, shortest worst journey
======================  ==========================================================

Each builds the :class:`~geoaccess.optimise.problem.Instance` of its call once (the
matrix, the areas and the :class:`~geoaccess.Constraints`) and solves it
(:func:`geoaccess.optimise.solve.solve`).

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [10.0, 30, 25], "S2": [20.0, 12, 14]}, index=["E1", "E2", "E3"]))
>>> ga.p_median(tt, p=1).open_sites, ga.p_center(tt, p=1).objective
(['S2'], 20.0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd

from ..matrix import TravelTimes
from ..scenario import Scenario
from .equity import Equity
from .problem import Constraints, instance_of, minutes_value
from .solution import Solution
from .solve import SolverOptions, solve

__all__ = ["max_coverage", "p_center", "p_median", "set_cover"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _constraint_parameters() -> str:
    """The parameters section of :class:`Constraints`, shared by every optimiser's docstring."""
    doc = Constraints.__doc__ or ""
    start = doc.find("----------\n")
    end = doc.find("\n\n    Examples")
    return doc[start + len("----------\n"):end].strip() if start >= 0 and end > start else ""


COMMON_PARAMETERS = f"""tt : TravelTimes
        The area → site matrix (:func:`geoaccess.travel_times`); a DataFrame of minutes
        is wrapped with :meth:`TravelTimes.from_frame`.
    areas : pandas.DataFrame, optional
        The areas (:func:`geoaccess.read_areas`): ``area_id``, the population column and
        attributes (``ward``, ``imd_decile``...). Every area appears in the result; areas
        missing from the matrix are reported, never dropped. Without it the matrix's
        areas count 1 each.
    population : str, optional
        Population column of ``areas`` (default: the first of
        ``areas.attrs["population"]``). A Series indexed by ``area_id`` still works but
        is deprecated (FutureWarning): add it to the areas as a column.
    {_constraint_parameters()}
    method : {{"auto", "exact", "heuristic"}}
        ``"auto"`` runs the heuristic, then HiGHS, and keeps the better answer (with
        the solver's bound); ``"exact"`` only HiGHS; ``"heuristic"`` only greedy +
        Teitz-Bart interchange (no capacities or equity; ``gap`` is NaN).
    time_limit : float
        Seconds allowed to each solver call (default 60). On reaching it the best answer
        so far is returned with ``status="time_limit"`` and its ``gap``.
    mip_rel_gap : float
        Relative gap at which the solver stops (default 1e-6: optimal to 0.0001%).
    name : str, optional
        Name of the returned scenario.
    seed : int, optional
        Randomises the order in which the heuristic tries sites (default: site order).
    constraints : Constraints, optional
        The constraints above (``must_keep`` to ``equity``) given at once; their keywords
        are then left unset.
    rules : Constraints, optional
        Old name of ``constraints`` (FutureWarning; in :func:`geoaccess.evaluate`,
        ``rules=`` are access standards)."""


def _doc(func: _F) -> _F:
    if func.__doc__:
        func.__doc__ = func.__doc__.replace("{common}", COMMON_PARAMETERS)
    return func


@_doc
def p_median(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p: int | None = None,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    equity: Equity | Sequence[Equity] | None = None,
    current: Scenario | Solution | None = None,
    budget: float | None = None,
    min_saving: float | None = None,
    catchment: str = "nearest",
    unserved_minutes: float | None = None,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
) -> Solution:
    """Keep ``p`` sites so that the population-weighted mean journey is shortest.

    The p-median problem (Hakimi 1964; ReVelle and Swain 1970): choose ``p`` sites and
    serve each area from its nearest open one, minimising the sum of population ×
    minutes; ``Solution.objective`` is that sum divided by the population served, i.e.
    the mean minutes of :func:`geoaccess.measures.summarise_minutes`.

    Parameters
    ----------
    {common}
    p : int, optional
        Number of sites to keep open; may be left out with a ``budget`` or
        ``min_saving`` (any number of sites within it).
    unserved_minutes : float, optional
        By default every area with people that some candidate reaches must be left a
        reachable open site (a hard rule: with sparse matrices, e.g. computed with
        ``max_minutes``, it can force choices or make small ``p`` infeasible). Give a
        number of minutes to count an area left without a reachable open site as that
        far instead (and any longer journey as that long), e.g. the matrix's
        ``max_minutes``.

    Returns
    -------
    Solution
        ``objective`` = mean minutes (population-weighted, over areas that a candidate
        reaches).

    Raises
    ------
    InfeasibleError
        When the constraints cannot all hold.

    Examples
    --------
    Three areas of 100 children, two of three sites to keep; S3 must stay open::

            S1  S2  S3
        E1   1   9   5      keep S1+S3: 1 + 6 + 5 = 12 -> mean 4
        E2   9   2   6      keep S2+S3: 5 + 2 + 5 = 12 -> mean 4 (tie)
        E3   8   7   5

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [1.0, 9, 8], "S2": [9.0, 2, 7], "S3": [5.0, 6, 5]},
    ...     index=["E1", "E2", "E3"]))
    >>> sol = ga.p_median(tt, p=2, must_keep=["S3"])
    >>> round(sol.objective, 6), "S3" in sol.open_sites, sol.gap
    (4.0, True, 0.0)
    """
    options = SolverOptions(method, time_limit, mip_rel_gap, seed)
    inst = instance_of(tt, areas, locals(), what="p_median")
    return solve(inst, "p_median", p=inst.optional_p(p, "p_median"),
                 unserved_minutes=unserved_minutes,
                 tie_break=False, name=name, options=options)


@_doc
def max_coverage(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p: int | None = None,
    threshold_minutes: float = 15.0,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    equity: Equity | Sequence[Equity] | None = None,
    current: Scenario | Solution | None = None,
    budget: float | None = None,
    min_saving: float | None = None,
    catchment: str = "nearest",
    tie_break: bool = True,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
) -> Solution:
    """Keep ``p`` sites so that the most people are within ``threshold_minutes``.

    The maximal covering location problem (Church and ReVelle 1974). Many choices
    often reach the same number of people; with ``tie_break`` (default) a second solve
    picks, among them, the one with the shortest population-weighted mean journey.

    Parameters
    ----------
    {common}
    p : int, optional
        Number of sites to keep open; may be left out with a ``budget`` or
        ``min_saving`` (any number of sites within it).
    threshold_minutes : float
        An area is covered when an open site is at most this many minutes away
        (default 15). With capacities, its people count as covered in so far as they
        are assigned to sites within it.
    tie_break : bool
        Among equally good choices, prefer the shortest mean journey (a second solve,
        given at most 10 seconds or ``time_limit``; if it runs out, its best answer so far
        is used, which is as good on the coverage).

    Returns
    -------
    Solution
        ``objective`` = population within ``threshold_minutes``.

    Examples
    --------
    Keep 1 site; S2 reaches E2 and E3 (150 children) within 15 minutes, S1 only E1 (100)::

            S1  S2   children
        E1  10  20   100
        E2  30  12    80
        E3  25  14    70

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [10.0, 30, 25], "S2": [20.0, 12, 14]}, index=["E1", "E2", "E3"]))
    >>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 80, 70]})
    >>> sol = ga.max_coverage(tt, areas, p=1, threshold_minutes=15, population="children")
    >>> sol.open_sites, sol.objective
    (['S2'], 150.0)
    """
    options = SolverOptions(method, time_limit, mip_rel_gap, seed)
    inst = instance_of(tt, areas, locals(), what="max_coverage")
    return solve(inst, "max_coverage", p=inst.optional_p(p, "max_coverage"),
                 threshold=minutes_value(threshold_minutes), tie_break=tie_break, name=name,
                 options=options)


@_doc
def set_cover(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    threshold_minutes: float = 15.0,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    current: Scenario | Solution | None = None,
    budget: float | None = None,
    min_saving: float | None = None,
    catchment: str = "nearest",
    tie_break: bool = True,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
) -> Solution:
    """The fewest sites that leave everyone within ``threshold_minutes`` of one.

    The location set covering problem (Toregas et al. 1971). Areas that no candidate
    reaches within the threshold cannot be covered whatever is chosen: they are listed
    in ``Solution.not_served`` (with the minutes to their nearest candidate) and the
    rest are covered. Areas with no people need no cover. With ``tie_break``
    (default), among the smallest sets the one with the shortest mean journey is
    returned.

    Parameters
    ----------
    {common}
    threshold_minutes : float
        Everyone (who can be) must be within this many minutes of an open site.
    tie_break : bool
        Among the smallest sets, prefer the shortest mean journey.

    Returns
    -------
    Solution
        ``objective`` = number of sites.

    Examples
    --------
    E3 is 40 minutes from every site: it cannot be covered within 15 and is reported::

            S1  S2  S3
        E1  10  30  12
        E2  25  14  13
        E3  40  45  50

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [10.0, 25, 40], "S2": [30.0, 14, 45], "S3": [12.0, 13, 50]},
    ...     index=["E1", "E2", "E3"]))
    >>> sol = ga.set_cover(tt, threshold_minutes=15)
    >>> sol.open_sites, sol.not_served.index.tolist()
    (['S3'], ['E3'])
    """
    options = SolverOptions(method, time_limit, mip_rel_gap, seed)
    inst = instance_of(tt, areas, locals(), what="set_cover")
    return solve(inst, "set_cover", threshold=minutes_value(threshold_minutes),
                 tie_break=tie_break, name=name, options=options)


@_doc
def p_center(
    tt: TravelTimes | pd.DataFrame,
    areas: pd.DataFrame | None = None,
    *,
    p: int | None = None,
    population: str | pd.Series | None = None,
    must_keep: Iterable[str] = (),
    must_close: Iterable[str] = (),
    candidates: Iterable[str] | None = None,
    sites: pd.DataFrame | None = None,
    role: str | None = None,
    zones: str | Mapping[str, Any] | None = None,
    min_per_zone: int | Mapping[Any, int] | None = 1,
    max_per_zone: int | Mapping[Any, int] | None = None,
    capacity: bool | str | Mapping[str, float] | None = None,
    capacity_scale: float = 1.0,
    single_source: bool = False,
    current: Scenario | Solution | None = None,
    budget: float | None = None,
    min_saving: float | None = None,
    catchment: str = "nearest",
    tie_break: bool = True,
    method: str = "auto",
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    name: str | None = None,
    seed: int | None = None,
    constraints: Constraints | None = None,
    rules: Constraints | None = None,
) -> Solution:
    """Keep ``p`` sites so that the longest journey of anyone is shortest.

    The p-center problem (Hakimi 1965), solved exactly by a binary search over the
    matrix's distinct times, each step asking the solver whether ``p`` sites can put
    every area with people within that time. Areas with no people do not count; areas
    no candidate reaches are reported in ``Solution.not_served``. With ``tie_break``
    (default) the shortest mean journey is chosen among the best worst cases.

    Parameters
    ----------
    {common}
    p : int, optional
        Number of sites to keep open; may be left out with a ``budget`` or
        ``min_saving`` (any number of sites within it).
    tie_break : bool
        Among choices with the same worst journey, prefer the shortest mean journey.

    Returns
    -------
    Solution
        ``objective`` = the longest time of any area with people.

    Examples
    --------
    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
    ...     {"S1": [2.0, 20, 30], "S2": [12.0, 11, 12], "S3": [30.0, 25, 3]},
    ...     index=["E1", "E2", "E3"]))
    >>> ga.p_center(tt, p=1).objective            # S2: worst 12 minutes
    12.0
    """
    options = SolverOptions(method, time_limit, mip_rel_gap, seed)
    inst = instance_of(tt, areas, locals(), what="p_center")
    return solve(inst, "p_center", p=inst.optional_p(p, "p_center"), tie_break=tie_break,
                 name=name, options=options)
