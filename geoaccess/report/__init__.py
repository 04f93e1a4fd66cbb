"""A self-contained HTML report answering the EIA question (jinja2; extra ``report``).

:func:`write_report` (or :func:`render_report` for the text) turns an evaluation of hub
configurations into one HTML file an equality assessor can read, print and attach to a
cabinet paper, with no code and no internet connection:

1. the question and the findings in plain English (:func:`geoaccess.equality.findings`);
   when the sites carry running, closure or opening costs, what each proposal saves
   beside the access it costs families (:func:`~geoaccess.savings_and_losses`);
2. the summary per scenario and the change per proposal;
3. maps: minutes to the nearest open site per scenario on one shared scale, the change
   under each proposal, and the service areas (land within 10/15/20 minutes);
4. the equality analysis: share within the threshold by IMD decile, who loses access by
   deprivation and by group, relative risk, inequality indices;
5. the areas losing most, and the sites in each scenario;
6. method (speeds, snapping, thresholds, definitions), provenance, caveats and the data
   licences.

Figures are embedded in the file (base64 PNG or SVG). All user-supplied text (site and
scenario names, titles) is escaped by jinja2's autoescaping, so a site called
``<script>...`` shows as text. Install the extra with ``pip install "geoaccess[report]"``.

Modules
-------
- :mod:`~geoaccess.report.render`: :func:`~geoaccess.render_report`,
  :func:`~geoaccess.write_report` and :class:`~geoaccess.DataSource`;
- :mod:`~geoaccess.report.savings`: :func:`~geoaccess.savings_and_losses`, what each
  proposal saves beside the access it costs families (a section of the report when the
  sites carry costs);
- :mod:`~geoaccess.report.export`: :func:`~geoaccess.report.round_for_export`, the
  precision of the tables written beside the report.

Every public name is also here, as ``geoaccess.report.<name>``.

Examples
--------
>>> import pandas as pd, geopandas as gpd, geoaccess as ga
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "kids": [10.0, 30.0],
...                           "imd_decile": [3, 8]},
...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
...                          crs="EPSG:27700")
>>> tt = ga.TravelTimes.from_frame(pd.DataFrame({"S1": [4.0, 22.0], "S2": [9.0, 3.0]},
...                                             index=["E1", "E2"]), mode="walk")
>>> r = ga.evaluate(tt, areas, [ga.Scenario("Now", {"S1": "hub", "S2": "hub"}),
...                             ga.Scenario("Close S2", {"S1": "hub"})], population="kids")
>>> html = ga.render_report(ga.compare(r), areas, title="Two areas")
>>> html.startswith("<!DOCTYPE html>"), "Close S2" in html
(True, True)
"""

from __future__ import annotations

from .export import EXPORT_DECIMALS, round_for_export
from .render import OSM_SOURCE, DataSource, render_report, write_report
from .savings import has_costs, savings_and_losses

__all__ = ["EXPORT_DECIMALS", "OSM_SOURCE", "DataSource", "has_costs", "render_report",
           "round_for_export", "savings_and_losses", "write_report"]
