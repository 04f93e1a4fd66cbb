"""Case 5: building a travel-time network from the Rutland OpenStreetMap extract.

osmnx cannot read ``.osm.pbf`` (``osmnx.graph_from_xml`` reads OSM XML), so two
comparisons are made, each on identical input:

- **pbf**: ``geoaccess.Network.from_osm_file(pbf)`` against pyrosm reading the same
  ``.osm.pbf`` (``OSM.get_network``) and building the osmnx-compatible networkx graph
  (``OSM.to_graph(graph_type="networkx", simplify=False, retain_all=True)``), the usual
  way to get an osmnx graph from a pbf;
- **xml**: both libraries on an OSM XML export of the same extract holding every way with
  a ``highway`` tag and its nodes (written with pyosmium before timing):
  ``Network.from_osm_file(xml)`` against ``osmnx.graph_from_xml(xml, simplify=False,
  retain_all=True)``.

For drive, osmnx's ``add_edge_speeds`` and ``add_edge_travel_times`` are included, since
geoaccess's network carries travel seconds. Neither side simplifies the graph. The check:
every geoaccess arc is an edge of the osmnx graph in the same direction, with the same
length (walk: seconds x 4.8 km/h).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

import geoaccess as ga
from geoaccess import _csr, settings

from ._util import log, median_time


def export_highways_xml(pbf: Path, out: Path) -> Path:
    """Every way tagged ``highway`` and the nodes it uses, as OSM XML (pyosmium)."""
    import osmium

    refs: set[int] = set()
    for way in osmium.FileProcessor(str(pbf), osmium.osm.WAY).with_filter(
            osmium.filter.KeyFilter("highway")):
        refs.update(nd.ref for nd in way.nodes)
    if out.exists():
        out.unlink()
    with osmium.SimpleWriter(str(out)) as writer:
        for obj in osmium.FileProcessor(str(pbf), osmium.osm.NODE | osmium.osm.WAY):
            if obj.is_node():
                if obj.id in refs:
                    writer.add_node(obj)
            elif "highway" in obj.tags:
                writer.add_way(obj)
    return out


def _check(net: ga.Network, G, walk_kmh: float | None) -> dict[str, Any]:
    tails = _csr.arcs_from_csr(net.indptr, net.indices)
    ou = net.osmid[tails].tolist()
    ov = net.osmid[net.indices].tolist()
    found = 0
    worst = 0.0
    for a, b, s in zip(ou, ov, net.seconds.tolist(), strict=True):
        if G.has_edge(a, b):
            found += 1
            if walk_kmh is not None:
                length = min(d["length"] for d in G[a][b].values())
                worst = max(worst, abs(s * walk_kmh / 3.6 - length) / max(length, 1e-9))
    out: dict[str, Any] = {"arcs": len(ou), "arcs_found_in_reference": found,
                           "share_found": found / len(ou)}
    if walk_kmh is not None:
        out["max_relative_length_diff"] = worst
    return out


def build_cases(pbf: Path, *, repeats: int = 3) -> list[dict[str, Any]]:
    import osmnx as ox
    import pyrosm

    logging.getLogger("osmnx").setLevel(logging.WARNING)
    ox.settings.log_console = False
    cases: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        xml = export_highways_xml(pbf, Path(tmp) / "rutland-highways.osm")
        for mode, pyrosm_type in (("walk", "walking"), ("drive", "driving")):
            log(f"build: {mode} from .osm.pbf (geoaccess, pyrosm + osmnx)")

            def ga_pbf(mode: str = mode) -> ga.Network:
                return ga.Network.from_osm_file(pbf, mode=mode)

            def ga_xml(mode: str = mode) -> ga.Network:
                return ga.Network.from_osm_file(xml, mode=mode)

            def rosm(mode: str = mode, network_type: str = pyrosm_type):
                osm = pyrosm.OSM(str(pbf))
                nodes, edges = osm.get_network(network_type=network_type, nodes=True)
                G = osm.to_graph(nodes, edges, graph_type="networkx", retain_all=True,
                                 simplify=False)
                if mode == "drive":
                    G = ox.add_edge_travel_times(ox.add_edge_speeds(G))
                return G

            def oxml(mode: str = mode):
                G = ox.graph_from_xml(xml, bidirectional=mode == "walk", simplify=False,
                                      retain_all=True)
                if mode == "drive":
                    G = ox.add_edge_travel_times(ox.add_edge_speeds(G))
                return G

            for fn in (ga_pbf, rosm, ga_xml, oxml):  # warm-up: imports, file cache
                fn()
            net = ga_pbf()
            net_xml = ga_xml()
            same = (np.array_equal(net.indptr, net_xml.indptr)
                    and np.array_equal(net.indices, net_xml.indices)
                    and np.array_equal(net.seconds, net_xml.seconds))
            G_ox = oxml()
            walk_kmh = settings.walk_speed_kmh if mode == "walk" else None
            chk = _check(net, G_ox, walk_kmh)
            passed = bool(same and chk["share_found"] == 1.0
                          and chk.get("max_relative_length_diff", 0.0) < 1e-9)
            check = {"what": "geoaccess from pbf == from XML; every geoaccess arc is an osmnx "
                             "edge in the same direction, same length (walk)",
                     "pbf_equals_xml_network": bool(same), **chk, "passed": passed}
            if not passed:
                raise AssertionError(f"build {mode}: networks disagree: {check}")
            G_rosm = rosm()
            rosm_chk = _check(net, G_rosm, None)
            ga_s, ga_runs, _ = median_time(ga_pbf, repeats)
            ro_s, ro_runs, _ = median_time(rosm, repeats)
            gx_s, gx_runs, _ = median_time(ga_xml, repeats)
            ox_s, ox_runs, _ = median_time(oxml, repeats)
            ours = {"nodes": net.n_nodes, "arcs": net.n_arcs}
            cases.append({
                "name": f"build {mode} network from Rutland .osm.pbf",
                "case": "build",
                "size": net.n_nodes,
                "geoaccess_s": ga_s,
                "geoaccess_runs_s": ga_runs,
                "reference": f"pyrosm {pyrosm.__version__} get_network('{pyrosm_type}') + "
                             "to_graph(networkx, osmnx-compatible, simplify=False)"
                             + (" + osmnx add_edge_speeds/add_edge_travel_times"
                                if mode == "drive" else ""),
                "reference_s": ro_s,
                "reference_runs_s": ro_runs,
                "ratio": ro_s / ga_s,
                "graph_info": {"geoaccess": ours,
                               "reference": {"nodes": G_rosm.number_of_nodes(),
                                             "edges": G_rosm.number_of_edges()}},
                "note": "pyrosm's mode filters differ from geoaccess's; "
                        f"{rosm_chk['share_found']:.1%} of geoaccess arcs are in its graph",
                "check": check,
            })
            cases.append({
                "name": f"build {mode} network from an OSM XML export of the same extract",
                "case": "build",
                "size": net.n_nodes,
                "geoaccess_s": gx_s,
                "geoaccess_runs_s": gx_runs,
                "reference": f"osmnx {ox.__version__} graph_from_xml(simplify=False, "
                             "retain_all=True)"
                             + (" + add_edge_speeds/add_edge_travel_times"
                                if mode == "drive" else ", bidirectional=True"),
                "reference_s": ox_s,
                "reference_runs_s": ox_runs,
                "ratio": ox_s / gx_s,
                "graph_info": {"geoaccess": ours,
                               "reference": {"nodes": G_ox.number_of_nodes(),
                                             "edges": G_ox.number_of_edges()}},
                "note": "XML holds every highway-tagged way and its nodes (written with "
                        "pyosmium, not timed); osmnx keeps all of them, geoaccess only the "
                        f"ways usable on {mode}",
                "check": check,
            })
    return cases
