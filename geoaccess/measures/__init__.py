"""Access measures: how reachable families are under a configuration of sites.

Every measure is array work on a precomputed :class:`~geoaccess.TravelTimes` matrix
(areas × sites, minutes): no shortest-path search runs here. Each function takes the
matrix and a :class:`~geoaccess.Scenario` and returns a pandas object indexed by
``area_id`` with every area of the matrix, in the matrix's order.

==================================  ===================================================
measure                             function
==================================  ===================================================
minutes to the nearest open site    :func:`nearest`
within thresholds (flags, counts)   :func:`within`
population within thresholds        :func:`population_within`, :func:`summarise_minutes`
summaries of rules and measures     :func:`summarise_measures` (population-weighted)
gravity (Hansen potential)          :func:`gravity`, :func:`decay_weights`
2SFCA and enhanced 2SFCA            :func:`two_step_fca`, :func:`enhanced_two_step_fca`
supply of each open site            :func:`site_supply` (capacity for the hours open)
sessions a week within thresholds   :func:`sessions_within`, :func:`site_sessions`
a council's standard                :class:`AccessRule`, :func:`meets_rule`
many configurations at once         :class:`NearestIndex`, :func:`nearest_minutes_many`,
                                    :func:`score_many`
==================================  ===================================================

Conventions
-----------
- Times are minutes; a pair with no time (NaN in the matrix) is never "within" anything
  and never the nearest. Where an area has no time to any open site, its nearest minutes
  are NaN and :func:`nearest` gives the reason (from :attr:`TravelTimes.reasons`).
- "Within *t* minutes" means a time ``<= t`` (inclusive), as in the DfT Journey Time
  Statistics (JTS) and PySAL ``access``.
- Ties for the nearest site go to the site listed first in the matrix.
- One vocabulary: ``thresholds`` are minutes, a sequence (one number is wrapped, text is
  refused); ``population`` names a column of the ``areas`` table; a decay cut-off is
  ``cutoff_minutes`` (``max_minutes`` is the search bound of routing); ``engine`` is
  ``"auto"``, ``"numba"`` or ``"fallback"``.

The measures live in five modules (``proximity``, ``hours``, ``fca``, ``rules``,
``many``); every public name is importable from here.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [5.0, 25.0, None], "S2": [12.0, 8.0, 40.0]}, index=["E1", "E2", "E3"]))
>>> both = ga.Scenario("A", {"S1": "hub", "S2": "centre"})
>>> ga.measures.nearest(tt, both).nearest_minutes.tolist()
[5.0, 8.0, 40.0]
"""

from __future__ import annotations

from ._common import as_roles, as_thresholds, as_travel, open_mask
from .fca import E2SFCA_BANDS as E2SFCA_BANDS
from .fca import (
    decay_weights,
    enhanced_two_step_fca,
    gravity,
    site_supply,
    two_step_fca,
)
from .hours import FULL_WEEK_SESSIONS as FULL_WEEK_SESSIONS
from .hours import sessions_within, site_sessions
from .many import NearestIndex, nearest_minutes_many, score_many
from .proximity import (
    nearest,
    population_within,
    summarise_measures,
    summarise_minutes,
    threshold_label,
    within,
)
from .rules import AccessRule, meets_rule

__all__ = [
    "AccessRule",
    "NearestIndex",
    "as_roles",
    "as_thresholds",
    "as_travel",
    "decay_weights",
    "enhanced_two_step_fca",
    "gravity",
    "meets_rule",
    "nearest",
    "nearest_minutes_many",
    "open_mask",
    "population_within",
    "score_many",
    "sessions_within",
    "site_sessions",
    "site_supply",
    "summarise_measures",
    "summarise_minutes",
    "threshold_label",
    "two_step_fca",
    "within",
]

# Public objects say they come from here (as numpy's do), so documentation, reprs and
# pickles name geoaccess.measures rather than the module that defines them.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
