"""Evaluate hub configurations area by area, and compare proposals with a baseline.

:func:`evaluate` scores one or more :class:`~geoaccess.Scenario` objects on a precomputed
:class:`~geoaccess.TravelTimes` matrix (array work: no new shortest-path run) and returns
a :class:`Result`: a tidy table with one row per area and scenario, and a per-scenario
summary. :func:`compare` sets each proposal against a baseline (usually the current
network) and returns a :class:`Comparison`: who gains, who loses, who crosses a
threshold ("loses 15-minute access"), and how many children that is.

When the matrix's rows are origins (many weighted homes per area, from
:func:`geoaccess.build_origins`), every origin is scored and each area gets the
population-weighted share of its people within each threshold, and the mean and
percentiles of their minutes; summaries and comparisons count people at their homes.

Both objects export to CSV and Excel and join back to the areas as a GeoDataFrame for
maps; :mod:`geoaccess.equality`, :mod:`geoaccess.plot` and the report read their column
names, documented in the class docstrings.

Examples
--------
>>> import pandas as pd, geoaccess as ga
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame(
...     {"S1": [5.0, 25.0, 14.0], "S2": [12.0, 8.0, 30.0]}, index=["E1", "E2", "E3"]))
>>> areas = pd.DataFrame({"area_id": ["E1", "E2", "E3"], "children": [100.0, 300, 50]})
>>> current = ga.Scenario("Current", {"S1": "centre", "S2": "centre"})
>>> proposal = ga.Scenario("Close S2", {"S1": "centre"})
>>> result = ga.evaluate(tt, areas, [current, proposal], population="children",
...                      thresholds=[10, 15])
>>> result.summary[["scenario", "mean_minutes", "share_within_15"]]
   scenario  mean_minutes  share_within_15
0   Current      8.000000         1.000000
1  Close S2     19.333333         0.333333
>>> change = ga.compare(result)
>>> change.areas[["area_id", "change_minutes", "status"]]
  area_id  change_minutes     status
0      E1             0.0  unchanged
1      E2            17.0       loss
2      E3             0.0  unchanged
>>> change.areas.loc[1, "crossing"]
'loses 10- and 15-minute access'
"""

from ._common import MEASURES, STATUSES
from ._compare import compare
from ._evaluate import evaluate
from ._result import Comparison, Result

__all__ = ["MEASURES", "STATUSES", "Comparison", "Result", "compare", "evaluate"]

# documented (and pickled) under the package's name, where users find them
for _public in (Comparison, Result, compare, evaluate):
    _public.__module__ = __name__
del _public
