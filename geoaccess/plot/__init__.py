"""Maps and charts for cabinet papers and Equality Impact Assessments (matplotlib).

Every map here is drawn in the areas' metric CRS and carries what a printed map needs:
a legend in minutes, a scale bar, a north arrow and the "© OpenStreetMap contributors"
attribution (plus any ``credits`` for the boundaries and statistics); with ``context=``
the towns and villages, main roads, water and study boundary from the OSM extract
(:func:`~geoaccess.plot.map_context`); numbered sites keyed to a table beside the map;
a heading that says what is shown, how the journeys were modelled and when the data are
from; ``layout="A4"`` or ``"A3"`` for landscape pages. Every change map of a comparison
shares one legend. Every ``plot_*`` function returns the matplotlib
:class:`~matplotlib.axes.Axes` it drew on (an array of Axes when it draws several
panels), so a GIS officer can restyle it; :func:`~geoaccess.save_figure` writes PNG, SVG
and PDF at print resolution.

Modules
-------
- :mod:`~geoaccess.plot.maps`: :func:`~geoaccess.plot_minutes`,
  :func:`~geoaccess.plot_scenarios`, :func:`~geoaccess.plot_service_areas`;
- :mod:`~geoaccess.plot.change`: :func:`~geoaccess.plot_change`,
  :func:`~geoaccess.plot.change_legend`;
- :mod:`~geoaccess.plot.sites`: :func:`~geoaccess.plot_sites`,
  :func:`~geoaccess.plot.site_numbers`, :func:`~geoaccess.plot.add_site_key`;
- :mod:`~geoaccess.plot.context`: :func:`~geoaccess.plot.map_context`,
  :class:`~geoaccess.plot.MapContext`, :func:`~geoaccess.plot.draw_context`;
- :mod:`~geoaccess.plot.page`: A4/A3 pages and their headings;
- :mod:`~geoaccess.plot.placement`: where labels go (:class:`~geoaccess.plot.LabelLayer`)
  and how co-located sites are spread;
- :mod:`~geoaccess.plot.charts`: :func:`~geoaccess.plot_equality`,
  :func:`~geoaccess.plot_cumulative`, :func:`~geoaccess.plot_trade_off`,
  :func:`~geoaccess.plot_frontier`, :func:`~geoaccess.plot_cost_frontier`;
- :mod:`~geoaccess.plot.cartography`: the parts of a printed map, for maps of your own
  (:func:`~geoaccess.plot.add_scale_bar`, :func:`~geoaccess.plot.add_north_arrow`,
  :func:`~geoaccess.plot.add_attribution`, :func:`~geoaccess.plot.finish_map`,
  :func:`~geoaccess.plot.draw_geometries`, :func:`~geoaccess.plot.areas_for_map`);
- :mod:`~geoaccess.plot.style`: attribution, classes of minutes and palettes;
- :mod:`~geoaccess.plot.labels`: the words of labels ("children aged 0–4", "walking");
- :mod:`~geoaccess.plot.save`: :func:`~geoaccess.save_figure`.

Every public name is also here, as ``geoaccess.plot.<name>``.

Examples
--------
>>> import pandas as pd, geopandas as gpd, geoaccess as ga
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"area_id": ["E1", "E2"], "children": [10.0, 30.0]},
...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
...                          crs="EPSG:27700")
>>> minutes = pd.Series([4.0, 17.0], index=["E1", "E2"])
>>> ax = ga.plot_minutes(minutes, areas)
>>> ax.get_title(loc="left")
'Minutes to the nearest open site'
"""

from __future__ import annotations

from . import _common
from .cartography import (
    add_attribution,
    add_north_arrow,
    add_scale_bar,
    areas_for_map,
    draw_geometries,
    finish_map,
)
from .change import change_legend, plot_change
from .charts import (
    plot_cost_frontier,
    plot_cumulative,
    plot_equality,
    plot_frontier,
    plot_trade_off,
)
from .context import MapContext, draw_context, map_context
from .labels import (
    class_labels,
    data_words,
    date_words,
    default_threshold_minutes,
    minutes_text,
    mode_words,
    population_words,
    travel_words,
)
from .maps import plot_minutes, plot_scenarios, plot_service_areas
from .page import PAGE_SIZES
from .placement import LabelLayer, spread_offsets
from .save import save_figure
from .sites import add_site_key, plot_sites, site_numbers
from .style import (
    ATTRIBUTION,
    CHANGE_BINS,
    CHANGE_COLOURS,
    MINUTES_BINS,
    MINUTES_CMAP,
    MINUTES_COLOURS,
    ROLE_STYLES,
    SCENARIO_COLOURS,
    class_colours,
    class_index,
    classify_minutes,
)

__all__ = [
    # maps
    "plot_minutes",
    "plot_scenarios",
    "plot_change",
    "plot_service_areas",
    "plot_sites",
    "change_legend",
    # context and sites
    "map_context",
    "MapContext",
    "draw_context",
    "site_numbers",
    "add_site_key",
    "LabelLayer",
    "spread_offsets",
    "PAGE_SIZES",
    # charts
    "plot_equality",
    "plot_cumulative",
    "plot_trade_off",
    "plot_frontier",
    "plot_cost_frontier",
    # saving
    "save_figure",
    # the parts of a map
    "add_scale_bar",
    "add_north_arrow",
    "add_attribution",
    "finish_map",
    "draw_geometries",
    "areas_for_map",
    # style
    "ATTRIBUTION",
    "MINUTES_BINS",
    "CHANGE_BINS",
    "CHANGE_COLOURS",
    "MINUTES_CMAP",
    "MINUTES_COLOURS",
    "SCENARIO_COLOURS",
    "ROLE_STYLES",
    "classify_minutes",
    "class_colours",
    "class_index",
    # labels
    "class_labels",
    "minutes_text",
    "mode_words",
    "population_words",
    "travel_words",
    "data_words",
    "date_words",
    "default_threshold_minutes",
]

# Old private names that geoaccess.explore (being rewritten) still imports from here;
# they go once it uses the public names above.
_check_areas = areas_for_map
_class_labels = class_labels
_class_of = class_index
_population_words = population_words
_in_crs = _common.in_crs
_result_of = _common.result_of
_scenario_names = _common.scenario_names
_site_roles = _common.site_roles
