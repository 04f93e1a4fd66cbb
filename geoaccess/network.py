"""Travel-time networks built from OpenStreetMap, held as compact CSR arrays.

A :class:`Network` is one travel mode's directed graph: arcs between OSM nodes weighted by
travel seconds, node coordinates in a metric CRS (EPSG:27700 in Great Britain, else the
local UTM zone), strongly connected component labels, and provenance (source file and
its sha256, OSM timestamp, mode, speeds, library version). No networkx graph is kept, so
memory stays close to the arrays' size and the object pickles cheaply.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyproj
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from . import _csr
from ._crs import haversine_m, metric_crs
from ._fs import atomic_write_bytes, sha256_file
from ._modes import MODES, default_speeds
from ._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
from .errors import InputError, NetworkError

__all__ = ["Network", "metric_crs"]

log = logging.getLogger(__name__)

_BLOCK = 1 << 18  # arcs per block when computing lengths

@dataclass(eq=False)
class Network:
    """One travel mode's network as CSR arrays of travel seconds.

    Build one with :meth:`from_osm_file`, :meth:`from_graph` or :meth:`from_place`;
    the constructor takes ready arrays.

    Parameters
    ----------
    indptr, indices, seconds : numpy.ndarray
        CSR arrays: the arcs leaving node ``i`` go to ``indices[indptr[i]:indptr[i+1]]``
        and take ``seconds[...]`` seconds. Parallel arcs are collapsed to the fastest.
    x, y : numpy.ndarray
        Node coordinates in metres in ``crs``.
    osmid : numpy.ndarray
        OSM node id of each node (-1 for points made up by geoaccess).
    crs : str
        The metric CRS of ``x`` and ``y`` (e.g. ``"EPSG:27700"``).
    mode : str
        ``"walk"``, ``"pushchair"``, ``"cycle"`` or ``"drive"`` (or a name of your own).
    provenance : dict
        Where the network came from and how it was built.

    Examples
    --------
    >>> import geoaccess as ga
    >>> net = ga.Network.from_osm_file(ga.datasets.get_path("west-oakland"), mode="walk")
    >>> net.crs
    'EPSG:32610'
    >>> net.n_nodes > 100
    True
    """

    indptr: np.ndarray
    indices: np.ndarray
    seconds: np.ndarray
    x: np.ndarray
    y: np.ndarray
    osmid: np.ndarray
    crs: str
    mode: str
    provenance: dict[str, Any] = field(default_factory=dict)
    component: np.ndarray = field(init=False, repr=False)
    main_component: int = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.x)
        if len(self.indptr) != n + 1 or len(self.y) != n or len(self.osmid) != n:
            raise NetworkError("network arrays have inconsistent lengths")
        if n == 0 or len(self.indices) == 0:
            raise NetworkError(
                f"the {self.mode} network has no edges; check the source covers a place "
                "with streets usable by this mode"
            )
        ncomp, labels = connected_components(self.matrix(), directed=True, connection="strong")
        counts = np.bincount(labels)
        self.component = labels.astype(np.int32)
        self.main_component = int(np.argmax(counts))
        main = int(counts[self.main_component])
        self.provenance.setdefault("mode", self.mode)
        self.provenance["nodes"] = int(n)
        self.provenance["arcs"] = int(len(self.indices))
        self.provenance["components"] = int(ncomp)
        self.provenance["nodes_outside_main_component"] = int(n - main)
        if n - main:
            log.info(
                "%s network: %d of %d nodes lie outside the main strongly connected "
                "component (%d components); snapping uses the main one",
                self.mode, n - main, n, ncomp,
            )

    # ------------------------------------------------------------------ basics
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.x)

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs."""
        return len(self.indices)

    @property
    def nbytes(self) -> int:
        """Memory held by the network's arrays, in bytes."""
        arrays = (self.indptr, self.indices, self.seconds, self.x, self.y, self.osmid,
                  self.component)
        return int(sum(a.nbytes for a in arrays))

    def matrix(self) -> sp.csr_matrix:
        """The network as a scipy CSR matrix of travel seconds (explicit zeros are arcs)."""
        return _csr.as_matrix(self.indptr, self.indices, self.seconds, self.n_nodes)

    def in_main_component(self) -> np.ndarray:
        """Boolean mask of nodes in the main strongly connected component."""
        return self.component == self.main_component

    def __repr__(self) -> str:
        return (f"Network(mode={self.mode!r}, nodes={self.n_nodes:,}, arcs={self.n_arcs:,}, "
                f"crs={self.crs!r})")

    # ------------------------------------------------------------ constructors
    @classmethod
    def from_arcs(
        cls,
        u: np.ndarray,
        v: np.ndarray,
        seconds: np.ndarray,
        x: np.ndarray,
        y: np.ndarray,
        *,
        crs: str,
        mode: str,
        osmid: np.ndarray | None = None,
        provenance: dict[str, Any] | None = None,
    ) -> Network:
        """Build a network from arc lists (node indices) and node coordinates.

        Parameters
        ----------
        u, v : numpy.ndarray
            Tail and head node index of each directed arc.
        seconds : numpy.ndarray
            Travel time of each arc in seconds (parallel arcs keep the fastest).
        x, y : numpy.ndarray
            Node coordinates in metres in ``crs``.
        crs : str
            Metric CRS of the coordinates.
        mode : str
            Name of the travel mode.
        osmid : numpy.ndarray, optional
            Node ids; defaults to ``0..n-1``.
        provenance : dict, optional
            Free-form description of the source.

        Returns
        -------
        Network

        Examples
        --------
        >>> import numpy as np
        >>> net = Network.from_arcs([0, 1], [1, 0], [60.0, 60.0], np.array([0.0, 80.0]),
        ...                         np.array([0.0, 0.0]), crs="EPSG:27700", mode="walk")
        >>> net.n_arcs
        2
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        n = len(x)
        indptr, indices, data = _csr.csr_from_arcs(np.asarray(u), np.asarray(v),
                                                   np.asarray(seconds), n)
        ids = np.arange(n, dtype=np.int64) if osmid is None else np.asarray(osmid, np.int64)
        return cls(indptr, indices, data, x, y, ids, crs=str(crs), mode=mode,
                   provenance=dict(provenance or {}))

    @classmethod
    def from_osm_file(
        cls,
        path: str | os.PathLike[str],
        *,
        mode: str = "walk",
        speed_kmh: float | Mapping[str, float] | None = None,
        crs: str | None = None,
    ) -> Network:
        """Build a network from a local OpenStreetMap file.

        Reads ``.osm.pbf``, ``.osm`` and ``.osm.bz2`` with pyosmium (libosmium), which
        reads all three formats and is about ten times faster than pyrosm on the bundled
        Rutland extract (0.2 s against 2 s to read the ways, see ``benchmarks/``).
        The file is streamed once: libosmium keeps each node's location (16 bytes a node)
        and geoaccess a flat buffer of the usable ways' nodes, so memory grows with the
        file, about 50 bytes per node of the file while reading and 110 at the peak of
        building (an 8M-node synthetic England extract: 0.9 GB, under a minute; see
        ``benchmarks/network_build_results.md``).

        Parameters
        ----------
        path : str or path-like
            The OSM file.
        mode : {"walk", "pushchair", "cycle", "drive"}
            Travel mode: which ways are used, in which direction, at which speed.
        speed_kmh : float or dict, optional
            Speed override in km/h. For drive, a single number applies to every road, a
            dict maps highway types (``"primary"``...) to km/h where ``maxspeed`` is
            untagged. Defaults: :mod:`geoaccess.settings`.
        crs : str, optional
            Metric CRS to work in; default EPSG:27700 in Great Britain, else local UTM.

        Returns
        -------
        Network

        Raises
        ------
        InputError
            If the file is missing, of an unknown format or unreadable.
        NetworkError
            If no way in the file is usable by the mode.

        Examples
        --------
        >>> from geoaccess import Network, datasets
        >>> Network.from_osm_file(datasets.get_path("west-oakland"), mode="drive").mode
        'drive'
        """
        from ._osm import read_ways

        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: OSM file not found", path=path)
        name = path.name.lower()
        if not name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz", ".xml")):
            raise InputError(
                f"{path}: unknown OSM file format; use .osm.pbf, .osm or .osm.bz2", path=path
            )
        speeds = default_speeds(mode, speed_kmh)
        parsed = read_ways(path, mode, speeds)
        if len(parsed.lon) == 0 or len(parsed.u) == 0:
            raise NetworkError(f"{path}: no ways usable for mode {mode!r}")
        provenance = {
            "source": path.name,
            "sha256": sha256_file(path),
            "osm_timestamp": parsed.timestamp,
            "mode": mode,
            "speeds_kmh": speeds,
            "built_by": f"geoaccess {__version__}",
            "reader": "pyosmium",
        }
        return cls._from_lonlat(parsed.lon, parsed.lat, parsed.osmid, parsed.u, parsed.v,
                                parsed.speed_kmh, parsed.direction, mode=mode, crs=crs,
                                provenance=provenance)

    @classmethod
    def _from_lonlat(cls, lon, lat, osmid, u, v, speed_kmh, direction, *, mode, crs,
                     provenance, length_m=None) -> Network:
        lon = np.asarray(lon, np.float64)
        lat = np.asarray(lat, np.float64)
        if crs is None:
            target = metric_crs(float(np.nanmedian(lon)), float(np.nanmedian(lat)))
        else:
            target = pyproj.CRS.from_user_input(crs)
        transformer = pyproj.Transformer.from_crs(4326, target, always_xy=True)
        x, y = transformer.transform(lon, lat)
        if length_m is None:  # in blocks: a national network's temporaries stay small
            length_m = np.empty(len(u), dtype=np.float64)
            for lo in range(0, len(u), _BLOCK):
                a, b = u[lo:lo + _BLOCK], v[lo:lo + _BLOCK]
                length_m[lo:lo + _BLOCK] = haversine_m(lon[a], lat[a], lon[b], lat[b])
        secs = np.asarray(length_m, np.float64) / (np.asarray(speed_kmh, np.float64) / 3.6)
        del length_m
        fwd = direction >= 0
        bwd = direction <= 0
        tails = np.concatenate([u[fwd], v[bwd]])
        heads = np.concatenate([v[fwd], u[bwd]])
        w = np.concatenate([secs[fwd], secs[bwd]])
        epsg = target.to_epsg()
        crs_name = f"EPSG:{epsg}" if epsg else target.to_wkt()
        provenance["crs"] = crs_name
        return cls.from_arcs(tails, heads, w, np.asarray(x), np.asarray(y), crs=crs_name,
                             mode=mode, osmid=osmid, provenance=provenance)

    @classmethod
    def from_graph(
        cls,
        G: nx.MultiDiGraph | nx.DiGraph,
        *,
        mode: str = "walk",
        weight: str | None = None,
        speed_kmh: float | Mapping[str, float] | None = None,
        crs: str | None = None,
    ) -> Network:
        """Build a network from an osmnx graph (or any graph with node ``x``/``y``).

        Edge travel times come from the ``weight`` attribute in seconds when given (e.g.
        osmnx's ``"travel_time"``), else from ``length`` (metres) at the mode's speed
        (for drive: the edge's ``maxspeed``, else the UK default for its ``highway``).
        Curved edges (with a ``geometry``) are split at their vertices so that snapping
        follows the street, the time shared out by length. Direction is taken from the
        graph as it is: osmnx already encodes one-way streets. Time is linear in the
        graph's size: an osmnx-style graph of a million nodes and three million edges
        takes about 17 s of CPU time (``benchmarks/network_build_results.md``).

        Parameters
        ----------
        G : networkx.MultiDiGraph or networkx.DiGraph
            The graph, e.g. from ``osmnx.graph_from_place``; unprojected (``crs``
            EPSG:4326 in ``G.graph``) or projected.
        mode : str
            Travel mode name, used for speeds and recorded in the provenance.
        weight : str, optional
            Edge attribute holding travel seconds.
        speed_kmh : float or dict, optional
            Speed override, as in :meth:`from_osm_file`.
        crs : str, optional
            Metric CRS to work in.

        Returns
        -------
        Network

        Examples
        --------
        >>> import osmnx as ox, geoaccess as ga
        >>> G = ox.graph_from_xml(ga.datasets.get_path("west-oakland"), retain_all=True)
        >>> ga.Network.from_graph(G, mode="walk").n_nodes > 100
        True
        """
        from ._graph import read_graph

        speeds = default_speeds(mode, speed_kmh) if mode in MODES else None
        arcs = read_graph(G, mode=mode, weight=weight, speeds=speeds)
        provenance = {
            "source": G.graph.get("name", "networkx graph"),
            "mode": mode,
            "weight": weight or "length at mode speed",
            "speeds_kmh": speeds,
            "osm_timestamp": G.graph.get("created_date"),
            "built_by": f"geoaccess {__version__}",
            "reader": "networkx graph",
        }
        target = (metric_crs(float(np.median(arcs.lon)), float(np.median(arcs.lat)))
                  if crs is None else pyproj.CRS.from_user_input(crs))
        x, y = pyproj.Transformer.from_crs(4326, target, always_xy=True).transform(arcs.lon,
                                                                                    arcs.lat)
        epsg = target.to_epsg()
        crs_name = f"EPSG:{epsg}" if epsg else target.to_wkt()
        provenance["crs"] = crs_name
        return cls.from_arcs(arcs.u, arcs.v, arcs.seconds, np.asarray(x), np.asarray(y),
                             crs=crs_name, mode=mode, osmid=arcs.osmid, provenance=provenance)

    @classmethod
    def from_place(
        cls,
        query: str | dict[str, str],
        *,
        mode: str = "walk",
        speed_kmh: float | Mapping[str, float] | None = None,
        crs: str | None = None,
        cache_folder: str | os.PathLike[str] | None = None,
    ) -> Network:
        """Download a place's network through osmnx (cached) and build a network.

        osmnx geocodes the place with Nominatim and downloads its streets from Overpass;
        its HTTP cache (``cache_folder``, default :data:`geoaccess.settings.cache_folder`
        / ``osmnx``) makes a second call work offline.

        Parameters
        ----------
        query : str or dict
            Place name, e.g. ``"Rutland, England"``.
        mode : str
            Travel mode; osmnx's ``network_type`` is ``"walk"``, ``"bike"`` or ``"drive"``.
        speed_kmh : float or dict, optional
            Speed override.
        crs : str, optional
            Metric CRS to work in.
        cache_folder : path-like, optional
            Folder of osmnx's HTTP cache.

        Returns
        -------
        Network

        Examples
        --------
        >>> net = Network.from_place("Rutland, England", mode="walk")  # doctest: +SKIP
        """
        import osmnx as ox

        from . import settings

        settings.use_osmnx_cache(cache_folder)
        network_type = {"walk": "walk", "pushchair": "walk", "cycle": "bike",
                        "drive": "drive"}.get(mode, "all")
        G = ox.graph_from_place(query, network_type=network_type, simplify=True,
                                retain_all=True)
        if mode == "pushchair":
            steps = [(a, b, k) for a, b, k, hw in G.edges(keys=True, data="highway")
                     if hw == "steps" or (isinstance(hw, list) and "steps" in hw)]
            G.remove_edges_from(steps)
        net = cls.from_graph(G, mode=mode, speed_kmh=speed_kmh, crs=crs)
        net.provenance["source"] = f"osmnx place query {query!r}"
        net.provenance["reader"] = f"osmnx {ox.__version__}"
        return net

    # --------------------------------------------------------------- checking
    def to_networkx(self) -> nx.DiGraph:
        """The network as a networkx DiGraph (node = index, ``weight`` = seconds).

        For checking and for tools that need networkx; geoaccess itself never keeps one.

        Examples
        --------
        >>> import geoaccess as ga
        >>> net = ga.Network.from_osm_file(ga.datasets.get_path("west-oakland"))
        >>> net.to_networkx().number_of_edges() == net.n_arcs
        True
        """
        import networkx as nx

        G = nx.DiGraph(crs=self.crs, mode=self.mode)
        G.add_nodes_from(
            (i, {"x": float(self.x[i]), "y": float(self.y[i]), "osmid": int(self.osmid[i])})
            for i in range(self.n_nodes)
        )
        tails = _csr.arcs_from_csr(self.indptr, self.indices)
        G.add_weighted_edges_from(
            zip(tails.tolist(), self.indices.tolist(), self.seconds.tolist(), strict=True)
        )
        return G

    def nodes(self):
        """Nodes as a GeoDataFrame (index = node index) with ``osmid`` and ``component``."""
        import geopandas as gpd

        return gpd.GeoDataFrame(
            {"osmid": self.osmid, "component": self.component,
             "main": self.in_main_component()},
            geometry=gpd.points_from_xy(self.x, self.y), crs=self.crs,
        )

    def edges(self):
        """Arcs as a GeoDataFrame of straight segments with ``u``, ``v`` and ``seconds``."""
        import geopandas as gpd
        import shapely

        tails = _csr.arcs_from_csr(self.indptr, self.indices)
        heads = self.indices
        coords = np.stack([np.column_stack([self.x[tails], self.y[tails]]),
                           np.column_stack([self.x[heads], self.y[heads]])], axis=1)
        return gpd.GeoDataFrame({"u": tails, "v": heads, "seconds": self.seconds},
                                geometry=shapely.linestrings(coords), crs=self.crs)

    # ------------------------------------------------------------- save/load
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save to a compressed ``.npz`` file, written atomically.

        Parameters
        ----------
        path : path-like
            Target file; ``.npz`` is appended if missing.

        Returns
        -------
        pathlib.Path
            The file written.

        Examples
        --------
        >>> import tempfile, geoaccess as ga
        >>> net = ga.Network.from_osm_file(ga.datasets.get_path("west-oakland"))
        >>> with tempfile.TemporaryDirectory() as d:
        ...     back = ga.Network.load(net.save(f"{d}/walk.npz"))
        >>> bool((back.seconds == net.seconds).all())
        True
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        meta = json.dumps({"crs": self.crs, "mode": self.mode, "provenance": self.provenance,
                           "format": 1})
        buf = io.BytesIO()
        np.savez_compressed(buf, indptr=self.indptr, indices=self.indices,
                            seconds=self.seconds, x=self.x, y=self.y, osmid=self.osmid,
                            meta=np.frombuffer(meta.encode(), dtype=np.uint8))
        atomic_write_bytes(path, buf.getvalue())
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Network:
        """Load a network written by :meth:`save`.

        Parameters
        ----------
        path : path-like
            The ``.npz`` file.

        Returns
        -------
        Network
        """
        path = Path(path)
        if not path.exists():
            raise InputError(f"{path}: network file not found", path=path)
        import zipfile

        try:
            # the file is opened here: np.load leaves its own handle open when the zip is bad
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode())
                arrays = {k: z[k] for k in ("indptr", "indices", "seconds", "x", "y", "osmid")}
            crs, mode, provenance = meta["crs"], meta["mode"], dict(meta["provenance"])
        except (OSError, KeyError, ValueError, TypeError, EOFError, zipfile.BadZipFile,
                UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not a geoaccess network file, or one that is truncated "
                             f"or damaged ({type(exc).__name__}: {str(exc)[:200]}); build it "
                             "again with Network.from_osm_file(...).save()", path=path) from exc
        _check_arrays(path, arrays)
        return cls(arrays["indptr"], arrays["indices"], arrays["seconds"], arrays["x"],
                   arrays["y"], arrays["osmid"], crs=crs, mode=mode, provenance=provenance)


def _check_arrays(path: Path, a: Mapping[str, np.ndarray]) -> None:
    """Refuse saved arrays that would fail later: sizes, ranges, order, finiteness."""
    problems = []
    indptr, indices, seconds = a["indptr"], a["indices"], a["seconds"]
    n = len(a["x"])
    if any(arr.ndim != 1 for arr in a.values()):
        problems.append("arrays must be one-dimensional")
    elif not (np.issubdtype(indptr.dtype, np.integer) and np.issubdtype(indices.dtype, np.integer)
              and np.issubdtype(seconds.dtype, np.floating)):
        problems.append("indptr/indices must be integers and seconds floats")
    else:
        if len(a["y"]) != n or len(a["osmid"]) != n:
            problems.append(f"x, y and osmid differ in length ({n}, {len(a['y'])}, "
                            f"{len(a['osmid'])})")
        if len(indptr) != n + 1:
            problems.append(f"indptr has {len(indptr)} entries for {n} nodes (needs {n + 1})")
        elif indptr[0] != 0 or indptr[-1] != len(indices) or (np.diff(indptr) < 0).any():
            problems.append("indptr must start at 0, never decrease and end at the number of "
                            "arcs")
        if len(seconds) != len(indices):
            problems.append(f"{len(indices)} arcs but {len(seconds)} travel times")
        if len(indices) and (indices.min() < 0 or indices.max() >= n):
            problems.append(f"arc heads outside 0..{n - 1}")
        if len(seconds) and not (np.isfinite(seconds).all() and (seconds >= 0).all()):
            problems.append("travel seconds must be finite and not negative")
        if not (np.isfinite(a["x"]).all() and np.isfinite(a["y"]).all()):
            problems.append("node coordinates must be finite")
    if problems:
        raise InputError(f"{path}: the saved network is inconsistent ({'; '.join(problems)}); "
                         "it was altered or damaged: build it again", path=path)
