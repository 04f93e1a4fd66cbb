"""Extract candidate venues for the Rutland demo from the bundled OSM extract.

Writes data/rutland_sites.csv: the 36 community centres, libraries and kindergartens
tagged in OpenStreetMap in Rutland, as ILLUSTRATIVE candidate sites for a family-hub
configuration. Kinds, capacities and sessions are ASSUMPTIONS for the demo, not facts:

- library -> kind "hub", capacity 60 places, 10 sessions/week
- community_centre -> kind "centre", capacity 30, 5 sessions/week
- kindergarten -> kind "outreach", capacity 15, 2 sessions/week

Usage: python scripts/extract_venues.py [path/to/rutland-latest.osm.pbf]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import osmium

ROOT = Path(__file__).resolve().parents[1]
AMENITIES = {"library": ("hub", 60, 10), "community_centre": ("centre", 30, 5),
             "kindergarten": ("outreach", 15, 2)}


def main(path: str) -> None:
    rows = []
    fp = (osmium.FileProcessor(path, osmium.osm.NODE | osmium.osm.WAY).with_locations()
          .with_filter(osmium.filter.KeyFilter("amenity")))
    for obj in fp:
        amenity = obj.tags.get("amenity")
        if amenity not in AMENITIES:
            continue
        if obj.is_node():
            lon, lat, osm = obj.location.lon, obj.location.lat, f"node/{obj.id}"
        elif obj.is_way():
            pts = np.array([(n.lon, n.lat) for n in obj.nodes if n.location.valid()])
            lon, lat, osm = pts[:, 0].mean(), pts[:, 1].mean(), f"way/{obj.id}"
        else:
            continue
        kind, capacity, sessions = AMENITIES[amenity]
        name = obj.tags.get("name") or f"Unnamed {amenity.replace('_', ' ')}"
        rows.append({"name": name, "kind": kind, "capacity": capacity,
                     "sessions_per_week": sessions, "lat": round(lat, 6), "lon": round(lon, 6),
                     "osm_amenity": amenity, "osm_id": osm})
    rows.sort(key=lambda r: (list(AMENITIES).index(r["osm_amenity"]), r["name"], r["osm_id"]))
    for i, r in enumerate(rows, 1):
        r["site_id"] = f"S{i:02d}"
    out = ROOT / "data" / "rutland_sites.csv"
    fields = ["site_id", "name", "kind", "capacity", "sessions_per_week", "lat", "lon",
              "osm_amenity", "osm_id"]
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} sites to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "data" / "rutland-latest.osm.pbf"))
