"""Opening hours: the sessions a week each open site runs, and how many are within reach.

A site's hours are its **sessions a week** (a session is a morning or an afternoon: 10
sessions is open every weekday), from the scenario (a proposal can cut hours without
closing) or the sites table's ``sessions_per_week``. :func:`site_sessions` gives them for
the open sites; :func:`sessions_within` counts, for each area, the sessions a week open
within each threshold, so that a room open two mornings counts for less than a centre
open all week. The same hours scale every site's supply in 2SFCA and gravity
(:func:`~geoaccess.measures.site_supply`) and enter standards such as "a site open at
least 5 sessions within 15 minutes" (:class:`~geoaccess.measures.AccessRule`).

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 20], "S2": [12.0, 8]},
...                                             index=["E1", "E2"]))
>>> s = ga.Scenario("A", {"S1": "hub", "S2": "outreach"},
...                 sessions_per_week={"S1": 10, "S2": 2})
>>> sessions_within(tt, s, thresholds=[10, 15]).to_dict("list")
{'sessions_within_10': [10.0, 2.0], 'sessions_within_15': [12.0, 2.0]}
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._validate import show_ids
from ..errors import InputError
from ..scenario import Scenario
from ._common import TravelLike, as_roles, as_thresholds, matrix_arrays, open_mask
from .proximity import threshold_label

__all__ = ["FULL_WEEK_SESSIONS", "sessions_of", "sessions_within", "site_numbers",
           "site_sessions"]

log = logging.getLogger("geoaccess.measures")

#: Sessions in a full week of opening (5 days × morning and afternoon): a site of unknown
#: hours counts as open this much, and a site's supply is its capacity × its sessions /
#: this (at most 1).
FULL_WEEK_SESSIONS: float = 10.0


def site_numbers(sites: pd.DataFrame | None, column: str) -> dict[str, float]:
    """``site_id`` → the number in ``column`` of the sites table, for the sites that have one.

    No table, or no such column: ``{}``. Text that is not a number counts as unknown.

    Examples
    --------
    >>> site_numbers(pd.DataFrame({"site_id": ["S1", "S2"], "capacity": [30, None]}),
    ...              "capacity")
    {'S1': 30.0}
    """
    if sites is None:
        return {}
    if "site_id" not in sites.columns:
        raise InputError("sites: no 'site_id' column; load them with geoaccess.read_sites()",
                         column="site_id")
    if column not in sites.columns:
        return {}
    vals = pd.to_numeric(sites[column], errors="coerce")
    return {str(k): float(v) for k, v in zip(sites["site_id"], vals, strict=True)
            if pd.notna(v)}


def sessions_of(scenario: Scenario, ids: Iterable[str], sites: pd.DataFrame | None
                ) -> dict[str, float]:
    """Known sessions a week of ``ids``: the scenario's, else the sites table's."""
    base = site_numbers(sites, "sessions_per_week")
    out = {}
    for s in ids:
        v = scenario.sessions_per_week.get(s, base.get(s))
        if v is not None:
            out[s] = float(v)
    bad = [s for s, v in out.items() if not (np.isfinite(v) and v >= 0)]
    if bad:
        raise InputError(f"scenario {scenario.name!r}: sessions per week must be numbers >= 0 "
                         f"for sites {show_ids(bad)}", column="sessions_per_week", rows=bad)
    return out


def site_sessions(scenario: Scenario, *, sites: pd.DataFrame | None = None,
                  site_ids: Iterable[str] | None = None,
                  roles: Iterable[str] | str | None = None,
                  full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.Series:
    """Sessions a week of each open site (a site of unknown hours: a full week).

    Parameters
    ----------
    scenario : Scenario
        Its ``sessions_per_week`` come first.
    sites : pandas.DataFrame, optional
        Sites with ``site_id`` and ``sessions_per_week`` for the sites the scenario does
        not give.
    site_ids : iterable of str, optional
        Restrict to these sites (e.g. the matrix's columns), in this order.
    roles : str or iterable of str, optional
        Only open sites with these roles.
    full_week_sessions : float
        Sessions counted for a site whose hours are unknown (default 10).

    Returns
    -------
    pandas.Series
        Index ``site_id``, name ``sessions_per_week``.

    Examples
    --------
    >>> import geoaccess as ga
    >>> s = ga.Scenario("A", {"S1": "hub", "S2": "outreach"}, sessions_per_week={"S2": 2})
    >>> site_sessions(s).to_dict()
    {'S1': 10.0, 'S2': 2.0}
    """
    if not (full_week_sessions > 0):
        raise InputError(f"full_week_sessions must be > 0, got {full_week_sessions}")
    ids = (scenario.sites_with_role(*as_roles(roles)) if roles is not None
           else scenario.open_sites)
    if site_ids is not None:
        keep = set(ids)
        ids = [s for s in map(str, site_ids) if s in keep]
    known = sessions_of(scenario, ids, sites)
    unknown = [s for s in ids if s not in known]
    if unknown and known:
        log.info("scenario %r: sites %s have no sessions per week; counted as open a full "
                 "week (%g sessions)", scenario.name, unknown[:10], full_week_sessions)
    return pd.Series([known.get(s, float(full_week_sessions)) for s in ids],
                     index=pd.Index(ids, name="site_id", dtype=object),
                     name="sessions_per_week", dtype=np.float64)


def sessions_within(tt: TravelLike, scenario: Scenario, *,
                    thresholds: Iterable[float] | float | None = None,
                    sites: pd.DataFrame | None = None,
                    roles: Iterable[str] | str | None = None,
                    full_week_sessions: float = FULL_WEEK_SESSIONS) -> pd.DataFrame:
    """Sessions a week open within each threshold: the hours of service within reach.

    For area *i* and threshold *t*: the sum of the sessions a week of the open sites
    reachable in ``<= t`` minutes (:func:`site_sessions`). Two centres open all week
    within 15 minutes give 20; one outreach room open two mornings gives 2.

    Parameters
    ----------
    tt : TravelTimes
    scenario : Scenario
    thresholds : sequence of float, optional
        Minutes (default :data:`geoaccess.settings.thresholds_minutes`).
    sites : pandas.DataFrame, optional
        Sites table for the sessions the scenario does not hold.
    roles : str or iterable of str, optional
        Only open sites with these roles.
    full_week_sessions : float
        Sessions counted for a site of unknown hours.

    Returns
    -------
    pandas.DataFrame
        Index ``area_id`` (every row of the matrix); a column ``sessions_within_<t>``
        (float) per threshold.

    Examples
    --------
    A hub open 10 sessions and an outreach room open 2; halving the hub's hours halves
    its part::

              S1 (hub, 10)   S2 (outreach, 2)   within 15
        E1         5               20            10  (5 when the hub opens 5)
        E2        10               12            12  (7)

    >>> import pandas as pd, geoaccess as ga
    >>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [5.0, 10], "S2": [20.0, 12]},
    ...                                             index=["E1", "E2"]))
    >>> s = ga.Scenario("A", {"S1": "hub", "S2": "outreach"},
    ...                 sessions_per_week={"S1": 10, "S2": 2})
    >>> sessions_within(tt, s, thresholds=15)["sessions_within_15"].tolist()
    [10.0, 12.0]
    >>> half = s.modified("Hub half time", sessions_per_week={"S1": 5})
    >>> sessions_within(tt, half, thresholds=15)["sessions_within_15"].tolist()
    [5.0, 7.0]
    """
    values, area_ids, site_ids = matrix_arrays(tt)
    mask = open_mask(scenario, site_ids, roles)
    hours = site_sessions(scenario, sites=sites, site_ids=site_ids[mask], roles=roles,
                          full_week_sessions=full_week_sessions).to_numpy()
    sub = values[:, mask]
    out = {}
    for t in as_thresholds(thresholds):
        with np.errstate(invalid="ignore"):
            inside = (sub <= t).astype(np.float64)
        out[f"sessions_within_{threshold_label(t)}"] = inside @ hours if len(hours) \
            else np.zeros(len(area_ids))
    return pd.DataFrame(out, index=area_ids)
