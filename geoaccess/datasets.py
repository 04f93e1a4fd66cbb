"""Bundled demo data: Rutland, an English county, end to end.

=====================  ==========================================================
name                   what
=====================  ==========================================================
``rutland-osm``        OpenStreetMap extract of Rutland (2022-07-20), ``.osm.pbf``
``rutland-lsoa``       the 26 LSOAs (2021) with children 0-4 / 5-15, IMD 2025
                       deciles, wards, Census 2021 ethnicity and disability shares
``rutland-sites``      36 ILLUSTRATIVE candidate venues tagged in the OSM extract
                       (libraries, community centres, kindergartens); kinds,
                       capacities and sessions are assumptions for the demo
``rutland-scenarios``  ILLUSTRATIVE configurations of the 36 sites (current
                       network, keep 18, 8 centres + 8 outreach + 2 bases, locality
                       hubs), made by ``scripts/make_rutland_scenarios.py``
``rutland-centres``    real children's centres and family hubs in and near Rutland
``west-oakland``       tiny OSM XML extract (``.osm.bz2``) used by osmnx's tests
``porto-alegre-*``     Porto Alegre (r5r's sample city): ``-osm`` street extract,
                       ``-eptc`` bus GTFS, ``-trensurb`` rail GTFS, ``-hexgrid``
                       1,227 population hexagons with healthcare and school counts
``trafford-*``         Trafford's official files as published: ``-lsoa`` 139 LSOA
                       2021 polygons, ``-population-lsoa``/``-population-oa`` ONS
                       mid-2024 single-year-of-age estimates, ``-census-bands``
                       Census 2021 5-year bands, ``-centres`` its 2 children's
                       centres on the DfE register (CSV; ``-centres-geojson``)
``imd2025``            English Indices of Deprivation 2025, all 33,755 LSOAs
``levenshulme-*``      Levenshulme/Longsight, Manchester (IMD decile 1): ``-osm``
                       streets and 852 buildings (2022-12), ``-lsoa`` its 13 LSOAs
                       (no population counts), ``-boundary`` the cell mapped
=====================  ==========================================================

Licences: OpenStreetMap data © OpenStreetMap contributors, ODbL 1.0 (attribute
"© OpenStreetMap contributors" wherever the data or maps of it are shown); ONS/MHCLG data
under the Open Government Licence v3.0 (contains OS data © Crown copyright and database
right). See ``data/README.md``.

Examples
--------
>>> import geoaccess as ga
>>> ga.datasets.get_path("rutland-lsoa").name
'rutland_lsoa21.gpkg'
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ATTRIBUTION", "available", "get_path"]

#: Attribution to show with any map or table of the bundled OSM data.
ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"

_FILES = {
    "rutland-osm": "rutland-latest.osm.pbf",
    "rutland-lsoa": "rutland_lsoa21.gpkg",
    "rutland-sites": "rutland_sites.csv",
    "rutland-centres": "rutland_area_childrens_centres.csv",
    "rutland-scenarios": "rutland_scenarios.csv",
    "west-oakland": "West-Oakland.osm.bz2",
    "porto-alegre-osm": "poa_osm.pbf",
    "porto-alegre-eptc": "poa_eptc.zip",
    "porto-alegre-trensurb": "poa_trensurb.zip",
    "porto-alegre-hexgrid": "poa_hexgrid.csv",
    # official UK files as published (geoaccess.uk; provenance in data/trafford/README.md)
    "trafford-lsoa": "trafford/trafford_lsoa_generalised.geojson",
    "trafford-population-lsoa": "trafford/mid-year_2024_population_estimates_lsoa.csv",
    "trafford-population-oa": "trafford/mid-year_2024_population_estimates_oa.csv",
    "trafford-census-bands": "trafford/2021_population_by_5_year_age_bands_lsoa_trafford.csv",
    "trafford-centres": "trafford/trafford_childrens_centres.csv",
    "trafford-centres-geojson": "trafford/trafford_childrens_centres.geojson",
    "imd2025": "imd2025_england_lsoa21.csv",
    "levenshulme-osm": "levenshulme/levenshulme.osm.pbf",
    "levenshulme-lsoa": "levenshulme/levenshulme_lsoa21.gpkg",
    "levenshulme-boundary": "levenshulme/levenshulme_boundary.geojson",
}


def _folders() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "_data", here.parent / "data"]


def available() -> list[str]:
    """Names of the bundled datasets.

    Examples
    --------
    >>> "rutland-osm" in available()
    True
    """
    return sorted(_FILES)


def get_path(name: str) -> Path:
    """Path of a bundled dataset file.

    Parameters
    ----------
    name : str
        One of :func:`available`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValueError
        If the name is unknown (the message lists the names).

    Examples
    --------
    >>> get_path("rutland-osm").suffix
    '.pbf'
    """
    if name not in _FILES:
        raise ValueError(f"unknown dataset {name!r}; available: {', '.join(available())}")
    for folder in _folders():
        path = folder / _FILES[name]
        if path.exists():
            return path
    raise FileNotFoundError(f"dataset {name!r} ({_FILES[name]}) is missing from the "
                            "installation; reinstall geoaccess")
