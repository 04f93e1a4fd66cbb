"""Read the ways of an OSM file with pyosmium and turn them into segments for a mode."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError


@dataclass
class ParsedWays:
    lon: np.ndarray
    lat: np.ndarray
    osmid: np.ndarray
    u: np.ndarray
    v: np.ndarray
    speed_kmh: np.ndarray
    direction: np.ndarray
    timestamp: str | None


def osm_timestamp(path: Path) -> str | None:
    """The replication timestamp in the file header, if any."""
    import osmium

    try:
        header = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING).header()
    except RuntimeError:
        return None
    stamp = header.get("osmosis_replication_timestamp") or header.get("timestamp")
    return stamp or None


def read_ways(path: Path, mode: str, speeds: Mapping[str, float]) -> ParsedWays:
    """Segments (consecutive node pairs) of every way usable by ``mode``."""
    import osmium

    from ._modes import way_rule

    refs: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    way_speed: list[float] = []
    way_dir: list[int] = []
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        way: Any
        for way in processor:
            tags = dict(way.tags)
            rule = way_rule(tags, mode, speeds)
            if rule is None:
                continue
            nodes = [(nd.ref, nd.lon, nd.lat) for nd in way.nodes if nd.location.valid()]
            if len(nodes) < 2:
                continue
            arr = np.asarray(nodes, dtype=np.float64)
            refs.append(np.asarray([n[0] for n in nodes], dtype=np.int64))
            lons.append(arr[:, 1])
            lats.append(arr[:, 2])
            way_speed.append(rule[0])
            way_dir.append(rule[1])
    except RuntimeError as exc:
        raise InputError(f"{path}: cannot read OSM file ({exc})", path=path) from exc
    if not refs:
        empty = np.zeros(0)
        return ParsedWays(empty, empty, empty.astype(np.int64), empty.astype(np.int64),
                          empty.astype(np.int64), empty, empty.astype(np.int8),
                          osm_timestamp(path))
    lengths = np.array([len(r) for r in refs])
    all_refs = np.concatenate(refs)
    all_lon = np.concatenate(lons)
    all_lat = np.concatenate(lats)
    osmid, first, inverse = np.unique(all_refs, return_index=True, return_inverse=True)
    # segment i joins node i and i+1 of the same way
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    seg_mask = np.ones(len(all_refs), dtype=bool)
    seg_mask[np.cumsum(lengths) - 1] = False
    seg_idx = np.nonzero(seg_mask)[0]
    way_of_seg = np.repeat(np.arange(len(refs)), lengths - 1)
    del starts
    return ParsedWays(
        lon=all_lon[first],
        lat=all_lat[first],
        osmid=osmid,
        u=inverse[seg_idx],
        v=inverse[seg_idx + 1],
        speed_kmh=np.asarray(way_speed)[way_of_seg],
        direction=np.asarray(way_dir, dtype=np.int8)[way_of_seg],
        timestamp=osm_timestamp(path),
    )
