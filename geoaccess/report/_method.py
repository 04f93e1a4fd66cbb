"""The method and provenance lists of the report's appendix (private)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pandas as pd

from .._version import __version__
from ..plot import population_words


def _method_items(res: Any, comp: Any, areas: pd.DataFrame, lab: str,
                  network: Any, walk_in_m: float) -> list[tuple[str, str]]:
    prov = res.provenance
    mode = res.mode
    speeds = prov.get("speeds_kmh") or {}
    items: list[tuple[str, str]] = []
    travel = {"walk": "walking", "pushchair": "walking with a pushchair (avoiding steps)",
              "cycle": "cycling", "drive": "driving"}.get(mode, str(mode))
    if mode in speeds:
        items.append(("Travel mode and speed", (f"{travel} at {float(speeds[mode]):g} km/h, "
                      "the quickest route along the network")))
    elif mode == "drive":
        items.append(("Travel mode and speed", ("driving at the tagged speed limits (UK "
                      "defaults by road type where untagged), no congestion")))
    else:
        items.append(("Travel mode", travel))
    if "max_snap_m" in prov:
        items.append(("Joining areas and sites to the network",
                      (f"each area's origin and each site is joined to the nearest point on a "
                      f"street or path of the network's main connected part and that distance "
                      f"is walked at {float(prov.get('access_speed_kmh', 4.8)):g} km/h; "
                      f"points more than {float(prov['max_snap_m']):g} m away get no time")))
    if "origin_method" in areas.columns:
        counts = areas["origin_method"].astype(str).value_counts()
        items.append(("Area origins", "; ".join(f"{k}: {v} areas" for k, v in counts.items())))
    items.append(("Thresholds", ", ".join(f"{float(t):g}" for t in res.thresholds)
                  + f" minutes; the text quotes {lab} minutes"))
    items.append(("Population", population_words(res.population)
                  if res.population else "each area counts once"))
    items.append(("Within t minutes", ("the nearest open site's time is at most t minutes "
                  "(inclusive), as in the DfT Journey Time Statistics; shares are of everyone, "
                  "including people with no time")))
    items.append(("Averages", ("population weighted: everyone in an area takes the area's "
                  "time; the median and 90th percentile are weighted quantiles over areas "
                  "with a time")))
    if comp is not None:
        items.append(("Gain and loss", (f"a proposal's time against {comp.baseline}'s; "
                      f"changes of {comp.tolerance_minutes:g} minutes or less count as "
                      "unchanged; 'loses t-minute access' = within t under the baseline, not "
                      "under the proposal")))
    items.append(("Most deprived", ("IMD 2025 deciles 1–2 (the 20% most deprived areas in "
                  "England) where present, else the two most deprived deciles present")))
    items.append(("Relative risk", ("share losing access in the most deprived areas divided "
                  "by the share elsewhere. Two 95% intervals are computed: the Katz log "
                  "method treats people as independent (standard error of ln RR = "
                  "√(1/a − 1/n₁ + 1/c − 1/n₀)); the interval quoted in the findings allows "
                  "for everyone in an area gaining or losing access together (a ratio "
                  "estimator over areas with Student's t on areas − 2 degrees of freedom), "
                  "and is wider when few areas change")))
    items.append(("Inequality indices", ("population-weighted Gini, concentration index ranked "
                  "by deprivation (Kakwani et al. 1997), Palma ratio, Theil T")))
    if network is not None:
        items.append(("Service areas", (f"land within {walk_in_m:g} m of any street or path "
                      "reached from an open site within the threshold, less the time to walk "
                      f"those {walk_in_m:g} m (one shortest-path search on the network from "
                      "all open sites at once)")))
    return items


def _provenance_items(res: Any) -> list[tuple[str, str]]:
    prov = res.provenance
    keys = [("source", "Network source file"), ("sha256", "Its SHA-256"),
            ("osm_timestamp", "OpenStreetMap extract date"), ("reader", "Read with"),
            ("crs", "Coordinate reference system"), ("nodes", "Network nodes"),
            ("arcs", "Network links"),
            ("nodes_outside_main_component", "Nodes outside the main connected part"),
            ("built_by", "Network built by")]
    items = [(label, str(prov[k])) for k, label in keys if k in prov and prov[k] is not None]
    items.append(("Report made by", f"geoaccess {__version__}"))
    items.append(("Report made at", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")))
    return items

