"""Equality analysis: who gains and who loses access, by deprivation and by group.

An Equality Impact Assessment (EIA) asks whether a change falls hardest on those who need
the service most. This package answers with numbers an assessor can trust and sentences
they can paste:

- :func:`~geoaccess.equality.breakdown`: population, population-weighted
  mean/median/90th percentile minutes, count and share within each threshold, and (for a
  comparison) how many lose or gain access, per scenario and group (IMD decile or
  quintile, ward, any attribute);
- :func:`~geoaccess.equality.group_exposure`: for columns holding the *share* of each
  area's people in a group (ethnic minority, disabled, lone-parent households...): how
  many of the group lose access, and their share of everyone who loses against their
  share of the population;
- :func:`~geoaccess.equality.indices`: population-weighted Gini, concentration index
  (ranked by deprivation), Palma ratio and Theil T;
  :func:`~geoaccess.equality.inequality` tabulates them per scenario;
- :func:`~geoaccess.equality.relative_risk`: risk of losing access in the most deprived
  areas (:func:`~geoaccess.equality.most_deprived`) against the rest, with a confidence
  interval (Katz log method, or an area-clustered interval);
  :func:`~geoaccess.equality.risk_table` tabulates it per proposal and outcome;
- :func:`~geoaccess.equality.findings`: plain-English sentences with their caveats;
- :func:`~geoaccess.equality.standard_table`: who meets an access standard (e.g. "a
  centre within 15 minutes on foot or 10 by car", over a matrix per mode) and who would
  lose it; ``standard=`` of :func:`~geoaccess.equality.findings` and
  :func:`~geoaccess.equality.eia_tables` makes it the measure of an EIA;
- :func:`~geoaccess.equality.eia_tables`, :func:`~geoaccess.equality.to_excel`,
  :func:`~geoaccess.equality.to_csv`: the tables of an EIA, written one sheet (or one
  CSV) per table with units in the column names.

The modules, from the arrays up: :mod:`~geoaccess.equality.stats` (indices and relative
risk on per-area arrays), :mod:`~geoaccess.equality.deprivation` (IMD deciles, the most
deprived areas, the inequality and risk tables), :mod:`~geoaccess.equality.tables`
(breakdowns, group exposure, every EIA table), :mod:`~geoaccess.equality.narrative` (the
findings in words) and :mod:`~geoaccess.equality.export` (headers with units, the
glossary, Excel and CSV files). Every public name is available here.

Deprivation follows the English Indices of Deprivation: decile 1 is the most deprived 10%
of areas in England. Quintiles are derived from deciles
(:func:`~geoaccess.equality.quintile_from_decile`, quintile 1 = deciles 1-2 = the most
deprived 20% of England). Where a place has no areas in the national most deprived fifth
(Rutland has deciles 6-10 only), the findings compare the most deprived areas *present*
and say so, naming the deciles.

Every person in an area is assumed to share the area's travel time: the analysis is
ecological, at the resolution of the areas supplied.

Conventions: counts of people are ``population*`` columns, proportions (0-1) ``share*``
columns, times ``*_minutes``; ``<t>`` in a column name is a threshold in minutes
(``population_loses_15``). The exported files add the units to the headers
(:func:`~geoaccess.equality.export_header`: ``population_loses_15min [people]``).

Examples
--------
>>> import geoaccess.equality as eq
>>> r = eq.indices([10.0, 20.0, 30.0], [1, 1, 1], rank_by=[1, 2, 3])
>>> round(r["gini"], 4), round(r["concentration"], 4)
(0.2222, 0.2222)
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .deprivation import (
    DeprivedAreas,
    inequality,
    most_deprived,
    quintile_from_decile,
    risk_table,
)
from .export import column_glossary, export_header, to_csv, to_excel
from .narrative import (
    SHARE_LABELS,
    TRAVEL_WORDS,
    Findings,
    describe_population,
    findings,
    service_noun,
)
from .standard import STANDARD_COLUMNS, standard_table
from .stats import RelativeRisk, indices, relative_risk
from .tables import NOT_RECORDED, TOTAL, breakdown, eia_tables, group_exposure

__all__ = [
    "NOT_RECORDED",
    "SHARE_LABELS",
    "STANDARD_COLUMNS",
    "TOTAL",
    "TRAVEL_WORDS",
    "DeprivedAreas",
    "Findings",
    "RelativeRisk",
    "breakdown",
    "column_glossary",
    "describe_population",
    "eia_tables",
    "export_header",
    "findings",
    "group_exposure",
    "indices",
    "inequality",
    "most_deprived",
    "quintile_from_decile",
    "relative_risk",
    "risk_table",
    "service_noun",
    "standard_table",
    "to_csv",
    "to_excel",
]


# Private names other modules imported before the split (optimise: ``_deprived``; report:
# ``_service_noun``, ``_TRAVEL``), kept until they use the public ``most_deprived``,
# ``service_noun`` and ``TRAVEL_WORDS``.
def _deprived(table: pd.DataFrame, ids: pd.Index, column: str | None,
              deprived_deciles: Sequence[int] | None, place: str | None, what: str
              ) -> DeprivedAreas | None:
    return most_deprived(table, ids, deprivation=column, deprived_deciles=deprived_deciles,
                         place=place)


_service_noun = service_noun
_TRAVEL = TRAVEL_WORDS
