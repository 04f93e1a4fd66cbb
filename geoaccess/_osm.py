"""Read the ways of an OSM file with pyosmium and turn them into segments for a mode."""

from __future__ import annotations

from array import array
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
    """Segments (consecutive node pairs) of every way usable by ``mode``.

    One streaming pass with pyosmium: libosmium decodes the file (on several threads for
    ``.pbf``) and keeps every node's location in its ``flex_mem`` cache (16 bytes per
    node of the file, in C++); Python sees only the ``highway`` ways and appends each
    usable way's node ids and coordinates to one flat buffer of doubles (24 bytes per
    way node; OSM ids are below 2**53, so exact as doubles). Nothing is kept per way but
    its length, speed and direction, so memory grows with the file's nodes and the
    network's size, with no Python object per node or per way.

    Nodes missing from the file (ways cut at an extract's edge) are skipped, joining
    the way's remaining nodes; a way left with fewer than two nodes is dropped.
    """
    import osmium

    from ._modes import way_rule

    flat = array("d")  # ref, lon, lat of every node of every usable way, in way order
    counts = array("q")
    way_speed = array("d")
    way_dir = array("b")
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations("flex_mem")
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        way: Any
        for way in processor:
            # way_rule only looks tags up: pyosmium's TagList does that in C++, faster
            # than copying every tag into a dict
            rule = way_rule(way.tags, mode, speeds)
            if rule is None:
                continue
            coords: list[float] = []
            try:
                for nd in way.nodes:
                    loc = nd.location
                    coords += (nd.ref, loc.lon, loc.lat)
            except osmium.InvalidLocationError:  # a node missing from the file
                coords = [x for nd in way.nodes if nd.location.valid()
                          for x in (nd.ref, nd.location.lon, nd.location.lat)]
            if len(coords) < 6:
                continue
            flat.extend(coords)
            counts.append(len(coords) // 3)
            way_speed.append(rule[0])
            way_dir.append(rule[1])
    except RuntimeError as exc:
        raise InputError(f"{path}: cannot read OSM file ({exc})", path=path) from exc
    del processor  # frees libosmium's location cache before the arrays are built
    timestamp = osm_timestamp(path)
    if not counts:
        empty = np.zeros(0)
        return ParsedWays(empty, empty, empty.astype(np.int64), empty.astype(np.int64),
                          empty.astype(np.int64), empty, empty.astype(np.int8), timestamp)
    lengths = np.frombuffer(counts, dtype=np.int64)
    table = np.frombuffer(flat, dtype=np.float64).reshape(-1, 3)
    del flat
    osmid, first, inverse = np.unique(table[:, 0].astype(np.int64), return_index=True,
                                      return_inverse=True)
    lon, lat = table[first, 1], table[first, 2]
    del table
    # segment i joins way node i and i + 1, unless i is the last node of its way
    ends = np.cumsum(lengths) - 1
    is_tail = np.ones(int(ends[-1]) + 1, dtype=bool)
    is_tail[ends] = False
    tails = np.nonzero(is_tail)[0]
    way_of_seg = np.repeat(np.arange(len(lengths)), lengths - 1)
    return ParsedWays(
        lon=lon,
        lat=lat,
        osmid=osmid,
        u=inverse[tails],
        v=inverse[tails + 1],
        speed_kmh=np.frombuffer(way_speed, dtype=np.float64)[way_of_seg],
        direction=np.frombuffer(way_dir, dtype=np.int8)[way_of_seg],
        timestamp=timestamp,
    )
