"""Where demand starts: many weighted origins per area, or one point per area.

An area (an LSOA) is a place where families live, not a point. :func:`build_origins`
spreads each area's counts over its homes (OSM residential buildings weighted by floor
area), a user's points (address points, postcode centroids with counts), or a regular
grid on residential land, combining them per area with fallbacks and a reason;
:func:`summarise_origins` says per area which method was used. Pass the origins to
:func:`geoaccess.travel_times` for a matrix whose rows are origins, which
:func:`geoaccess.evaluate` aggregates back to areas, weighted by population.

:func:`residential_origins` keeps one point per area (the home most central to the
area's homes), for analyses that want a single point, as the DfT Journey Time
Statistics use population-weighted centroids.
"""

from ._build import METHODS, build_origins, summarise_origins
from ._read import RESIDENTIAL_BUILDINGS, parse_levels
from ._single import residential_origins

__all__ = ["METHODS", "RESIDENTIAL_BUILDINGS", "build_origins", "parse_levels",
           "residential_origins", "summarise_origins"]

# documented under the package's name, where users find them
for _public in (build_origins, parse_levels, residential_origins, summarise_origins):
    _public.__module__ = __name__
del _public
