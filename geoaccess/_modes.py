"""Travel modes: which OSM ways each mode may use, in which direction, at what speed.

The rules follow osmnx's network_type filters where they fit English practice, with these
choices (documented in docs/method/speeds.md):

- walk: every highway a pedestrian may use, both directions, no motorways, no ``foot=no``,
  no private access; ``highway=cycleway`` is included (in England most are shared paths)
  unless ``foot=no``.
- pushchair: walk without ``highway=steps``, at the slower pushchair speed.
- cycle: roads, cycleways, bridleways and paths; footways and pedestrian areas only where
  ``bicycle`` is yes/designated/permissive; no motorways or steps; one-way streets respected
  unless ``oneway:bicycle=no`` or a contraflow ``cycleway=opposite*``.
- drive: the motor road hierarchy with ``maxspeed`` parsed ("30 mph", "GB:nsl_single"...)
  and UK defaults by highway type where untagged; one-ways (and roundabouts, motorways)
  respected; no private or ``motor_vehicle=no`` roads, no parking aisles or driveways.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

MODES = ("walk", "pushchair", "cycle", "drive")

MPH = 1.609344

_EXCLUDED_ALWAYS = {
    "abandoned", "bus_guideway", "construction", "disused", "no", "planned", "platform",
    "proposed", "raceway", "razed", "rest_area", "services", "corridor", "elevator",
    "busway", "emergency_bay", "via_ferrata", "escape",
}
_MOTORWAYS = {"motorway", "motorway_link"}
_FOOT_ONLY = {"footway", "pedestrian", "steps", "corridor"}
_DRIVE = {
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
    "residential", "living_street", "service", "road",
}
_NO = {"no", "private"}
_YES = {"yes", "designated", "permissive", "destination", "official"}

#: Default car speeds in km/h by highway type where ``maxspeed`` is untagged (UK limits:
#: national speed limit 70 mph on motorways and dual carriageways, 60 mph on single
#: carriageways; 30 mph in built-up areas; lower on links, service roads and living streets).
UK_DRIVE_SPEEDS_KMH: dict[str, float] = {
    "motorway": 70 * MPH,
    "motorway_link": 40 * MPH,
    "trunk": 60 * MPH,
    "trunk_link": 30 * MPH,
    "primary": 50 * MPH,
    "primary_link": 30 * MPH,
    "secondary": 40 * MPH,
    "secondary_link": 30 * MPH,
    "tertiary": 30 * MPH,
    "tertiary_link": 20 * MPH,
    "unclassified": 30 * MPH,
    "residential": 20 * MPH,
    "living_street": 10 * MPH,
    "service": 10 * MPH,
    "road": 20 * MPH,
}

_NAMED_SPEEDS_KMH = {
    "gb:nsl_single": 60 * MPH,
    "gb:nsl_dual": 70 * MPH,
    "gb:motorway": 70 * MPH,
    "uk:nsl_single": 60 * MPH,
    "uk:nsl_dual": 70 * MPH,
    "uk:motorway": 70 * MPH,
    "gb:nsl_restricted": 30 * MPH,
    "gb:zone20": 20 * MPH,
    "gb:zone30": 30 * MPH,
    "walk": 5.0,
    "living_street": 10 * MPH,
}
_SPEED_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


def parse_maxspeed(value: str | None) -> float | None:
    """Parse an OSM ``maxspeed`` value to km/h, or None when it cannot be read.

    Several values ("30;40") are averaged, as osmnx does.

    Examples
    --------
    >>> round(parse_maxspeed("30 mph"), 2)
    48.28
    >>> parse_maxspeed("50")
    50.0
    >>> round(parse_maxspeed("GB:nsl_single"), 1)
    96.6
    >>> parse_maxspeed("signals") is None
    True
    """
    if value is None:
        return None
    speeds = []
    for part in str(value).split(";"):
        key = part.strip().lower()
        if key in _NAMED_SPEEDS_KMH:
            speeds.append(_NAMED_SPEEDS_KMH[key])
            continue
        m = _SPEED_RE.match(key)
        if m is None:
            continue
        number = float(m.group(1))
        speeds.append(number * MPH if m.group(2) == "mph" else number)
    speeds = [s for s in speeds if s > 0]
    if not speeds:
        return None
    return sum(speeds) / len(speeds)


def _oneway(tags: Mapping[str, str], highway: str, key: str = "oneway") -> int:
    """Return 1 for forward-only, -1 for backward-only, 0 for both directions."""
    value = tags.get(key)
    if value in ("yes", "true", "1"):
        return 1
    if value in ("-1", "reverse"):
        return -1
    if value in ("no", "false", "0"):
        return 0
    if key == "oneway" and (tags.get("junction") in ("roundabout", "circular")
                            or highway == "motorway"):
        return 1
    return 0


def way_rule(
    tags: Mapping[str, str], mode: str, speeds: Mapping[str, float]
) -> tuple[float, int] | None:
    """Speed (km/h) and direction (0 both, 1 forward, -1 backward) of a way, or None.

    ``speeds`` maps ``"walk"``, ``"pushchair"``, ``"cycle"`` to km/h, and for drive any
    highway type to km/h (defaults :data:`UK_DRIVE_SPEEDS_KMH`) plus ``"drive"`` as a
    single override for all roads when given.
    """
    highway = tags.get("highway")
    if highway is None or highway in _EXCLUDED_ALWAYS or tags.get("area") == "yes":
        return None
    access = tags.get("access")
    if mode in ("walk", "pushchair"):
        foot = tags.get("foot")
        if highway in _MOTORWAYS or foot in _NO or tags.get("service") == "private":
            return None
        if access in _NO and foot not in _YES:
            return None
        if mode == "pushchair" and highway == "steps":
            return None
        return speeds[mode], 0
    if mode == "cycle":
        bicycle = tags.get("bicycle")
        if highway in _MOTORWAYS or highway == "steps" or bicycle in _NO or bicycle == "dismount":
            return None
        if highway in _FOOT_ONLY and bicycle not in _YES:
            return None
        if access in _NO and bicycle not in _YES:
            return None
        if tags.get("service") == "private":
            return None
        direction = _oneway(tags, highway)
        contraflow = str(tags.get("cycleway", "")).startswith("opposite") or any(
            str(tags.get(k, "")).startswith("opposite")
            for k in ("cycleway:left", "cycleway:right", "cycleway:both")
        )
        if tags.get("oneway:bicycle") in ("no", "false", "0") or contraflow:
            direction = 0
        elif "oneway:bicycle" in tags:
            direction = _oneway(tags, highway, "oneway:bicycle")
        return speeds["cycle"], direction
    if mode == "drive":
        if highway not in _DRIVE:
            return None
        motor = tags.get("motor_vehicle", tags.get("motorcar", tags.get("vehicle")))
        if access in _NO and motor not in _YES:
            return None
        if motor in _NO:
            return None
        if tags.get("service") in ("parking_aisle", "driveway", "private", "emergency_access",
                                   "parking", "drive-through"):
            return None
        if "drive" in speeds:
            speed = speeds["drive"]
        else:
            parsed = parse_maxspeed(tags.get("maxspeed"))
            speed = parsed if parsed is not None else speeds.get(highway, 20 * MPH)
        return speed, _oneway(tags, highway)
    raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")


def default_speeds(mode: str, speed_kmh: float | Mapping[str, float] | None) -> dict[str, float]:
    """The speed table for a mode, with the user's ``speed_kmh`` applied."""
    from . import settings

    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    table: dict[str, float] = {
        "walk": settings.walk_speed_kmh,
        "pushchair": settings.pushchair_speed_kmh,
        "cycle": settings.cycle_speed_kmh,
    }
    if mode == "drive":
        table.update(UK_DRIVE_SPEEDS_KMH)
        if isinstance(speed_kmh, Mapping):
            table.update({k: float(v) for k, v in speed_kmh.items()})
        elif speed_kmh is not None:
            table["drive"] = float(speed_kmh)
    elif isinstance(speed_kmh, Mapping):
        table.update({k: float(v) for k, v in speed_kmh.items()})
    elif speed_kmh is not None:
        table[mode] = float(speed_kmh)
    bad = {k: v for k, v in table.items() if not v > 0}
    if bad:
        raise ValueError(f"speeds must be positive km/h, got {bad}")
    return table
