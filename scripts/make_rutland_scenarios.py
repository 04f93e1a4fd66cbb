"""Draft of the bundled Rutland demo scenarios (issue 4), for the lead to place in data/.

ILLUSTRATIVE options mirroring real council decisions, built from the bundled sites,
LSOAs and the walk network; none is a real Rutland proposal.

- Current network: all 36 candidate venues open as centres.
- Keep 18 (half close, like Leicestershire's 36 -> 18): the 18 venues with the most
  children aged 0-4 living within a 15-minute walk (a usage-style rule a council might
  apply; ties by site id).
- 8 centres + 8 outreach + 2 bases (like Oxfordshire): Oakham (S02) and Uppingham (S04)
  libraries as shared bases, then venues picked one at a time to add the most children
  not yet within a 15-minute walk: the first 8 as centres, the next 8 as outreach sites.
- Locality hubs (like Wakefield's 7 hubs): the wards grouped into 7 localities; in each,
  the venue minimising the locality's children-weighted walking time is its hub.
"""
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np

import geoaccess as ga
from geoaccess.io import set_origins

LOCALITIES = {
    "Oakham": ["Oakham North East", "Oakham North West", "Oakham South", "Barleythorpe"],
    "Uppingham": ["Uppingham", "Lyddington"],
    "Ketton": ["Ketton"],
    "Ryhall & Casterton": ["Ryhall & Casterton"],
    "Cottesmore & Greetham": ["Cottesmore", "Greetham", "Exton"],
    "Langham & Whissendine": ["Langham", "Whissendine"],
    "Rutland Water & Martinsthorpe": ["Normanton", "Braunston & Martinsthorpe"],
}

out = Path(sys.argv[1] if len(sys.argv) > 1 else "rutland_scenarios.csv")
osm = ga.datasets.get_path("rutland-osm")
sites = ga.read_sites(ga.datasets.get_path("rutland-sites"))
areas = ga.read_areas(ga.datasets.get_path("rutland-lsoa"), population=["children_0_4"])
areas = set_origins(areas, ga.residential_origins(areas, osm))
tt = ga.travel_times(ga.Network.from_osm_file(osm, mode="walk"), sites, areas, progress=False)
m = tt.minutes.loc[areas["area_id"]]
kids = areas.set_index("area_id")["children_0_4"]
reach15 = (m.le(15).mul(kids, axis=0)).sum().rename("children_within_15")
order = reach15.reset_index().sort_values(["children_within_15", "site_id"],
                                          ascending=[False, True])["site_id"].tolist()
keep18 = sorted(order[:18])
bases = ["S02", "S04"]
# greedy: each next venue covers the most children not yet within 15 minutes
covered = m[bases].le(15).any(axis=1)
picks: list[str] = []
while len(picks) < 16:
    gain = {s: float(kids[~covered & m[s].le(15)].sum()) for s in order
            if s not in bases and s not in picks}
    best = max(gain.values())
    s = next(s for s in order if s in gain and gain[s] == best)
    picks.append(s)
    covered |= m[s].le(15)
centres8, outreach8 = picks[:8], picks[8:16]
ward_of = gpd.sjoin(sites, areas[["ward", "geometry"]], how="left",
                    predicate="within").set_index("site_id")["ward"]
hubs = {}
for loc, wards in LOCALITIES.items():
    in_loc = areas["ward"].isin(wards).to_numpy()
    cands = [s for s in sites["site_id"] if ward_of.get(s) in wards]
    ids = areas.loc[in_loc, "area_id"]
    cost = {s: float((m.loc[ids, s] * kids[ids]).sum()) for s in cands}
    hubs[loc] = min(sorted(cost), key=lambda s: cost[s])
table = sites[["site_id", "name"]].copy()
table["Current network"] = "centre"
table["Keep 18"] = np.where(table["site_id"].isin(keep18), "centre", "")
table["8 centres, 8 outreach, 2 bases"] = [
    "base" if s in bases else "centre" if s in centres8 else "outreach" if s in outreach8
    else "" for s in table["site_id"]]
table["Locality hubs"] = ["hub" if s in hubs.values() else "" for s in table["site_id"]]
table.to_csv(out, index=False)
print(f"wrote {out}")
print("locality hubs:", hubs)
scen = ga.read_scenarios(out, sites)
r = ga.evaluate(tt, areas, scen, population="children_0_4", thresholds=[10, 15, 20, 30])
print(r.summary[["scenario", "open_sites", "mean_minutes", "share_within_15",
                 "share_within_30"]].to_string())
c = ga.compare(r)
print(c.summary[["scenario", "population_loss", "population_loses_15"]].to_string())
