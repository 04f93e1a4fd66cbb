"""Official UK data as published: boundaries, population by age, deprivation, centre lists.

Read the files an analyst downloads from the ONS, MHCLG, the Welsh and Scottish
Governments and the DfE, as they are published (from local paths; a URL is fetched only
with ``download=True``), checked and labelled, and assemble them into an ``areas`` table for
:func:`geoaccess.read_areas` in one call:

==============================  ============================================================
:func:`read_boundaries`         ONS LSOA/OA polygons, 2011 or 2021, full or generalised
:func:`read_centroids`          ONS population-weighted centroids
:func:`read_lookup`             the ONS 2011 → 2021 lookup with change codes (U, S, M, X)
:func:`apply_lookup`            move a table to 2021 codes, reporting codes not matched
:func:`read_population`         ONS mid-year estimates by single year of age; Census bands
:func:`count_ages`              children in any age range, refusing ranges bands can't make
:func:`compare_counts`          two counts side by side (refusing different dates unasked)
:func:`read_deprivation`        IMD 2019/2025 (England), WIMD 2019, SIMD 2020, labelled
:func:`combine_deprivation`     stack nations' indices only when asked, labels kept
:func:`read_postcodes`          the ONS Postcode Directory (or a small extract)
:func:`locate_postcodes`        postcodes to points, reporting those not found
:func:`read_centres`            DfE children's centres, family-hub lists, council lists
:func:`areas`                   one ``areas`` table for a local authority, with a report
:func:`join_report`             that report as a table
==============================  ============================================================

Examples
--------
>>> import geoaccess as ga
>>> from geoaccess import uk
>>> path = ga.datasets.get_path
>>> pop = uk.read_population(path("trafford-population-lsoa"))
>>> imd = uk.read_deprivation(path("imd2025"), nation="england", year=2025)
>>> areas = ga.read_areas(uk.areas(path("trafford-lsoa"), population=pop, deprivation=imd))
>>> len(areas), areas.attrs["population"]
(139, ['children_0_4'])
"""

from __future__ import annotations

from .assemble import areas, join_report
from .boundaries import apply_lookup, read_boundaries, read_centroids, read_lookup
from .deprivation import EDITIONS, Edition, combine_deprivation, read_deprivation
from .population import age_band, compare_counts, count_ages, read_population
from .sites import locate_postcodes, postcode_key, read_centres, read_postcodes

__all__ = [
    "EDITIONS",
    "Edition",
    "age_band",
    "apply_lookup",
    "areas",
    "combine_deprivation",
    "compare_counts",
    "count_ages",
    "join_report",
    "locate_postcodes",
    "postcode_key",
    "read_boundaries",
    "read_centres",
    "read_centroids",
    "read_deprivation",
    "read_lookup",
    "read_population",
    "read_postcodes",
]
