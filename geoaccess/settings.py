"""Settings that users tune once: speeds, snapping distance, cache folder.

Change them on the module, as with ``osmnx.settings``; every function also accepts the
same values by keyword, which take precedence.

Examples
--------
>>> import geoaccess
>>> geoaccess.settings.max_snap_m
500.0
"""

from __future__ import annotations

import os
from pathlib import Path

#: Walking speed in km/h (Transport for London / DfT JTS assume 4.8 km/h).
walk_speed_kmh: float = 4.8
#: Walking speed pushing a pushchair/buggy in km/h (slower than walking; an assumption,
#: in line with guidance that parents with buggies walk 15-20% slower).
pushchair_speed_kmh: float = 4.0
#: Cycling speed in km/h (DfT Journey Time Statistics assume 16 km/h).
cycle_speed_kmh: float = 16.0
#: Speed of the access leg from an area origin or a site to the network, in km/h.
access_speed_kmh: float = 4.8
#: Largest distance in metres from an origin or a site to the network before it is
#: reported as unsnappable (NaN with a reason).
max_snap_m: float = 500.0
#: Folder for cached networks and osmnx downloads.
cache_folder: Path = Path.home() / ".cache" / "geoaccess"
#: Default thresholds in minutes, as in the DfT Journey Time Statistics.
thresholds_minutes: tuple[int, ...] = (10, 15, 20, 30, 45, 60)


def use_osmnx_cache(folder: str | os.PathLike[str] | None = None) -> Path:
    """Point osmnx's HTTP cache at ``folder`` (default ``cache_folder / "osmnx"``), quietly.

    Every download through osmnx (:meth:`geoaccess.Network.from_place`,
    :func:`geoaccess.venues_from_place`) goes through it, so a second call works offline.

    Parameters
    ----------
    folder : path-like, optional
        The cache folder.

    Returns
    -------
    pathlib.Path
        The folder used.

    Examples
    --------
    >>> use_osmnx_cache("/tmp/osmnx-cache").name
    'osmnx-cache'
    """
    import osmnx as ox

    path = Path(folder) if folder is not None else Path(cache_folder) / "osmnx"
    ox.settings.use_cache = True
    ox.settings.cache_folder = str(path)
    ox.settings.log_console = False
    return path
